use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::rngs::OsRng;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password must have at least {0} characters")]
    TooShort(usize),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

pub const MIN_PASSWORD_CHARS: usize = 8;

/// Argon2id with the crate's default cost (19 MiB, 2 passes), in PHC string form.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort(MIN_PASSWORD_CHARS));
    }
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

/// Checks a password against a stored hash. With no stored hash (unknown user) the same
/// work is done against a fixed hash, so both failures take about as long.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let decoy = DECOY.get_or_init(|| hash_password("decoy-password-never-matches").unwrap_or_default());
    let (hash, known) = match stored {
        Some(hash) => (hash, true),
        None => (decoy.as_str(), false),
    };
    let matches = PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok());
    matches && known
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
}
