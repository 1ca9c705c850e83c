//! Random ids and secrets. Device tokens (256 bits) and invite codes (128
//! bits) are shown once and stored only as SHA-256 hashes, so a copy of the
//! database lets no one in.

use sha2::{Digest, Sha256};

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the system has a random source");
    bytes
}

/// A short id for a community, device or invite (72 bits, base58).
pub fn new_id() -> String {
    bs58::encode(random::<9>()).into_string()
}

/// A device token: 256 random bits, base58 (about 44 characters).
pub fn new_token() -> String {
    bs58::encode(random::<32>()).into_string()
}

/// An invite code: 128 random bits, base58 (about 22 characters), short
/// enough for a QR code a phone reads at arm's length.
pub fn new_invite_code() -> String {
    bs58::encode(random::<16>()).into_string()
}

/// What the database keeps of a token or code.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_and_different() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.len() >= 40, "{a}");
        assert!(new_invite_code().len() >= 20);
        assert_eq!(hash("x"), hash("x"));
        assert_ne!(hash(&a), a);
        assert_eq!(hash("").len(), 64);
    }
}
