use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::rngs::OsRng;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password must have at least {0} characters")]
    TooShort(usize),
    #[error("this password is among the most used ones, or too repetitive; choose another")]
    TooCommon,
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// ASVS level 1 asks for 12; a passphrase of a few Vietnamese words passes easily.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The passwords of at least `MIN_PASSWORD_CHARS` characters found most often in leaked
/// password lists (the 30,000 most frequent of zxcvbn 4.4.2's list), lowercase, one a line.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Runs of keys or digits: a password that is a stretch of one of these is a pattern
/// ("123456789012", "qwertyuiopas").
const RUNS: [&str; 4] = ["12345678901234567890", "09876543210987654321", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm"];

/// Fewer distinct characters than this is a pattern, not a password ("aaaaaaaaaaaa",
/// "121212121212").
const LEAST_DISTINCT_CHARS: usize = 5;

/// Whether a new password may be set: long enough, not a well-known one, not a pattern.
/// Checked when a password is set, never at sign-in: accounts keep working with their
/// old password until they next change it.
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort(MIN_PASSWORD_CHARS));
    }
    let folded = password.to_lowercase();
    let distinct: std::collections::BTreeSet<char> = folded.chars().collect();
    let is_run = RUNS.iter().any(|run| run.contains(folded.as_str()));
    if distinct.len() < LEAST_DISTINCT_CHARS || is_run || COMMON_PASSWORDS.lines().any(|common| common == folded) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

/// Hashes computed at once by the server's requests. Argon2 takes ~19 MiB per hash by
/// design: a burst of sign-ins (a commune office's tablets after an outage) hashed all at
/// once would take as many times that, and more at once than cores is no faster.
const HASHES_AT_ONCE: usize = 2;

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHES_AT_ONCE);

/// Argon2id with the crate's default cost (19 MiB, 2 passes), in PHC string form.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    check_new_password(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hashing(error.to_string()))
}

/// A password the server makes for a new or reset account: 16 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), about 90 bits, easy to read out.
pub fn temporary_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = OsRng;
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Whether `password` hashes to `stored` under the algorithm, version and cost written in
/// it, so that hashes made at an older cost still verify.
fn matches_hash(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
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
    fn a_new_password_has_twelve_characters_and_is_neither_well_known_nor_a_pattern() {
        assert!(matches!(check_new_password("12345678"), Err(PasswordError::TooShort(12))));
        assert!(matches!(check_new_password("mật khẩu 11"), Err(PasswordError::TooShort(12))), "11 characters, more bytes");
        for common in ["123456789012", "QWERTY123456", "1qaz2wsx3edc", "aaaaaaaaaaaaaaa", "121212121212", "abcabcabcabc"] {
            assert!(matches!(check_new_password(common), Err(PasswordError::TooCommon)), "{common}");
        }
        for fine in ["Tịnh Khê 2022", "mật khẩu dài", "ruong-lua-binh-chau"] {
            assert!(check_new_password(fine).is_ok(), "{fine}");
        }
        assert!(COMMON_PASSWORDS.lines().all(|line| line.chars().count() >= MIN_PASSWORD_CHARS && line == line.to_lowercase()));
    }

    #[test]
    fn hashes_made_at_other_costs_still_verify() {
        use argon2::{Algorithm, Params, Version};
        let cheap = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(64, 1, 1, None).unwrap());
        let dearer = Argon2::new(Algorithm::Argon2i, Version::V0x10, Params::new(30 * 1024, 3, 1, Some(24)).unwrap());
        for argon2 in [cheap, dearer] {
            let salt = SaltString::generate(&mut OsRng);
            let stored = argon2.hash_password(b"old-cost password", &salt).unwrap().to_string();
            assert!(verify_password("old-cost password", Some(&stored)), "{stored}");
            assert!(!verify_password("old-cost passworD", Some(&stored)));
        }
    }
}
