//! SHA-256 as lowercase hex: the one hash of the build (downloads, attachments, the
//! manifest and the history chain all use it, so their values can be compared).

use sha2::{Digest, Sha256};

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}
