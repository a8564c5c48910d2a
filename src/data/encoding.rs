//! Turning the bytes of a text file into NFC text, or explaining why we cannot.
//!
//! Order: BOM (UTF-8, UTF-16) → strict UTF-8 → legacy Vietnamese. TCVN3 (ABC, ".VnTime"
//! fonts) and VNI are refused with conversion steps: they have no reliable converter and
//! a wrong guess would publish garbled names. Windows-1258 is converted (encoding_rs)
//! and NFC-normalised, with a warning.

use std::path::Path;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1258};

use crate::diagnostics::{Diagnostic, Location};
use crate::text::nfc;

/// Which legacy encoding some non-UTF-8 bytes (or Latin-1-range text) look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// TCVN3 / ABC (".VnTime"): "chµo", "Hµ Néi".
    Tcvn3,
    /// VNI Windows ("VNI-Times"): "chaøo", "Haø Noäi".
    Vni,
    /// Windows-1258: convertible.
    Windows1258,
    /// Not UTF-8 and not recognisably Vietnamese.
    Unknown,
}

const SAVE_AS_UTF8: &str = "mở tệp trong Excel rồi lưu lại dưới dạng CSV UTF-8: \
     Tệp → Lưu thành → chọn kiểu \u{201c}CSV UTF-8 (phân cách bằng dấu phẩy)\u{201d}; \
     trong Notepad: Tệp → Lưu thành → Mã hóa: UTF-8";

/// Decode a text file's bytes to NFC text. `rel_path` is only used in messages.
/// On success the second value is a warning when the file was converted from a legacy
/// encoding.
pub fn decode_text(
    bytes: &[u8],
    rel_path: &Path,
) -> Result<(String, Option<Diagnostic>), Diagnostic> {
    let loc = || Location::file(rel_path);

    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((nfc(s), None)),
            Err(_) => Err(not_utf8(rel_path)),
        };
    }
    for (bom, enc) in [(&b"\xFF\xFE"[..], UTF_16LE), (&b"\xFE\xFF"[..], UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, had_errors) = enc.decode_without_bom_handling(rest);
            if had_errors {
                return Err(Diagnostic::error(format!(
                    "tệp có dấu hiệu mã {} nhưng nội dung bị hỏng, không đọc được",
                    enc.name()
                ))
                .at(loc())
                .hint(SAVE_AS_UTF8));
            }
            return Ok((nfc(&text), None));
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((nfc(s), None));
    }

    match detect_legacy_bytes(bytes) {
        Legacy::Tcvn3 => Err(legacy_error(rel_path, Legacy::Tcvn3)),
        Legacy::Vni => Err(legacy_error(rel_path, Legacy::Vni)),
        Legacy::Windows1258 => {
            let (text, _, _) = WINDOWS_1258.decode(bytes);
            let warning = Diagnostic::warning(
                "tệp không ở mã UTF-8; đã tự chuyển từ mã Windows-1258 (tiếng Việt cũ của Windows) \
                 sang Unicode — hãy kiểm tra lại dấu tiếng Việt trên trang",
            )
            .at(loc())
            .hint(SAVE_AS_UTF8);
            Ok((nfc(&text), Some(warning)))
        }
        Legacy::Unknown => Err(not_utf8(rel_path)),
    }
}

fn not_utf8(rel_path: &Path) -> Diagnostic {
    Diagnostic::error(
        "tệp không ở mã UTF-8 (bảng mã chữ Unicode) và không nhận ra được bảng mã tiếng Việt \
         nào khác, nên không đọc được chữ có dấu",
    )
    .at(Location::file(rel_path))
    .hint(SAVE_AS_UTF8)
}

/// The error for text in TCVN3 or VNI, shared with the spreadsheet reader (where such
/// text is stored as Latin-1-range characters in cells formatted with the old fonts).
pub fn legacy_error(rel_path: &Path, kind: Legacy) -> Diagnostic {
    let (name, source, example) = match kind {
        Legacy::Vni => (
            "VNI (phông VNI-Times)",
            "VNI Windows",
            "\u{201c}Haø Noäi\u{201d}",
        ),
        _ => (
            "TCVN3 (ABC, phông .VnTime)",
            "TCVN3 (ABC)",
            "\u{201c}Hµ Néi\u{201d}",
        ),
    };
    Diagnostic::error(format!(
        "tệp không ở mã Unicode (UTF-8): chữ tiếng Việt trong tệp có vẻ được gõ bằng bảng mã cũ {name}, \
         nên sẽ hiện sai (kiểu {example} thay vì \u{201c}Hà Nội\u{201d})"
    ))
    .at(Location::file(rel_path))
    .hint(format!(
        "chuyển mã bằng Unikey: sao chép nội dung, bấm chuột phải vào biểu tượng Unikey → \
         \u{201c}Công cụ chuyển mã\u{201d} (Ctrl+Shift+F6), chọn Nguồn: {source}, Đích: Unicode, \
         bấm \u{201c}Chuyển mã\u{201d} rồi dán lại; sau đó lưu tệp dưới dạng \u{201c}CSV UTF-8\u{201d} \
         trong Excel (Tệp → Lưu thành → CSV UTF-8)"
    ))
}

/// Guess which legacy encoding non-UTF-8 bytes are in.
pub fn detect_legacy_bytes(bytes: &[u8]) -> Legacy {
    let scores = score(bytes.iter().map(|&b| Sym::from_byte(b)));
    if let Some(kind) = scores.verdict() {
        return kind;
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess: &'static Encoding = det.guess(None, chardetng::Utf8Detection::Deny);
    if guess == WINDOWS_1258 || scores.w1258 > 0 {
        Legacy::Windows1258
    } else {
        Legacy::Unknown
    }
}

/// Check decoded text (e.g. spreadsheet cells) for TCVN3/VNI content, which shows up
/// as Latin-1 symbols inside words. Returns `Tcvn3`, `Vni` or `None`.
pub fn detect_legacy_text(text: &str) -> Option<Legacy> {
    let scores = score(text.chars().map(Sym::from_char));
    match scores.verdict() {
        Some(k @ (Legacy::Tcvn3 | Legacy::Vni)) => Some(k),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Sym {
    /// ASCII letter.
    Ascii,
    /// A byte / char in 0x80–0xFF.
    High(u8),
    /// A letter outside Latin-1 (only in decoded text).
    OtherLetter,
    Other,
}

impl Sym {
    fn from_byte(b: u8) -> Sym {
        if b.is_ascii_alphabetic() {
            Sym::Ascii
        } else if b >= 0x80 {
            Sym::High(b)
        } else {
            Sym::Other
        }
    }
    fn from_char(c: char) -> Sym {
        let u = c as u32;
        if c.is_ascii_alphabetic() {
            Sym::Ascii
        } else if (0x80..=0xFF).contains(&u) {
            Sym::High(u as u8)
        } else if c.is_alphabetic() {
            Sym::OtherLetter
        } else {
            Sym::Other
        }
    }
    fn is_wordish(self) -> bool {
        matches!(self, Sym::Ascii | Sym::High(_) | Sym::OtherLetter)
    }
}

#[derive(Debug, Default)]
struct Scores {
    high: usize,
    tcvn3: usize,
    vni: usize,
    w1258: usize,
}

impl Scores {
    fn verdict(&self) -> Option<Legacy> {
        if self.tcvn3 > 0 && self.tcvn3 * 10 >= self.high && self.tcvn3 >= self.vni {
            Some(Legacy::Tcvn3)
        } else if self.vni > 0 && self.vni * 10 >= self.high {
            Some(Legacy::Vni)
        } else {
            None
        }
    }
}

/// TCVN3 puts ă â ê ô ơ ư đ (0xA1–0xAE) and the toned a's (0xB5–0xBE) where Latin-1 has
/// symbols (µ ¶ · ¸ ¹ ® …); inside a word they are a strong sign.
fn is_tcvn3_marker(b: u8) -> bool {
    matches!(b, 0xA1..=0xAE | 0xB5..=0xBE)
}

/// VNI writes a base letter followed by a mark byte; these marks (ä å ë ï ö ø û ü ñ and
/// capitals) are never Vietnamese letters in Windows-1258 or Unicode.
fn is_vni_marker(b: u8) -> bool {
    matches!(
        b,
        0xE4 | 0xE5
            | 0xEB
            | 0xEF
            | 0xF6
            | 0xF8
            | 0xFB
            | 0xFC
            | 0xF1
            | 0xC4
            | 0xC5
            | 0xCB
            | 0xCF
            | 0xD6
            | 0xD8
            | 0xDB
            | 0xDC
            | 0xD1
    )
}

/// Windows-1258 combining tone marks: grave 0xCC, hook 0xD2, tilde 0xDE, acute 0xEC,
/// dot below 0xF2.
fn is_w1258_tone(b: u8) -> bool {
    matches!(b, 0xCC | 0xD2 | 0xDE | 0xEC | 0xF2)
}

fn score(syms: impl Iterator<Item = Sym>) -> Scores {
    let mut s = Scores::default();
    // A window of three symbols slides over the text (no copy of a 10 MB file).
    let mut syms = syms.chain(std::iter::once(Sym::Other));
    let (mut prev, mut cur) = (Sym::Other, syms.next().unwrap_or(Sym::Other));
    for next in syms {
        let here = cur;
        let before = prev;
        prev = cur;
        cur = next;
        let Sym::High(b) = here else { continue };
        let prev = before;
        s.high += 1;
        // Inside a word, or at the end of one ("Hµ", "vµ") except for symbols that
        // commonly close a word in ordinary text (© « ® »).
        let word_end_ok = !matches!(b, 0xA9 | 0xAB | 0xAE | 0xBB) && !next.is_wordish();
        if is_tcvn3_marker(b) && prev.is_wordish() && (next.is_wordish() || word_end_ok) {
            s.tcvn3 += 1;
        }
        if is_vni_marker(b) && matches!(prev, Sym::Ascii | Sym::High(0xF4 | 0xF6 | 0xD4 | 0xD6)) {
            s.vni += 1;
        }
        if is_w1258_tone(b) && matches!(prev, Sym::Ascii | Sym::High(_)) {
            s.w1258 += 1;
        }
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("data/x.csv")
    }

    #[test]
    fn utf8_plain_and_bom_and_nfd() {
        let (s, w) = decode_text("Họ và tên,Số tiền\n".as_bytes(), p()).unwrap();
        assert_eq!(s, "Họ và tên,Số tiền\n");
        assert!(w.is_none());
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("Hà Nội".as_bytes());
        assert_eq!(decode_text(&bom, p()).unwrap().0, "Hà Nội");
        // NFD input comes out NFC.
        let nfd = "Ha\u{300} Nô\u{323}i";
        assert_eq!(decode_text(nfd.as_bytes(), p()).unwrap().0, "Hà Nội");
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        for u in "Hà Nội".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(&le, p()).unwrap().0, "Hà Nội");
        let mut be = vec![0xFE, 0xFF];
        for u in "Đống Đa".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode_text(&be, p()).unwrap().0, "Đống Đa");
    }

    #[test]
    fn tcvn3_is_refused_with_unikey_hint() {
        // "Họ và tên,Địa chỉ\nchào,Hà Nội" typed with .VnTime: "Hä vµ tªn,§Þa chØ\nchµo,Hµ Néi"
        let bytes: &[u8] = b"H\xe4 v\xb5 t\xaan,\xa7\xdea ch\xd8\nch\xb5o,H\xb5 N\xe9i\n";
        let err = decode_text(bytes, p()).unwrap_err();
        assert!(err.message.contains("TCVN3"), "{}", err.message);
        assert!(err.message.contains("UTF-8"), "{}", err.message);
        let hint = err.hint.unwrap();
        assert!(
            hint.contains("Ctrl+Shift+F6") && hint.contains("Công cụ chuyển mã"),
            "{hint}"
        );
        assert!(hint.contains("TCVN3"), "{hint}");
    }

    #[test]
    fn vni_is_refused_with_unikey_hint() {
        // "chào,Hà Nội,Nguyễn Văn Đức,người" in VNI Windows.
        let bytes: &[u8] =
            b"cha\xf8o,Ha\xf8 No\xe4i,Nguye\xe3n Va\xeen \xd1\xf6\xf9c,ng\xf6\xf4\xf8i\n";
        let err = decode_text(bytes, p()).unwrap_err();
        assert!(err.message.contains("VNI"), "{}", err.message);
        let hint = err.hint.unwrap();
        assert!(
            hint.contains("VNI Windows") && hint.contains("Ctrl+Shift+F6"),
            "{hint}"
        );
    }

    /// Windows-1258 as Windows writes it: precomposed base letters (â ê ô ơ ư ă đ) plus
    /// combining tone marks.
    pub(crate) fn to_windows_1258(text: &str) -> Vec<u8> {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::new();
        let mut base = String::new();
        let mut tones = String::new();
        let flush = |out: &mut String, base: &mut String, tones: &mut String| {
            out.extend(base.nfc());
            out.push_str(tones);
            base.clear();
            tones.clear();
        };
        for c in text.nfd() {
            if matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}') {
                tones.push(c);
            } else if unicode_normalization::char::is_combining_mark(c) {
                base.push(c);
            } else {
                flush(&mut out, &mut base, &mut tones);
                base.push(c);
            }
        }
        flush(&mut out, &mut base, &mut tones);
        let (bytes, _, unmappable) = WINDOWS_1258.encode(&out);
        assert!(!unmappable, "{out:?}");
        bytes.into_owned()
    }

    #[test]
    fn windows_1258_is_converted_with_warning() {
        let text = "Họ và tên,Địa chỉ,Số tiền\nNguyễn Thị Hoà,Tổ dân phố số 3,1.500.000\nTrần Văn Đức,Phường Đống Đa,2.000.000\n";
        let bytes = to_windows_1258(text);
        assert!(std::str::from_utf8(&bytes).is_err());
        let (s, w) = decode_text(&bytes, p()).unwrap();
        assert_eq!(s, text);
        assert!(unicode_normalization::is_nfc(&s));
        let w = w.unwrap();
        assert!(!w.is_error());
        assert!(w.message.contains("Windows-1258"), "{}", w.message);
    }

    #[test]
    fn windows_1258_decomposed_tones() {
        // Typical Windows-1258 files use base letter + combining tone byte: "chào" = cha + 0xCC + o.
        let bytes: &[u8] = b"Ho\xf2 va\xcc t\xean,cha\xcco\n";
        let (s, w) = decode_text(bytes, p()).unwrap();
        assert_eq!(s, "Họ và tên,chào\n");
        assert!(w.is_some());
    }

    #[test]
    fn unknown_encoding_is_refused() {
        // Shift-JIS "日本語" is neither UTF-8 nor Vietnamese.
        let bytes: &[u8] = b"\x93\xfa\x96\x7b\x8c\xea,\x93\xfa\x96\x7b\n";
        let err = decode_text(bytes, p()).unwrap_err();
        assert!(err.message.contains("UTF-8"), "{}", err.message);
        assert!(err.hint.unwrap().contains("CSV UTF-8"));
        let err = decode_text(b"\xEF\xBB\xBFab\xff", p()).unwrap_err();
        assert!(err.message.contains("UTF-8"));
    }

    #[test]
    fn legacy_text_in_cells() {
        assert_eq!(detect_legacy_text("Hµ Néi"), Some(Legacy::Tcvn3));
        assert_eq!(detect_legacy_text("chµo c¸c b¹n"), Some(Legacy::Tcvn3));
        assert_eq!(detect_legacy_text("Haø Noäi"), Some(Legacy::Vni));
        assert_eq!(
            detect_legacy_text("Hà Nội, chào các bạn, Nguyễn Thị Hoà"),
            None
        );
        assert_eq!(detect_legacy_text("«Tên» 25°C, 1.500.000 đ"), None);
        assert_eq!(detect_legacy_text(""), None);
    }
}
