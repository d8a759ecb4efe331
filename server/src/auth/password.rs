use std::sync::Mutex;

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::rngs::OsRng;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password must have at least {0} characters")]
    TooShort(usize),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes computed at once by the server's requests. Argon2 takes ~19 MiB per hash by
/// design: a burst of sign-ins (a commune office's tablets after an outage) hashed all at
/// once would take as many times that, and more at once than cores is no faster.
const HASHES_AT_ONCE: usize = 2;

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHES_AT_ONCE);

/// Argon2's working memory, kept between hashes. Allocated afresh per hash, the 19 MiB
/// buffers are freed into glibc's per-thread arenas once its mmap threshold has risen to
/// their size, and each blocking thread's arena keeps one: 16 sign-ins took the server
/// from 70 to 400 MB. Reused, they cost `HASHES_AT_ONCE` buffers for the process's life.
static SPARE_MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

fn with_memory<T>(params: &Params, work: impl FnOnce(&mut [Block]) -> T) -> T {
    let needed = params.block_count();
    let spare = SPARE_MEMORY.lock().ok().and_then(|mut spare| spare.pop());
    let mut blocks = spare.filter(|blocks| blocks.len() >= needed).unwrap_or_else(|| vec![Block::default(); needed]);
    let result = work(&mut blocks);
    if let Ok(mut spare) = SPARE_MEMORY.lock() {
        if spare.len() < HASHES_AT_ONCE {
            spare.push(blocks);
        }
    }
    result
}

fn argon2_output(argon2: &Argon2, password: &str, salt: &[u8], length: usize) -> Result<Output, argon2::Error> {
    with_memory(argon2.params(), |blocks| {
        let mut bytes = vec![0u8; length];
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut bytes, blocks)?;
        Output::new(&bytes).map_err(|_| argon2::Error::OutputTooLong)
    })
}

/// Argon2id with the crate's default cost (19 MiB, 2 passes), in PHC string form.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort(MIN_PASSWORD_CHARS));
    }
    let failed = |error: &dyn std::fmt::Display| PasswordError::Hashing(error.to_string());
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(|error| failed(&error))?;
    let output = argon2_output(&argon2, password, salt_bytes, params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN))
        .map_err(|error| failed(&error))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|error| failed(&error))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// A password the server makes for a new or reset account: 16 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), about 90 bits, easy to read out.
pub fn temporary_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = OsRng;
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Whether `password` hashes to `stored` under the algorithm, version and cost written in it.
fn matches_hash(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else { return false };
    let Ok(version) = parsed.version.map_or(Ok(Version::default()), Version::try_from) else { return false };
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else { return false };
    let argon2 = Argon2::new(algorithm, version, params);
    // `Output`'s equality is constant-time.
    argon2_output(&argon2, password, salt_bytes, expected.len()).is_ok_and(|computed| computed == expected)
}

/// Checks a password against a stored hash. With no stored hash (unknown user) the same
/// work is done against a fixed hash, so both failures take about as long.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let decoy = DECOY.get_or_init(|| hash_password("decoy-password-never-matches").unwrap_or_default());
    let (hash, known) = match stored {
        Some(hash) => (hash, true),
        None => (decoy.as_str(), false),
    };
    matches_hash(password, hash) && known
}

/// Runs a hash for a request: in turn with the others, off the async workers. `None` when
/// the hashing thread stopped.
async fn in_turn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _turn = HASHING.acquire().await.ok()?;
    tokio::task::spawn_blocking(work).await.ok()
}

/// [`verify_password`] for a request, in turn with the others.
pub async fn verify_password_in_turn(password: String, stored: Option<String>) -> bool {
    in_turn(move || verify_password(&password, stored.as_deref())).await.unwrap_or(false)
}

/// [`hash_password`] for a request, in turn with the others.
pub async fn hash_password_in_turn(password: String) -> Result<String, PasswordError> {
    in_turn(move || hash_password(&password)).await.unwrap_or_else(|| Err(PasswordError::Hashing("hashing stopped".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_own_password_only() {
        let hash = hash_password("mật khẩu dài").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu dài", Some(&hash)));
        assert!(!verify_password("mat khau dai", Some(&hash)));
    }

    #[test]
    fn unknown_users_and_garbage_hashes_never_verify() {
        assert!(!verify_password("decoy-password-never-matches", None));
        assert!(!verify_password("anything", Some("not a hash")));
        assert!(matches!(hash_password("short"), Err(PasswordError::TooShort(_))));
    }

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_hasher_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_password("mật khẩu dài").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password("mật khẩu dài".as_bytes(), &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"mat khau dai", &parsed).is_err());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default().hash_password(b"another password", &salt).unwrap().to_string();
        assert!(verify_password("another password", Some(&theirs)));
        assert!(!verify_password("another passwore", Some(&theirs)));
    }

    #[test]
    fn stored_costs_are_honoured_and_reused_memory_changes_nothing() {
        use argon2::password_hash::PasswordHasher;
        let cheap = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(64, 1, 1, None).unwrap());
        let dearer = Argon2::new(Algorithm::Argon2i, Version::V0x10, Params::new(30 * 1024, 3, 1, Some(24)).unwrap());
        for argon2 in [cheap, dearer] {
            let salt = SaltString::generate(&mut OsRng);
            let stored = argon2.hash_password(b"old-cost password", &salt).unwrap().to_string();
            for _ in 0..3 {
                assert!(verify_password("old-cost password", Some(&stored)), "{stored}");
                assert!(!verify_password("old-cost passworD", Some(&stored)));
            }
        }
        let first = hash_password("the same password").unwrap();
        for _ in 0..3 {
            assert!(verify_password("the same password", Some(&first)));
        }
    }
}
