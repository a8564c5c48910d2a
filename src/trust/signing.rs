//! Signatures of history entries in the minisign format (Ed25519), so the standard
//! `minisign -Vm NNNN-DATE.json -p khoa-ky.pub` checks them as well as `congkhai verify`.
//!
//! The ward's public key is `[signing] public_key` in config.toml (the base64 line of a
//! minisign `.pub` file); its secret key lives outside the site repository and is given to
//! `congkhai publish` / `congkhai sign` by `--secret-key PATH` or [`SECRET_KEY_ENV`].
//! Each entry names the key that signs it (`signing_key`, see [`super::layout`]); the
//! signature `NNNN-DATE.json.minisig` sits next to the entry in `history/` and in the
//! site's chain copy. The trusted comment is deterministic ([`trusted_comment`]): the
//! entry's number, date, file name and SHA-256, never a timestamp.

use std::path::{Path, PathBuf};

use minisign::{PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

use crate::diagnostics::Diagnostic;

/// Environment variable naming the secret key file (`publish`, `sign`).
pub const SECRET_KEY_ENV: &str = "CONGKHAI_SECRET_KEY";
/// Environment variable holding the password of an encrypted secret key (one made by
/// `minisign -G`); keys made by `congkhai keygen` have none.
pub const PASSWORD_ENV: &str = "CONGKHAI_SECRET_KEY_PASSWORD";
/// Suffix of an entry's signature file.
pub const SIG_SUFFIX: &str = ".minisig";
/// Site path of the ward's public key as a minisign `.pub` file.
pub const SITE_PUBLIC_KEY: &str = "cong-khai/khoa-ky.pub";

/// The minisign key id of a public key, as `minisign` prints it (16 hex digits).
pub fn key_id(pk: &PublicKey) -> String {
    let mut b = [0u8; 8];
    b.copy_from_slice(pk.keynum().get(..8).unwrap_or(&[0; 8]));
    format!("{:016X}", u64::from_le_bytes(b))
}

/// Parse a public key given as its base64 line (`RW…`).
pub fn parse_public_key(s: &str) -> Result<PublicKey, String> {
    PublicKey::from_base64(s.trim()).map_err(|e| e.to_string())
}

/// The key id of a base64 public key, or "?" when it does not parse.
pub fn key_id_of(b64: &str) -> String {
    parse_public_key(b64)
        .map(|pk| key_id(&pk))
        .unwrap_or_else(|_| "?".into())
}

/// `[signing] public_key`, parsed; a clear error naming config.toml when it is not a key.
pub fn config_key(config: &crate::config::Config) -> Result<Option<String>, Diagnostic> {
    let Some(k) = config.signing.public_key.as_deref() else {
        return Ok(None);
    };
    let k = k.trim();
    parse_public_key(k).map_err(|e| {
        Diagnostic::error(format!(
            "[signing] public_key trong config.toml không phải khóa công khai minisign: {e}"
        ))
        .in_file("config.toml")
        .hint("chép dòng thứ hai của tệp .pub (bắt đầu bằng RW…) mà congkhai keygen in ra; hoặc bỏ bảng [signing] nếu chưa ký")
    })?;
    Ok(Some(k.to_string()))
}

/// The `.pub` file of a public key, exactly as `minisign -G` writes it.
pub fn public_key_file(b64: &str) -> String {
    format!(
        "untrusted comment: minisign public key {}\n{}\n",
        key_id_of(b64),
        b64.trim()
    )
}

/// The trusted comment of an entry's signature: what the signature binds besides the
/// entry's bytes. Deterministic, so re-signing never changes it.
pub fn trusted_comment(name: &str, seq: u32, date: &str, sha256: &str) -> String {
    format!("congkhai-history seq={seq} date={date} file={name} sha256={sha256}")
}

/// A secret key ready to sign, with its public key (base64).
pub struct Signer {
    sk: SecretKey,
    pk: PublicKey,
    pub public_key: String,
    pub path: PathBuf,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("public_key", &self.public_key)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Read a secret key file (unencrypted, or encrypted with the password in
    /// [`PASSWORD_ENV`]).
    pub fn load(path: &Path) -> Result<Signer, Diagnostic> {
        let fail = |msg: String| {
            Diagnostic::error(msg)
                .in_file(path)
                .hint(format!("tạo khóa bằng congkhai keygen --secret-key ĐƯỜNG-DẪN (ngoài thư mục trang), rồi chỉ đường dẫn bằng --secret-key hoặc biến môi trường {SECRET_KEY_ENV}"))
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail(format!("không đọc được khóa bí mật: {e}")))?;
        let sk_box = SecretKeyBox::from_string(&text)
            .map_err(|e| fail(format!("tệp không phải khóa bí mật minisign: {e}")))?;
        let password = std::env::var(PASSWORD_ENV).ok();
        let sk = match password {
            Some(p) => sk_box.into_secret_key(Some(p)),
            None => sk_box.into_unencrypted_secret_key(),
        }
        .map_err(|e| {
            fail(format!(
                "không mở được khóa bí mật (khóa có mật khẩu cần biến môi trường {PASSWORD_ENV}): {e}"
            ))
        })?;
        let pk =
            PublicKey::from_secret_key(&sk).map_err(|e| fail(format!("khóa bí mật hỏng: {e}")))?;
        Ok(Signer {
            public_key: pk.to_base64(),
            sk,
            pk,
            path: path.to_path_buf(),
        })
    }

    /// The minisign signature file of an entry.
    pub fn sign(
        &self,
        name: &str,
        seq: u32,
        date: &str,
        bytes: &[u8],
    ) -> Result<Vec<u8>, Diagnostic> {
        let comment = trusted_comment(name, seq, date, &crate::digest::sha256_hex(bytes));
        let untrusted = format!("chu ky muc lich su {name} - khoa {}", key_id(&self.pk));
        minisign::sign(
            Some(&self.pk),
            &self.sk,
            std::io::Cursor::new(bytes),
            Some(&comment),
            Some(&untrusted),
        )
        .map(|b| b.to_bytes())
        .map_err(|e| {
            Diagnostic::error(format!("không ký được mục lịch sử {name}: {e}")).in_file(&self.path)
        })
    }
}

/// Why a signature does not check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigProblem {
    /// Not a minisign signature file.
    Unreadable(String),
    /// Made by another key (its key id).
    OtherKey(String),
    /// The signature or the trusted comment does not match the entry.
    Invalid(String),
    /// Valid, but its trusted comment names another entry.
    WrongComment(String),
}

impl SigProblem {
    /// A Vietnamese sentence for messages (`what` names the entry).
    pub fn describe(&self, what: &str, expected_key: &str) -> String {
        match self {
            SigProblem::Unreadable(e) => format!("chữ ký của {what} hỏng, không đọc được: {e}"),
            SigProblem::OtherKey(id) => format!(
                "chữ ký của {what} được làm bằng khóa {id}, không phải khóa {} mà chuỗi ghi cho mục này: chữ ký đã bị thay",
                key_id_of(expected_key)
            ),
            SigProblem::Invalid(e) => {
                format!("chữ ký của {what} không khớp nội dung: mục đã bị sửa sau khi ký ({e})")
            }
            SigProblem::WrongComment(c) => format!(
                "chữ ký của {what} là chữ ký của một mục khác (ghi chú tin cậy: \u{201c}{c}\u{201d})"
            ),
        }
    }
}

/// Check an entry's signature file with the public key (base64) the chain names for it.
pub fn verify(
    public_key: &str,
    sig: &[u8],
    name: &str,
    seq: u32,
    date: &str,
    bytes: &[u8],
) -> Result<(), SigProblem> {
    let pk = parse_public_key(public_key).map_err(SigProblem::Invalid)?;
    let text = std::str::from_utf8(sig).map_err(|e| SigProblem::Unreadable(e.to_string()))?;
    let sbox =
        SignatureBox::from_string(text).map_err(|e| SigProblem::Unreadable(e.to_string()))?;
    if sbox.keynum() != pk.keynum() {
        let mut b = [0u8; 8];
        b.copy_from_slice(sbox.keynum().get(..8).unwrap_or(&[0; 8]));
        return Err(SigProblem::OtherKey(format!(
            "{:016X}",
            u64::from_le_bytes(b)
        )));
    }
    minisign::verify(&pk, &sbox, std::io::Cursor::new(bytes), true, false, false)
        .map_err(|e| SigProblem::Invalid(e.to_string()))?;
    let comment = sbox
        .trusted_comment()
        .map_err(|e| SigProblem::Unreadable(e.to_string()))?;
    let want = trusted_comment(name, seq, date, &crate::digest::sha256_hex(bytes));
    if comment != want {
        return Err(SigProblem::WrongComment(comment));
    }
    Ok(())
}

/// A new key pair: (secret key file text, public key base64).
pub fn generate() -> Result<(String, String), Diagnostic> {
    let kp = minisign::KeyPair::generate_unencrypted_keypair()
        .map_err(|e| Diagnostic::error(format!("không tạo được khóa: {e}")))?;
    let pk = kp.pk.to_base64();
    let sk = kp
        .sk
        .to_box(Some("congkhai secret key (khoa bi mat, khong chia se)"))
        .map_err(|e| Diagnostic::error(format!("không tạo được khóa: {e}")))?
        .into_string();
    Ok((sk, pk))
}

/// `congkhai keygen`: write a new secret key to `path` (mode 0600, never inside the site
/// at `root`, never over an existing file unless `force`); returns the public key.
pub fn write_key_pair(root: &Path, path: &Path, force: bool) -> Result<String, Diagnostic> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // The deepest existing ancestor, resolved (symbolic links included).
        let mut base = p.clone();
        let mut rest = Vec::new();
        while !base.exists() {
            match (base.file_name().map(|n| n.to_os_string()), base.parent()) {
                (Some(n), Some(parent)) => {
                    rest.push(n);
                    base = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut out = base.canonicalize().unwrap_or(base);
        for n in rest.into_iter().rev() {
            out.push(n);
        }
        out
    };
    let site = abs(root);
    let key = abs(path);
    if key.starts_with(&site) {
        return Err(Diagnostic::error(format!(
            "không lưu khóa bí mật trong thư mục trang ({}): nó sẽ bị đưa vào kho git hoặc lên máy chủ",
            crate::diagnostics::display_path(&site)
        ))
        .in_file(path)
        .hint("chọn một chỗ ngoài thư mục trang, ví dụ: congkhai keygen --secret-key ~/.config/congkhai/khoa-bi-mat.key"));
    }
    if key.exists() && !force {
        return Err(Diagnostic::error("tệp khóa bí mật đã có; không ghi đè")
            .in_file(path)
            .hint("dùng khóa đang có; muốn thay thật sự thì thêm --force (chữ ký cũ vẫn kiểm tra được bằng khóa cũ ghi trong chuỗi)"));
    }
    let (sk, pk) = generate()?;
    let io = |e: std::io::Error| {
        Diagnostic::error(format!("không ghi được khóa bí mật: {e}")).in_file(path)
    };
    if let Some(parent) = key.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&key).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io)?;
    }
    use std::io::Write;
    f.write_all(sk.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(io)?;
    Ok(pk)
}

/// `PublicKeyBox` text → base64 line (for a `.pub` file given by the user).
pub fn public_key_from_file_text(text: &str) -> Option<String> {
    let b = PublicKeyBox::from_string(text).ok()?;
    b.into_public_key().ok().map(|pk| pk.to_base64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> (tempfile::TempDir, Signer) {
        let tmp = tempfile::tempdir().unwrap();
        let (sk, _) = generate().unwrap();
        let p = tmp.path().join("k.key");
        std::fs::write(&p, sk).unwrap();
        let s = Signer::load(&p).unwrap();
        (tmp, s)
    }

    #[test]
    fn signs_and_verifies_and_names_the_problem() {
        let (_t, s) = signer();
        let (_t2, other) = signer();
        let bytes = b"{\"seq\":1}";
        let sig = s
            .sign("0001-2026-06-01.json", 1, "2026-06-01", bytes)
            .unwrap();
        let ok = verify(
            &s.public_key,
            &sig,
            "0001-2026-06-01.json",
            1,
            "2026-06-01",
            bytes,
        );
        assert_eq!(ok, Ok(()));
        // The entry changed.
        let e = verify(
            &s.public_key,
            &sig,
            "0001-2026-06-01.json",
            1,
            "2026-06-01",
            b"{}",
        );
        assert!(matches!(e, Err(SigProblem::Invalid(_))), "{e:?}");
        // Signed by another key.
        let sig2 = other
            .sign("0001-2026-06-01.json", 1, "2026-06-01", bytes)
            .unwrap();
        let e = verify(
            &s.public_key,
            &sig2,
            "0001-2026-06-01.json",
            1,
            "2026-06-01",
            bytes,
        );
        assert!(matches!(e, Err(SigProblem::OtherKey(_))), "{e:?}");
        // A valid signature of the same bytes under another entry's name.
        let e = verify(
            &s.public_key,
            &sig,
            "0002-2026-06-01.json",
            2,
            "2026-06-01",
            bytes,
        );
        assert!(matches!(e, Err(SigProblem::WrongComment(_))), "{e:?}");
        // Garbage.
        let e = verify(
            &s.public_key,
            b"nope",
            "0001-2026-06-01.json",
            1,
            "2026-06-01",
            bytes,
        );
        assert!(matches!(e, Err(SigProblem::Unreadable(_))), "{e:?}");
        // The .pub file names the key id.
        let pubfile = public_key_file(&s.public_key);
        assert!(pubfile.contains(&key_id_of(&s.public_key)));
        assert_eq!(
            public_key_from_file_text(&pubfile),
            Some(s.public_key.clone())
        );
    }
}
