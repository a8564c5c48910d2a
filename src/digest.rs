//! SHA-256 as lowercase hex: the one hash of the build (downloads, attachments, the
//! manifest and the history chain all use it, so their values can be compared).

use sha2::{Digest, Sha256};

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

/// The SHA-256 digest of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A digest as lowercase hex.
pub fn hex(digest: &[u8; 32]) -> String {
    // Speed (126-commune benchmark): two table lookups per byte instead of a `format!`
    // (one allocation) per byte; every output file is hashed. Too small for a crate.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for &b in digest {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_hex_is_the_lowercase_hex_of_the_digest() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex("hộ nghèo".as_bytes()),
            Sha256::digest("hộ nghèo".as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
    }
}
