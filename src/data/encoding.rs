//! Turning the bytes of a text file into NFC text, or explaining why we cannot.
//!
//! Order: BOM (UTF-8, UTF-16) → strict UTF-8 → legacy Vietnamese. TCVN3 (ABC, ".VnTime"
//! fonts) and VNI Windows ("VNI-Times") are converted to Unicode with our own tables
//! ([`convert_legacy`]) and a warning naming the encoding; they are refused only when
//! the text is ambiguous (both encodings seen, Unicode Vietnamese mixed in, or words
//! that are still not Vietnamese after conversion), with a sample of the decoded text.
//! Windows-1258 is converted (encoding_rs) and NFC-normalised, with a warning.

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
        kind @ (Legacy::Tcvn3 | Legacy::Vni) => {
            // Each byte as the Latin-1 character the old fonts drew over.
            let latin1: String = bytes.iter().map(|&b| b as char).collect();
            let (text, warning) = convert_legacy_checked(&latin1, kind, rel_path)?;
            Ok((text, Some(warning)))
        }
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

/// The short name of a legacy encoding, for messages.
fn legacy_name(kind: Legacy) -> &'static str {
    match kind {
        Legacy::Vni => "VNI (phông VNI-Times)",
        Legacy::Windows1258 => "Windows-1258",
        _ => "TCVN3 (ABC, phông .VnTime)",
    }
}

/// TCVN3 (TCVN 5712:1993 "ABC"): one byte per letter, drawn by the .Vn* fonts over the
/// Latin-1 code points. Pairs of (Latin-1 character, Vietnamese letter).
const TCVN3: [(char, char); 67] = [
    ('\u{a1}', 'Ă'),
    ('\u{a2}', 'Â'),
    ('\u{a3}', 'Ê'),
    ('\u{a4}', 'Ô'),
    ('\u{a5}', 'Ơ'),
    ('\u{a6}', 'Ư'),
    ('\u{a7}', 'Đ'),
    ('\u{a8}', 'ă'),
    ('\u{a9}', 'â'),
    ('\u{aa}', 'ê'),
    ('\u{ab}', 'ô'),
    ('\u{ac}', 'ơ'),
    ('\u{ad}', 'ư'),
    ('\u{ae}', 'đ'),
    ('\u{b5}', 'à'),
    ('\u{b8}', 'á'),
    ('\u{b6}', 'ả'),
    ('\u{b7}', 'ã'),
    ('\u{b9}', 'ạ'),
    ('\u{bb}', 'ằ'),
    ('\u{be}', 'ắ'),
    ('\u{bc}', 'ẳ'),
    ('\u{bd}', 'ẵ'),
    ('\u{c6}', 'ặ'),
    ('\u{c7}', 'ầ'),
    ('\u{ca}', 'ấ'),
    ('\u{c8}', 'ẩ'),
    ('\u{c9}', 'ẫ'),
    ('\u{cb}', 'ậ'),
    ('\u{cc}', 'è'),
    ('\u{d0}', 'é'),
    ('\u{ce}', 'ẻ'),
    ('\u{cf}', 'ẽ'),
    ('\u{d1}', 'ẹ'),
    ('\u{d2}', 'ề'),
    ('\u{d5}', 'ế'),
    ('\u{d3}', 'ể'),
    ('\u{d4}', 'ễ'),
    ('\u{d6}', 'ệ'),
    ('\u{d7}', 'ì'),
    ('\u{dd}', 'í'),
    ('\u{d8}', 'ỉ'),
    ('\u{dc}', 'ĩ'),
    ('\u{de}', 'ị'),
    ('\u{df}', 'ò'),
    ('\u{e3}', 'ó'),
    ('\u{e1}', 'ỏ'),
    ('\u{e2}', 'õ'),
    ('\u{e4}', 'ọ'),
    ('\u{e5}', 'ồ'),
    ('\u{e8}', 'ố'),
    ('\u{e6}', 'ổ'),
    ('\u{e7}', 'ỗ'),
    ('\u{e9}', 'ộ'),
    ('\u{ea}', 'ờ'),
    ('\u{ed}', 'ớ'),
    ('\u{eb}', 'ở'),
    ('\u{ec}', 'ỡ'),
    ('\u{ee}', 'ợ'),
    ('\u{ef}', 'ù'),
    ('\u{f3}', 'ú'),
    ('\u{f1}', 'ủ'),
    ('\u{f2}', 'ũ'),
    ('\u{f4}', 'ụ'),
    ('\u{f5}', 'ừ'),
    ('\u{f8}', 'ứ'),
    ('\u{f6}', 'ử'),
];
/// The rest of TCVN3: ữ ự and the y's.
const TCVN3_Y: [(char, char); 7] = [
    ('\u{f7}', 'ữ'),
    ('\u{f9}', 'ự'),
    ('\u{fa}', 'ỳ'),
    ('\u{fd}', 'ý'),
    ('\u{fb}', 'ỷ'),
    ('\u{fc}', 'ỹ'),
    ('\u{fe}', 'ỵ'),
];

fn tcvn3_char(c: char) -> Option<char> {
    TCVN3
        .iter()
        .chain(TCVN3_Y.iter())
        .find(|(k, _)| *k == c)
        .map(|(_, v)| *v)
}

const GRAVE: char = '\u{300}';
const ACUTE: char = '\u{301}';
const HOOK: char = '\u{309}';
const TILDE: char = '\u{303}';
const DOT: char = '\u{323}';

/// VNI Windows tone bytes after a vowel (lower and upper case fonts).
fn vni_tone(c: char) -> Option<char> {
    Some(match c {
        'ø' | 'Ø' => GRAVE,
        'ù' | 'Ù' => ACUTE,
        'û' | 'Û' => HOOK,
        'õ' | 'Õ' => TILDE,
        'ï' | 'Ï' => DOT,
        _ => return None,
    })
}

/// VNI circumflex bytes after a/e/o (â ê ô), with the tone they carry.
fn vni_hat(c: char) -> Option<Option<char>> {
    Some(match c {
        'â' | 'Â' => None,
        'à' | 'À' => Some(GRAVE),
        'á' | 'Á' => Some(ACUTE),
        'å' | 'Å' => Some(HOOK),
        'ã' | 'Ã' => Some(TILDE),
        'ä' | 'Ä' => Some(DOT),
        _ => return None,
    })
}

/// VNI breve bytes after a (ă), with the tone they carry.
fn vni_breve(c: char) -> Option<Option<char>> {
    Some(match c {
        'ê' | 'Ê' => None,
        'è' | 'È' => Some(GRAVE),
        'é' | 'É' => Some(ACUTE),
        'ú' | 'Ú' => Some(HOOK),
        'ü' | 'Ü' => Some(TILDE),
        'ë' | 'Ë' => Some(DOT),
        _ => return None,
    })
}

/// VNI letters written as one byte.
fn vni_single(c: char) -> Option<char> {
    Some(match c {
        'ñ' => 'đ',
        'Ñ' => 'Đ',
        'ô' => 'ơ',
        'Ô' => 'Ơ',
        'ö' => 'ư',
        'Ö' => 'Ư',
        'æ' => 'ỉ',
        'Æ' => 'Ỉ',
        'ó' => 'ĩ',
        'Ó' => 'Ĩ',
        'ò' => 'ị',
        'Ò' => 'Ị',
        'î' => 'ỵ',
        'Î' => 'Ỵ',
        _ => return None,
    })
}

fn push_composed(out: &mut String, base: char, mark: Option<char>) {
    out.push(base);
    if let Some(m) = mark {
        out.push(m);
    }
}

fn vni_to_unicode(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied().unwrap_or('\0');
        let lower = c.to_ascii_lowercase();
        let upper = c.is_ascii_uppercase();
        let case = |l: char| {
            if upper {
                l.to_uppercase().next().unwrap_or(l)
            } else {
                l
            }
        };
        if matches!(lower, 'a' | 'e' | 'o')
            && let Some(tone) = vni_hat(next)
        {
            let base = match lower {
                'a' => 'â',
                'e' => 'ê',
                _ => 'ô',
            };
            push_composed(&mut out, case(base), tone);
            i += 2;
        } else if lower == 'a'
            && let Some(tone) = vni_breve(next)
        {
            push_composed(&mut out, case('ă'), tone);
            i += 2;
        } else if matches!(c, 'ô' | 'Ô' | 'ö' | 'Ö')
            && let Some(tone) = vni_tone(next)
        {
            push_composed(&mut out, vni_single(c).unwrap_or(c), Some(tone));
            i += 2;
        } else if matches!(lower, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
            && let Some(tone) = vni_tone(next)
        {
            push_composed(&mut out, c, Some(tone));
            i += 2;
        } else {
            out.push(vni_single(c).unwrap_or(c));
            i += 1;
        }
    }
    out
}

/// Text typed with TCVN3 or VNI fonts (Latin-1 characters standing for Vietnamese
/// letters) in Unicode, NFC.
pub fn convert_legacy(text: &str, kind: Legacy) -> String {
    let converted = match kind {
        Legacy::Tcvn3 => tcvn3_to_unicode(text).0,
        Legacy::Vni => vni_to_unicode(text),
        _ => text.to_string(),
    };
    nfc(&converted)
}

/// Words re-capitalised by [`tcvn3_to_unicode`]: how many, and the first few as
/// (converted, written in capitals).
#[derive(Debug, Default, PartialEq, Eq)]
struct Recapitalised {
    count: usize,
    examples: Vec<(String, String)>,
}

/// TCVN3 text in Unicode, with the words typed in an uppercase font put back in
/// capitals.
///
/// TCVN3 (ABC) has code points for the capitals Ă Â Ê Ô Ơ Ư Đ but none for accented
/// capitals (Á, Ấ, Ộ …): documents set capitals in the uppercase fonts (.VnTimeH,
/// .VnArialH …) that draw the *lowercase* code points as capitals, and a CSV or Excel
/// export keeps no font. Typed there with Caps Lock, a word mixes ASCII capitals with
/// lowercase codes: "CéNG" gives "CộNG". No word of written Vietnamese has two capitals
/// and a lowercase letter, so such a word (no ASCII lowercase letter, at least two
/// capitals, every lowercase letter one of TCVN3's) is written in capitals: "CỘNG".
/// A word typed in lowercase codes throughout ("céng" → "cộng") or with one capital
/// ("Hµ" → "Hà") reads the same as an ordinary word and is left as it is: that cannot
/// be detected (docs/bang-du-lieu.md says so).
fn tcvn3_to_unicode(text: &str) -> (String, Recapitalised) {
    let mapped: String = text.chars().map(|c| tcvn3_char(c).unwrap_or(c)).collect();
    let mut out = String::with_capacity(mapped.len());
    let mut re = Recapitalised::default();
    let mut word = String::new();
    let mut flush = |word: &mut String, out: &mut String| {
        if typed_in_uppercase_font(word) {
            let upper = word.to_uppercase();
            re.count += 1;
            if re.examples.len() < 3 {
                re.examples.push((word.clone(), upper.clone()));
            }
            out.push_str(&upper);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in mapped.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    (out, re)
}

/// A converted TCVN3 word that can only come from an uppercase font: see
/// [`tcvn3_to_unicode`].
fn typed_in_uppercase_font(word: &str) -> bool {
    let capitals = word.chars().filter(|c| c.is_uppercase()).count();
    let mut lower = word.chars().filter(|c| c.is_lowercase()).peekable();
    capitals >= 2
        && lower.peek().is_some()
        && lower.all(|c| !c.is_ascii() && TCVN3.iter().chain(TCVN3_Y.iter()).any(|(_, v)| *v == c))
}

/// Words of converted text that still cannot be Vietnamese: a Latin-1 symbol left over
/// (µ, ø, ¸ …) or two tone marks on one word.
fn non_vietnamese_words(text: &str) -> (usize, usize) {
    use unicode_normalization::UnicodeNormalization;
    let mut words = 0;
    let mut bad = 0;
    for w in text.split(|c: char| c.is_whitespace() || ",;.:()\"'/-|".contains(c)) {
        if w.is_ascii() {
            continue;
        }
        words += 1;
        let leftover = w.chars().any(|c| {
            let u = c as u32;
            (0x80..=0xFF).contains(&u) && !"àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ".contains(c)
        });
        let tones = w
            .nfd()
            .filter(|c| matches!(*c, GRAVE | ACUTE | HOOK | TILDE | DOT))
            .count();
        if leftover || tones > 1 {
            bad += 1;
        }
    }
    (words, bad)
}

/// Does `text` already hold Vietnamese letters only Unicode has (ạ, ố, ư, đ …)?
fn has_unicode_vietnamese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c as u32,
            0x1EA0..=0x1EF9 | 0x102 | 0x103 | 0x110 | 0x111 | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0
        )
    })
}

/// Convert legacy text, or refuse it when the result is doubtful: Unicode Vietnamese
/// mixed in (two encodings in one file), or more than one word in twenty still not
/// Vietnamese after conversion. The warning names the encoding.
pub(crate) fn convert_legacy_checked(
    text: &str,
    kind: Legacy,
    rel_path: &Path,
) -> Result<(String, Diagnostic), Diagnostic> {
    // The byte patterns of the two overlap ("TrÇn ThÞ" has no TCVN3-only byte): the
    // encoding whose conversion leaves fewer words that cannot be Vietnamese wins.
    let other = if kind == Legacy::Vni {
        Legacy::Tcvn3
    } else {
        Legacy::Vni
    };
    let first = convert_legacy(text, kind);
    let second = convert_legacy(text, other);
    let (a, b) = (non_vietnamese_words(&first), non_vietnamese_words(&second));
    let (kind, converted, (words, bad)) = if b.1 < a.1 {
        (other, second, b)
    } else {
        (kind, first, a)
    };
    if has_unicode_vietnamese(text) || bad * 20 > words.max(1) {
        return Err(ambiguous_legacy(rel_path, kind, &converted));
    }
    let capitals = match kind {
        Legacy::Tcvn3 => tcvn3_capitals_note(&tcvn3_to_unicode(text).1),
        _ => String::new(),
    };
    let warning = Diagnostic::warning(format!(
        "tệp không ở mã Unicode: chữ tiếng Việt được gõ bằng bảng mã cũ {}; đã tự chuyển sang Unicode \
         — hãy kiểm tra lại dấu tiếng Việt trên trang{capitals}",
        legacy_name(kind)
    ))
    .at(Location::file(rel_path))
    .hint(format!(
        "để khỏi phải chuyển mỗi lần, lưu lại tệp ở Unicode: {SAVE_AS_UTF8}"
    ));
    Ok((converted, warning))
}

/// What the TCVN3 warning says about capitals: the words put back in capitals, and the
/// limit (docs/bang-du-lieu.md).
fn tcvn3_capitals_note(re: &Recapitalised) -> String {
    let fixed = if re.count > 0 {
        let shown: Vec<String> = re
            .examples
            .iter()
            .map(|(from, to)| format!("\u{201c}{from}\u{201d} → \u{201c}{to}\u{201d}"))
            .collect();
        format!(
            "; {} từ gõ bằng phông chữ hoa (.VnTimeH, .VnArialH) đã được viết hoa lại, ví dụ {}",
            re.count,
            shown.join(", ")
        )
    } else {
        String::new()
    };
    format!(
        "{fixed}. Bảng mã TCVN3 không có chữ hoa có dấu: chữ hoa gõ bằng phông chữ hoa mà toàn bằng \
         mã chữ thường (\u{201c}CỘNG HOÀ\u{201d} lưu thành \u{201c}céng hoµ\u{201d}) không nhận ra được, \
         sẽ hiện thành chữ thường (\u{201c}cộng hoà\u{201d}): hãy xem lại tên và tiêu đề viết hoa"
    )
}

/// The refusal when a legacy conversion is doubtful: a sample of what it gave.
fn ambiguous_legacy(rel_path: &Path, kind: Legacy, converted: &str) -> Diagnostic {
    let sample: String = converted
        .lines()
        .filter(|l| !l.is_ascii())
        .take(3)
        .collect::<Vec<_>>()
        .join(" | ")
        .chars()
        .take(160)
        .collect();
    let base = legacy_error(rel_path, kind);
    Diagnostic {
        message: format!(
            "tệp không ở mã Unicode và không chuyển mã tự động chắc chắn được: có vẻ là {} nhưng \
             lẫn chữ của bảng mã khác; chuyển thử được: \u{201c}{sample}\u{201d}",
            legacy_name(kind)
        ),
        ..base
    }
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
    fn tcvn3_bytes_are_converted_with_warning() {
        // (TCVN3 bytes as the .VnTime fonts type them, Unicode text)
        for (bytes, want) in [
            (
                &b"H\xe4 v\xb5 t\xaan,\xa7\xdea ch\xd8\nch\xb5o,H\xb5 N\xe9i\n"[..],
                "Họ và tên,Địa chỉ\nchào,Hà Nội\n",
            ),
            (
                &b"Nguy\xd4n V\xa8n \xa7\xf8c,ng\xad\xeai,T\xe6 d\xa9n ph\xe8\n"[..],
                "Nguyễn Văn Đức,người,Tổ dân phố\n",
            ),
            (
                &b"Tr\xc7n Th\xde M\xc9u,H\xe9 c\xcbn ngh\xcco,S\xe8 ti\xd2n,Di\xd6n\n"[..],
                "Trần Thị Mẫu,Hộ cận nghèo,Số tiền,Diện\n",
            ),
            (
                &b"\xa7\xb5 N\xbdng,th\xf6a,ch\xf8ng t\xddch,qu\xfd,tr\xf9c,nh\xf7ng,k\xfb ni\xd6m,k\xfa,M\xfc,Thu\xfe\n"[..],
                "Đà Nẵng,thửa,chứng tích,quý,trực,những,kỷ niệm,kỳ,Mỹ,Thuỵ\n",
            ),
        ] {
            let (s, w) = decode_text(bytes, p()).unwrap();
            assert_eq!(s, want);
            let w = w.unwrap();
            assert!(!w.is_error());
            assert!(
                w.message.contains("TCVN3") && w.location.is_some(),
                "{}",
                w.message
            );
        }
    }

    #[test]
    fn vni_bytes_are_converted_with_warning() {
        for (bytes, want) in [
            (
                &b"cha\xf8o,Ha\xf8 No\xe4i,Nguye\xe3n Va\xean \xd1\xf6\xf9c,ng\xf6\xf4\xf8i\n"[..],
                "chào,Hà Nội,Nguyễn Văn Đức,người\n",
            ),
            (
                &b"Ho\xef va\xf8 te\xe2n,To\xe5 da\xe2n pho\xe1,So\xe1 tie\xe0n,Ghi chu\xf9\n"[..],
                "Họ và tên,Tổ dân phố,Số tiền,Ghi chú\n",
            ),
            (
                &b"Tra\xe0n Th\xf2 Ma\xe3u,Ho\xe4 ca\xe4n nghe\xf8o,Th\xf6\xfb,kho\xfbe,tie\xe1ng Vie\xe4t\n"[..],
                "Trần Thị Mẫu,Hộ cận nghèo,Thử,khỏe,tiếng Việt\n",
            ),
            (
                &b"\xd1a\xe9c La\xe9c,ca\xfbi,ca\xfcng,mo\xfbi,hie\xe5u,ky\xf8\n"[..],
                "Đắc Lắc,cải,cẵng,mỏi,hiểu,kỳ\n",
            ),
        ] {
            let (s, w) = decode_text(bytes, p()).unwrap();
            assert_eq!(s, want);
            assert!(w.unwrap().message.contains("VNI"));
        }
    }

    #[test]
    fn legacy_text_already_in_utf8_converts_too() {
        assert_eq!(
            convert_legacy("Hä vµ tªn,Sè tiÒn\nNguyÔn V¨n A", Legacy::Tcvn3),
            "Họ và tên,Số tiền\nNguyễn Văn A"
        );
        assert_eq!(convert_legacy("Haø Noäi", Legacy::Vni), "Hà Nội");
        assert_eq!(convert_legacy("HAØ NOÄI", Legacy::Vni), "HÀ NỘI");
    }

    /// Capitals typed in the uppercase fonts (.VnTimeH): TCVN3 has no accented capitals,
    /// so these fonts draw the lowercase codes as capitals. Bytes from the TCVN3 table.
    #[test]
    fn tcvn3_words_typed_in_an_uppercase_font_are_written_in_capitals() {
        // "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" typed with Caps Lock in .VnTimeH: ASCII
        // capitals, lowercase codes for ộ (0xE9), à (0xB5), ã (0xB7), ủ (0xF1), ĩ (0xDC),
        // ệ (0xD6).
        let caps = b"C\xe9NG HO\xb5 X\xb7 H\xe9I CH\xf1 NGH\xdcA VI\xd6T NAM\n";
        let (text, w) = decode_text(caps, p()).unwrap();
        // "XÃ" typed as "Xã" has one capital: it cannot be told from the word "Xã".
        assert_eq!(text, "CỘNG HOÀ Xã HỘI CHỦ NGHĨA VIỆT NAM\n");
        let w = w.unwrap().message;
        assert!(w.contains("6 từ gõ bằng phông chữ hoa"), "{w}");
        assert!(
            w.contains("\u{201c}CộNG\u{201d} → \u{201c}CỘNG\u{201d}"),
            "{w}"
        );
        // Capitals Ă Â Ê Ô Ơ Ư Đ have codes (0xA1–0xA7): "ĐƯỜNG" is Đ Ư, then ờ (0xEA);
        // "LỜ" typed "Lờ" has one capital and stays.
        assert_eq!(
            convert_legacy("\u{a7}\u{a6}\u{ea}NG L\u{ea} L\u{a3}", Legacy::Tcvn3),
            "ĐƯỜNG Lờ LÊ"
        );
        // Typed in lowercase codes throughout, or Title case: ordinary words, left as
        // they are (the limit the docs state).
        let lower = b"c\xe9ng ho\xb5 x\xb7 h\xe9i, H\xb5 N\xe9i, Nguy\xd4n V\xa8n \xa7\xf8c\n";
        let (text, w) = decode_text(lower, p()).unwrap();
        assert_eq!(text, "cộng hoà xã hội, Hà Nội, Nguyễn Văn Đức\n");
        let w = w.unwrap().message;
        assert!(!w.contains("viết hoa lại"), "{w}");
        assert!(w.contains("không nhận ra được"), "{w}");
        // Not TCVN3 letters, or ASCII lowercase in the word: not touched.
        assert!(!typed_in_uppercase_font("iPhONe"));
        assert!(!typed_in_uppercase_font("ABß"));
        assert!(typed_in_uppercase_font("NGUYễN"));
        assert!(!typed_in_uppercase_font("Nguyễn"));
        assert!(!typed_in_uppercase_font("ĐƯỜNG"));
    }

    #[test]
    fn ambiguous_legacy_is_refused_with_a_sample() {
        // Unicode Vietnamese mixed with TCVN3: no single conversion is right.
        let err = convert_legacy_checked("Hà Nội,Hµ Néi\n", Legacy::Tcvn3, p()).unwrap_err();
        assert!(err.is_error());
        assert!(err.message.contains("TCVN3"), "{}", err.message);
        assert!(err.message.contains("Hà Nội"), "{}", err.message);
        let hint = err.hint.unwrap();
        assert!(hint.contains("Ctrl+Shift+F6"), "{hint}");
        // Words still not Vietnamese after the conversion.
        let err = convert_legacy_checked("µ¶· ¸¹µ ©¶, ©©¶", Legacy::Tcvn3, p()).unwrap_err();
        assert!(err.message.contains("chuyển thử được"), "{}", err.message);
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
