//! Privacy by design for published lists (Law on Personal Data Protection 91/2025/QH15,
//! NĐ 356/2025; Law on Grassroots Democracy 10/2022/QH15 Art. 11 requires the lists).
//!
//! Two guards, both data-driven and tested:
//! - the **column policy**: headers that name personal identifiers or sensitive data
//!   ([`FORBIDDEN_HEADERS`]) can never be published; they must be declared `private` so
//!   the loader drops them before anything else sees them;
//! - the **scanner** ([`scan_text`]): every published text (cells, notes, Markdown) is
//!   checked for ID numbers, phone numbers, e-mail addresses and birth dates.

pub mod output;
pub mod sensitive;

use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::text::{fold, fold_words};

/// Header keywords (folded words, matched as a consecutive word sequence) of columns that
/// must never be published, with what they are (Vietnamese, for messages).
/// Basis: 91/2025/QH15 Art. 2 (basic and sensitive personal data); domain notes.
pub const FORBIDDEN_HEADERS: &[(&str, &str)] = &[
    ("cccd", "số căn cước công dân"),
    ("cmnd", "số chứng minh nhân dân"),
    ("can cuoc", "số căn cước"),
    ("chung minh", "số chứng minh nhân dân"),
    ("dinh danh", "số định danh cá nhân"),
    ("ho chieu", "số hộ chiếu"),
    ("passport", "số hộ chiếu"),
    ("id number", "số giấy tờ tùy thân"),
    ("national id", "số giấy tờ tùy thân"),
    ("identity", "số giấy tờ tùy thân"),
    ("dien thoai", "số điện thoại"),
    ("sdt", "số điện thoại"),
    ("dt", "số điện thoại"),
    ("phone", "số điện thoại"),
    ("mobile", "số điện thoại"),
    ("zalo", "số điện thoại"),
    ("email", "địa chỉ thư điện tử"),
    ("e mail", "địa chỉ thư điện tử"),
    ("thu dien tu", "địa chỉ thư điện tử"),
    ("ngay sinh", "ngày sinh"),
    ("nam sinh", "năm sinh"),
    ("sinh ngay", "ngày sinh"),
    ("date of birth", "ngày sinh"),
    ("birth", "ngày sinh"),
    ("dob", "ngày sinh"),
    ("tuoi", "tuổi"),
    ("dia chi", "địa chỉ"),
    ("so nha", "địa chỉ (số nhà)"),
    ("noi o", "địa chỉ"),
    ("cho o", "địa chỉ"),
    ("thuong tru", "địa chỉ thường trú"),
    ("tam tru", "địa chỉ tạm trú"),
    ("que quan", "quê quán"),
    ("address", "địa chỉ"),
    ("suc khoe", "tình trạng sức khỏe"),
    ("benh", "bệnh"),
    ("chan doan", "chẩn đoán"),
    ("health", "tình trạng sức khỏe"),
    ("diagnosis", "chẩn đoán"),
    ("khuyet tat", "khuyết tật"),
    ("dang tat", "dạng tật"),
    ("disability", "khuyết tật"),
    ("dan toc", "dân tộc"),
    ("ethnic", "dân tộc"),
    ("ethnicity", "dân tộc"),
    ("ton giao", "tôn giáo"),
    ("religion", "tôn giáo"),
    ("tai khoan", "số tài khoản"),
    ("ngan hang", "tài khoản ngân hàng"),
    ("bank", "tài khoản ngân hàng"),
    ("account", "số tài khoản"),
    ("stk", "số tài khoản"),
    ("bhxh", "số bảo hiểm xã hội"),
    ("so bhyt", "số thẻ bảo hiểm y tế"),
    ("ma bhyt", "số thẻ bảo hiểm y tế"),
    ("the bhyt", "số thẻ bảo hiểm y tế"),
    ("ma so thue", "mã số thuế"),
    ("mst", "mã số thuế"),
    ("tax", "mã số thuế"),
];

/// If `header` names data that must never be published, what it is.
pub fn forbidden_header(header: &str) -> Option<&'static str> {
    let words: Vec<String> = fold_words(header)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    FORBIDDEN_HEADERS.iter().find_map(|(kw, what)| {
        let k: Vec<&str> = kw.split(' ').collect();
        words
            .windows(k.len())
            .any(|w| w.iter().zip(&k).all(|(a, b)| a == b))
            .then_some(*what)
    })
}

/// What the scanner found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    IdNumber,
    Phone,
    Email,
    BirthDate,
}

impl FindingKind {
    pub fn label(&self) -> &'static str {
        match self {
            FindingKind::IdNumber => "số CMND/CCCD (dãy 9 hoặc 12 chữ số)",
            FindingKind::Phone => "số điện thoại",
            FindingKind::Email => "địa chỉ thư điện tử",
            FindingKind::BirthDate => "ngày sinh",
        }
    }
}

/// One personal identifier found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// Byte offset in the scanned text.
    pub start: usize,
    /// The value with most characters hidden, safe to print in a message.
    pub masked: String,
    /// The normalised value (ASCII digits in national form, or a lower-case e-mail
    /// address): compared with the allow-list and used to find the source of a finding.
    pub key: String,
}

impl Finding {
    /// Vietnamese message: "có số điện thoại (09••••••78)".
    pub fn message(&self) -> String {
        format!(
            "có {} trong nội dung công khai: \u{201c}{}\u{201d}",
            self.kind.label(),
            self.masked
        )
    }

    pub const HINT: &'static str = "xóa thông tin cá nhân này khỏi nội dung công khai; nếu đó là số đường dây nóng của Ủy ban nhân dân, thêm đúng giá trị đó vào allow_values trong bảng [privacy] của config.toml";
}

/// Scan a Markdown text that will be published (a page body, a title) and turn each
/// finding into an error at its line. `first_line` is the file line of the text's start.
pub fn scan_markdown(
    file: &std::path::Path,
    first_line: usize,
    field: Option<&str>,
    text: &str,
    allow: &[String],
) -> Vec<crate::diagnostics::Diagnostic> {
    use crate::diagnostics::{Diagnostic, Location};
    scan_text(text, allow)
        .into_iter()
        .map(|f| {
            let line = first_line + text[..f.start].matches('\n').count();
            let mut at = Location::line(file, line);
            if let Some(field) = field {
                at = at.with_field(field);
            }
            Diagnostic::error(f.message()).at(at).hint(Finding::HINT)
        })
        .collect()
}

/// Hide all but the first two and last two visible characters (digits stay digits'
/// count, so staff can find the cell).
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i < 2 || i + 2 >= n || !c.is_alphanumeric() {
                c
            } else {
                '•'
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The scanner. One pass over the text finds "digit runs": digits of any script (NFKC
// forms, every Unicode decimal digit) joined by short separator gaps (spaces of every
// width, `.` `-` `/` `_` `–` `—` `,` parentheses). Each run is normalised to ASCII
// (`norm`: digits plus one-character separators) and classified by a pure function.
// E-mail markers (`@`, `＠`, `(at)`, `[at]`, `a còng`) are found in the same pass.
// ---------------------------------------------------------------------------------------

/// The first code point of every block of ten Unicode decimal digits (category Nd),
/// Unicode 16.
const ND_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
    0x104a0, 0x10d30, 0x10d40, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0,
    0x11650, 0x116c0, 0x116d0, 0x116da, 0x11730, 0x118e0, 0x11950, 0x11bf0, 0x11c50, 0x11d50,
    0x11da0, 0x11f50, 0x16130, 0x16a60, 0x16ac0, 0x16b50, 0x16d70, 0x1ccf0, 0x1d7ce, 0x1d7d8,
    0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e4f0, 0x1e5f1, 0x1e950, 0x1fbf0,
];

/// The value of a decimal digit of any script, or of a compatibility digit (superscript,
/// subscript, circled digit: its NFKC form is one ASCII digit).
pub fn digit_value(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    if c.is_ascii() || !c.is_numeric() {
        return None;
    }
    let u = c as u32;
    let i = ND_ZEROS.partition_point(|&z| z <= u);
    if i > 0 && u - ND_ZEROS[i - 1] < 10 {
        return Some((u - ND_ZEROS[i - 1]) as u8);
    }
    use unicode_normalization::UnicodeNormalization;
    let mut it = std::iter::once(c).nfkc();
    match (it.next(), it.next()) {
        (Some(d), None) if d.is_ascii_digit() => Some(d as u8 - b'0'),
        _ => None,
    }
}

/// A character that may sit between the digit groups of one identifier, as its
/// one-character normal form; `None` for anything else.
fn sep_norm(c: char) -> Option<u8> {
    Some(match c {
        ' '
        | '\t'
        | '\u{a0}'
        | '\u{2000}'..='\u{200a}'
        | '\u{202f}'
        | '\u{205f}'
        | '\u{3000}'
        | '\u{200b}'
        | '\u{2060}'
        | '\u{feff}'
        | '\u{ad}' => b' ',
        '.' | '\u{ff0e}' | '\u{2024}' | '\u{b7}' | '\u{30fb}' => b'.',
        ',' | '\u{ff0c}' => b',',
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' | '\u{ff0d}' => b'-',
        '/' | '\u{ff0f}' | '\u{2044}' | '\u{2215}' => b'/',
        '_' | '\u{ff3f}' => b'_',
        '(' | '\u{ff08}' | '[' => b'(',
        ')' | '\u{ff09}' | ']' => b')',
        _ => return None,
    })
}

/// Folded letter prefixes that may be glued to a number ("ĐT0912345678", "CCCD0010…").
const GLUED_LABELS: &[&str] = &[
    "dt", "sdt", "dtdd", "didong", "tel", "phone", "mobile", "zalo", "hotline", "cccd", "cmnd",
    "so", "id", "sn", "ns", "lh", "lienhe", "goi", "hp",
];

/// Words before "sinh" that make it not about a birth ("học sinh", "khai sinh", "vệ sinh").
const NOT_BIRTH: &[&str] = &[
    "hoc", "khai", "ve", "phat", "san", "tai", "giang", "hoi", "so", "song", "tu", "nay", "sieu",
    "phuc", "ky", "thu", "tinh", "dan", "tre",
];

/// One digit run.
#[derive(Debug)]
struct Run {
    start: usize,
    end: usize,
    /// ASCII digits and one-character separators.
    norm: String,
    plus: bool,
}

fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

/// Whether the letters glued before `start` make the run part of a code or hash.
fn glued_before_blocks(text: &str, start: usize) -> bool {
    let Some(p) = char_before(text, start) else {
        return false;
    };
    if !p.is_alphanumeric() {
        return false;
    }
    let head = &text[..start];
    let word_start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(start, |(i, _)| i);
    let word = crate::text::fold(&head[word_start..]);
    if GLUED_LABELS.iter().any(|l| word.ends_with(l)) && !p.is_numeric() {
        // A label, unless the label is itself glued to more digits (hex "…3cccd0…").
        return char_before(text, word_start).is_some_and(|c| c.is_ascii_digit());
    }
    p.is_ascii_hexdigit() || p.is_numeric()
}

fn glued_after_blocks(text: &str, end: usize) -> bool {
    text[end..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_hexdigit() || c == '_' || c.is_numeric())
}

/// Collect the digit runs of `text`. Speed (10,000-page benchmark, docs/security.md):
/// bytes that cannot start a digit are skipped eight at a time without a branch per byte
/// ([`stop_mask`]), so only digits and rare lead bytes are decoded.
fn runs(text: &str) -> Vec<Run> {
    let b = text.as_bytes();
    let n = b.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        while let Some(w) = b.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            let stops = stop_mask(u64::from_le_bytes(word), b.get(i + 8).copied().unwrap_or(0));
            if stops != 0 {
                i += (stops.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while i < n && SKIP[b[i] as usize] {
            i += 1;
        }
        if i >= n {
            break;
        }
        let c0 = b[i];
        if c0 >= 0x80 {
            // Vietnamese letters U+1E80–U+1EFF (E1 BA/BB …) cannot be digits; E1 also
            // leads Myanmar and Khmer digits, so only those two second bytes are skipped.
            if c0 == 0xe1 && matches!(b.get(i + 1), Some(0xba | 0xbb)) {
                i += 3;
                continue;
            }
            // Speed (issue 18): U+00C0–U+03FF (lead bytes C3–CF: à â ê ô ă đ ơ ư …, the
            // other Vietnamese letters) hold no digit either (a test checks each one);
            // superscripts and fractions (U+00B2…U+00BE, lead C2) still go through below.
            if (0xc3..=0xcf).contains(&c0) {
                i += 2;
                continue;
            }
            let Some(c) = text.get(i..).and_then(|s| s.chars().next()) else {
                i += 1;
                continue;
            };
            if digit_value(c).is_none() {
                i += c.len_utf8();
                continue;
            }
        }
        let (run, next) = read_run(text, i);
        if let Some(r) = run {
            out.push(r);
        }
        i = next.max(i + 1);
    }
    out
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES * 0x80;

/// Per byte lane of `w`: the high bit set where that byte is zero.
fn zero_lanes(w: u64) -> u64 {
    !(((w & !HIGH).wrapping_add(!HIGH)) | w) & HIGH
}

/// The lanes of eight text bytes (`w`, little-endian, followed by the byte `next`) where
/// the scanner must stop: an ASCII digit, or a lead byte that may start a digit — any
/// lead byte but those [`SKIP`] passes and E1 followed by BA/BB (Vietnamese letters
/// U+1E80–U+1EFF). The high bit of each such lane is set. SWAR: every addition below
/// stays inside its byte (operands ≤ 0x7F + 0x7F), so lanes never carry into each other.
/// Agrees with [`SKIP`] lane by lane for every byte pair (exhaustive test below).
fn stop_mask(w: u64, next: u8) -> u64 {
    let high = w & HIGH;
    let low7 = w & !HIGH;
    let at_least = |x: u64, t: u64| x.wrapping_add(ONES * (0x80 - t)) & HIGH;
    let digit = at_least(low7, 0x30) & !at_least(low7, 0x3a) & !high;
    // Lead bytes (11xxxxxx): bit 6 moved up to bit 7.
    let lead = high & (w << 1);
    let low6 = w & (ONES * 0x3f);
    let latin = at_least(low6, 0x03) & !at_least(low6, 0x0a); // C3–C9
    let marks = at_least(low6, 0x0c) & !at_least(low6, 0x0e); // CC, CD
    let e1 = zero_lanes(w ^ (ONES * 0xe1));
    let following = (w >> 8) | (u64::from(next) << 56);
    let viet = zero_lanes((following & (ONES * 0xfe)) ^ (ONES * 0xba)); // BA or BB
    digit | (lead & !(latin | marks | (e1 & viet)))
}

/// Bytes that can neither be a digit nor start one: ASCII other than `0`–`9`, UTF-8
/// continuation bytes, and the lead bytes of Latin letters with diacritics (U+00C0–U+024F:
/// C3–C9) and of combining marks (U+0300–U+036F: CC, CD). Stopping only at a byte
/// outside this set keeps the scanner on character boundaries: a continuation byte is
/// always skipped together with the lead byte before it.
static SKIP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'0'..=b'9' => false,
            0x00..=0x7f | 0x80..=0xbf | 0xc3..=0xc9 | 0xcc | 0xcd => true,
            _ => false,
        };
        b += 1;
    }
    t
};

/// Read one run starting at the digit at byte `start`; returns it and where to go on.
fn read_run(text: &str, start: usize) -> (Option<Run>, usize) {
    // Speed (126-commune benchmark): the normalised run is built on the stack (at most
    // 65 digits and 3 separators before each) and becomes a `String` only for a run
    // worth classifying; most runs in a page are short numbers and are dropped.
    let mut norm = [0u8; 96];
    let mut len = 0;
    let mut end = start;
    let mut gap = [0u8; 3];
    let mut gap_len = 0;
    for (off, c) in text[start..].char_indices() {
        let pos = start + off;
        if let Some(d) = digit_value(c) {
            norm[len..len + gap_len].copy_from_slice(&gap[..gap_len]);
            len += gap_len;
            gap_len = 0;
            norm[len] = b'0' + d;
            len += 1;
            end = pos + c.len_utf8();
            if len > 64 {
                break;
            }
            continue;
        }
        match sep_norm(c) {
            Some(s) if gap_len < 3 => {
                let g = &gap[..gap_len];
                // A comma or slash stands alone; ", " separates list items.
                let hard = g.contains(&b',') || g.contains(&b'/');
                if (s == b',' || s == b'/') && gap_len > 0 || hard {
                    break;
                }
                // "- " is fine, but two dots or "(" after a digit end the run.
                if s == b'(' {
                    break;
                }
                gap[gap_len] = s;
                gap_len += 1;
            }
            _ => break,
        }
    }
    // Only ASCII digits and separators were written.
    let norm = std::str::from_utf8(&norm[..len]).unwrap_or_default();
    let n_digits = norm.bytes().filter(u8::is_ascii_digit).count();
    if n_digits < 4 || (n_digits < 9 && !is_date_shape(norm) && !is_year(norm)) {
        return (None, end);
    }
    let norm = norm.to_string();
    let plus = {
        let head = text[..start].trim_end_matches([' ', '\u{a0}']);
        head.ends_with('+') || head.ends_with('\u{ff0b}')
    };
    let next = end;
    if glued_before_blocks(text, start) || glued_after_blocks(text, end) {
        return (None, next);
    }
    (
        Some(Run {
            start,
            end,
            norm,
            plus,
        }),
        next,
    )
}

fn digits(norm: &str) -> String {
    norm.chars().filter(char::is_ascii_digit).collect()
}

/// Text right after a number names a currency or a unit of money.
fn currency_follows(after: &str) -> bool {
    let a: String = after
        .trim_start_matches([' ', '\u{a0}', '\u{202f}'])
        .chars()
        .take(8)
        .collect();
    let f = crate::text::fold(&a);
    a.starts_with('₫')
        || [
            "d ", "d.", "d,", "d)", "d;", "dong", "vnd", "trieu", "ty", "nghin", "ngan",
        ]
        .iter()
        .any(|k| f.starts_with(k))
        || f == "d"
}

/// `1.500.000`, `1,500,000`, `150 000 000`, `1.000.000,00`, `12,5`: the shape of an
/// amount; `Some(true)` when it has a decimal part.
pub fn amount_shape(norm: &str) -> Option<bool> {
    let (int, dec) = match norm.rfind([',', '.']) {
        Some(p) => {
            let sep = norm.as_bytes()[p];
            let other = if sep == b',' { '.' } else { ',' };
            let dec = &norm[p + 1..];
            let head = &norm[..p];
            let is_dec = (1..=2).contains(&dec.len())
                && (head.contains(other) || (sep == b',' && !head.contains(',')));
            if is_dec {
                (head, Some(dec))
            } else {
                (norm, None)
            }
        }
        None => (norm, None),
    };
    if dec.is_some_and(|d| !d.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let seps: Vec<char> = int.chars().filter(|c| !c.is_ascii_digit()).collect();
    let Some(&first) = seps.first() else {
        return (dec.is_some() && !int.is_empty()).then_some(true);
    };
    if !matches!(first, '.' | ',' | ' ') || seps.iter().any(|&c| c != first) {
        return None;
    }
    let groups: Vec<&str> = int.split(first).collect();
    let ok = !groups[0].starts_with('0')
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    ok.then_some(dec.is_some())
}

/// A grouped amount, with or without decimals.
pub fn is_grouped_amount(norm: &str) -> bool {
    amount_shape(norm).is_some()
}

/// `d/m/yyyy`, `dd-mm-yy`, `dd.mm.yyyy`: a calendar date shape (ISO `yyyy-mm-dd` too).
pub fn is_date_shape(norm: &str) -> bool {
    // Speed (126-commune benchmark): one pass, no allocation; every number run of every
    // page is asked. The test below checks it against the plain version.
    let mut lens = [0usize; 3];
    let mut part = 0;
    let mut sep = None;
    for &c in norm.as_bytes() {
        if c.is_ascii_digit() {
            lens[part] += 1;
        } else if matches!(c, b'/' | b'-' | b'.') && lens[part] > 0 && part < 2 {
            if sep.is_some_and(|s| s != c) {
                return false;
            }
            sep = Some(c);
            part += 1;
        } else {
            return false;
        }
    }
    let l = lens;
    let dmy = (1..=2).contains(&l[0]) && (1..=2).contains(&l[1]) && (l[2] == 2 || l[2] == 4);
    let iso = l[0] == 4 && (1..=2).contains(&l[1]) && (1..=2).contains(&l[2]);
    part == 2 && (dmy || iso)
}

/// [`is_date_shape`] as first written (kept to check the fast one).
#[cfg(test)]
fn is_date_shape_plain(norm: &str) -> bool {
    let parts: Vec<&str> = norm.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let l: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let dmy = (1..=2).contains(&l[0]) && (1..=2).contains(&l[1]) && (l[2] == 2 || l[2] == 4);
    let iso = l[0] == 4 && (1..=2).contains(&l[1]) && (1..=2).contains(&l[2]);
    let seps: Vec<char> = norm.chars().filter(|c| !c.is_ascii_digit()).collect();
    (dmy || iso) && seps.len() == 2 && seps[0] == seps[1]
}

/// Whether three consecutive groups of a run form a date (`2026-11-23` inside
/// `0001-2026-11-23`, `10/6/2026`): such a run is a reference or a date, not an ID.
pub fn contains_date(norm: &str) -> bool {
    let mut groups: Vec<&str> = Vec::new();
    let mut seps: Vec<char> = Vec::new();
    let mut start = None;
    for (i, c) in norm.char_indices() {
        if c.is_ascii_digit() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            groups.push(&norm[s..i]);
            seps.push(c);
        } else if let Some(last) = seps.last_mut() {
            *last = ' ';
        }
    }
    if let Some(s) = start {
        groups.push(&norm[s..]);
    }
    let num = |g: &str| g.parse::<u32>().unwrap_or(0);
    (0..groups.len().saturating_sub(2)).any(|i| {
        let (a, b, c) = (groups[i], groups[i + 1], groups[i + 2]);
        let same = seps[i] == seps[i + 1] && matches!(seps[i], '-' | '/' | '.');
        let iso = a.len() == 4
            && (1..=2).contains(&b.len())
            && (1..=2).contains(&c.len())
            && (1..=12).contains(&num(b))
            && (1..=31).contains(&num(c));
        let dmy = (1..=2).contains(&a.len())
            && (1..=2).contains(&b.len())
            && c.len() == 4
            && (1..=31).contains(&num(a))
            && (1..=12).contains(&num(b));
        same && (iso || dmy)
    })
}

/// A year a person may have been born in.
fn is_year(norm: &str) -> bool {
    norm.len() == 4
        && norm
            .parse::<u32>()
            .is_ok_and(|y| (1900..=2099).contains(&y))
}

/// The words before byte `at` speak of a birth: "sinh ngày", "ngày sinh", "sinh năm",
/// "năm sinh", "SN", "DOB" (not "học sinh", "khai sinh", "vệ sinh", "sinh hoạt").
pub fn birth_context(text: &str, at: usize) -> bool {
    let from = text[..at]
        .char_indices()
        .rev()
        .nth(48)
        .map_or(0, |(i, _)| i);
    // Fast path without allocating: every birth phrase has "sinh", "sn", "ns" or "dob".
    if !has_birth_marker(&text.as_bytes()[from..at]) {
        return false;
    }
    let words = words_with_breaks(&text[from..at]);
    let mut k = words.len();
    let mut skipped = 0;
    while k > 0 {
        let w = words[k - 1].0.as_str();
        let filler = matches!(w, "ngay" | "thang" | "nam" | "vao" | "luc")
            || w.bytes().all(|b| b.is_ascii_digit());
        if filler && skipped < 6 {
            skipped += 1;
            k -= 1;
            continue;
        }
        return match w {
            "sn" | "ns" | "dob" => true,
            // "học sinh" is one word; "ông Thử: sinh ngày" is two phrases, so a
            // punctuation mark before "sinh" ends the compound.
            "sinh" => {
                let before = (k >= 2 && !words[k - 1].1).then(|| words[k - 2].0.as_str());
                match before {
                    Some(b) if NOT_BIRTH.contains(&b) => false,
                    // "an sinh" (social welfare: "Sổ an sinh", "Quỹ an sinh ngày …") is
                    // not a birth, unless "An" is the end of a name ("Nguyễn Văn An sinh
                    // năm 1950", "Bà An sinh ngày …"): capitalised, after a capitalised
                    // word of the same phrase.
                    Some("an") => {
                        let caps = capitalised_words(&text[from..at]);
                        let cap = |i: usize| caps.get(i).copied().unwrap_or(false);
                        k >= 3 && !words[k - 2].1 && cap(k - 2) && cap(k - 3)
                    }
                    _ => true,
                }
            }
            _ => false,
        };
    }
    false
}

/// For each word of [`words_with_breaks`], whether it starts with a capital letter.
fn capitalised_words(s: &str) -> Vec<bool> {
    let mut out = Vec::new();
    let mut in_word = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if !in_word {
                out.push(c.is_uppercase());
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    out
}

/// Whether `w` contains "sinh", "sn", "ns" or "dob" in any ASCII case, in one pass.
fn has_birth_marker(w: &[u8]) -> bool {
    let lower_at = |k: usize| w.get(k).map(|c| c | 0x20);
    (0..w.len()).any(|k| match w[k] | 0x20 {
        b's' => {
            lower_at(k + 1) == Some(b'n')
                || w.get(k + 1..k + 4)
                    .is_some_and(|x| x.eq_ignore_ascii_case(b"inh"))
        }
        b'n' => lower_at(k + 1) == Some(b's'),
        b'd' => w
            .get(k + 1..k + 3)
            .is_some_and(|x| x.eq_ignore_ascii_case(b"ob")),
        _ => false,
    })
}

/// Folded words of `s` (diacritics off, lower case), each with whether a punctuation
/// mark stands between it and the word before.
fn words_with_breaks(s: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut punct = false;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(b) = start.take() {
            out.push((crate::text::fold_words(&s[b..i]), punct));
            punct = false;
        }
        if !c.is_whitespace() && i < s.len() {
            punct = true;
        }
    }
    out
}

/// Normalised key of a phone number: national form with a leading 0.
fn phone_key(d: &str) -> String {
    if let Some(rest) = d.strip_prefix("0084") {
        format!("0{}", rest.trim_start_matches('0'))
    } else if let Some(rest) = d.strip_prefix("84") {
        format!("0{}", rest.trim_start_matches('0'))
    } else {
        d.to_string()
    }
}

/// Classify one normalised run: what it is, and its normalised key.
pub fn classify(norm: &str, plus: bool, after: &str) -> Option<(FindingKind, String)> {
    let d = digits(norm);
    let n = d.len();
    if n < 9 {
        return None;
    }
    if is_date_shape(norm) || contains_date(norm) {
        return None;
    }
    let money_context = currency_follows(after);
    let shape = amount_shape(norm);
    let has_decimal = shape == Some(true);
    let grouped = shape.is_some();
    let bare_number = !d.starts_with('0') && norm.bytes().all(|b| b.is_ascii_digit());
    if has_decimal || money_context && (grouped || bare_number) {
        return None;
    }
    if plus && d.starts_with("84") && (11..=12).contains(&n) {
        return Some((FindingKind::Phone, phone_key(&d)));
    }
    if d.starts_with("0084") && (13..=14).contains(&n) {
        return Some((FindingKind::Phone, phone_key(&d)));
    }
    if !grouped
        && d.starts_with("84")
        && n == 11
        && matches!(d.as_bytes()[2], b'3' | b'5' | b'7' | b'8' | b'9')
    {
        return Some((FindingKind::Phone, phone_key(&d)));
    }
    if d.starts_with('0') && n == 10 && d.as_bytes()[1] != b'0' {
        return Some((FindingKind::Phone, d));
    }
    if d.starts_with("02") && n == 11 {
        return Some((FindingKind::Phone, d));
    }
    if n == 9 || n == 12 {
        // A round grouped or bare amount ("150.000.000", "150000000") is money.
        if (grouped || bare_number) && d.ends_with("000") {
            return None;
        }
        return Some((FindingKind::IdNumber, d));
    }
    None
}

/// Split a run at its space gaps into parts (byte ranges of `norm`).
fn space_parts(norm: &str) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut s = 0;
    let b = norm.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' {
            // The gap is the whole separator sequence around this space.
            let mut e = i;
            let mut st = i;
            while st > s && !b[st - 1].is_ascii_digit() {
                st -= 1;
            }
            while e < b.len() && !b[e].is_ascii_digit() {
                e += 1;
            }
            parts.push((s, st));
            s = e;
            i = e;
        } else {
            i += 1;
        }
    }
    parts.push((s, b.len()));
    parts
}

/// Scan a text for personal identifiers. `allow` holds values that may appear (the
/// ward's hotline), compared by their normalised form.
pub fn scan_text(text: &str, allow: &[String]) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in runs(text) {
        scan_run(text, &r, allow, &mut out);
    }
    scan_emails(text, allow, &mut out);
    out.sort_by_key(|f| f.start);
    out
}

fn push(
    out: &mut Vec<Finding>,
    text: &str,
    start: usize,
    end: usize,
    kind: FindingKind,
    key: String,
    allow: &[String],
) {
    if allowed(&key, allow) {
        return;
    }
    out.push(Finding {
        kind,
        start,
        masked: mask(text[start..end].trim()),
        key,
    });
}

fn scan_run(text: &str, r: &Run, allow: &[String], out: &mut Vec<Finding>) {
    let after = &text[r.end..];
    let after = &after[..after.char_indices().nth(10).map_or(after.len(), |(i, _)| i)];
    // Birth dates: a date or a year right after a birth phrase.
    if is_date_shape(&r.norm) || is_year(&r.norm) {
        if birth_context(text, r.start) {
            let key = digits(&r.norm);
            push(
                out,
                text,
                r.start,
                r.end,
                FindingKind::BirthDate,
                key,
                allow,
            );
        }
        return;
    }
    let parts = space_parts(&r.norm);
    let dated = |a: usize, b: usize| is_date_shape(&r.norm[a..b]) || contains_date(&r.norm[a..b]);
    let has_date = parts.len() > 1 && parts.iter().any(|&(a, b)| dated(a, b));
    if !has_date {
        if let Some((kind, key)) = classify(&r.norm, r.plus, after) {
            push(out, text, r.start, r.end, kind, key, allow);
            return;
        }
        if is_grouped_amount(&r.norm) || parts.len() < 2 {
            return;
        }
    }
    // "Số 1 0912 345 678", "2020-2025 0912345678", "5 12/03/1950": windows of the
    // space-separated parts, longest first; a date is never part of a number.
    let byte_at = norm_to_byte(text, r);
    for &(a, b) in &parts {
        if dated(a, b) && birth_context(text, byte_at[a]) {
            let key = digits(&r.norm[a..b]);
            push(
                out,
                text,
                byte_at[a],
                byte_at[b],
                FindingKind::BirthDate,
                key,
                allow,
            );
        }
    }
    let k = parts.len().min(8);
    for len in (1..k).rev() {
        for s in 0..=k - len {
            if (s..s + len).any(|i| dated(parts[i].0, parts[i].1)) {
                continue;
            }
            let (a, _) = parts[s];
            let (_, b) = parts[s + len - 1];
            let plus = s == 0 && r.plus;
            let tail = if s + len == parts.len() { after } else { "" };
            if let Some((kind, key)) = classify(&r.norm[a..b], plus, tail) {
                push(out, text, byte_at[a], byte_at[b], kind, key, allow);
                return;
            }
        }
    }
}

/// Byte offset in `text` of each byte of `r.norm`, and its end: the run's characters
/// map one to one onto the bytes of `norm`.
fn norm_to_byte(text: &str, r: &Run) -> Vec<usize> {
    let mut map: Vec<usize> = text[r.start..r.end]
        .char_indices()
        .map(|(off, _)| r.start + off)
        .collect();
    map.resize(r.norm.len(), r.end);
    map.push(r.end);
    map
}

fn canonical_key(value: &str) -> String {
    let v = value.trim();
    if v.contains('@') || v.contains('\u{ff20}') {
        return v.replace('\u{ff20}', "@").to_lowercase();
    }
    let d: String = v
        .chars()
        .filter_map(digit_value)
        .map(|d| (b'0' + d) as char)
        .collect();
    if v.trim_start().starts_with('+')
        || d.starts_with("0084")
        || (d.starts_with("84") && d.len() == 11)
    {
        phone_key(&d)
    } else {
        d
    }
}

fn allowed(key: &str, allow: &[String]) -> bool {
    !key.is_empty() && allow.iter().any(|a| canonical_key(a) == key)
}

/// An at-sign written as `@`, `＠`, `(at)`, `[at]`, `{at}` or `a còng`: its byte range,
/// in text order. Speed (10,000-page benchmark, docs/security.md): each form is found by
/// a SIMD substring search on a byte that is rare in text (`@`, the closing bracket,
/// "còng"), not by matching every byte.
fn at_markers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out: Vec<(usize, usize)> = memchr::memchr_iter(b'@', b).map(|i| (i, i + 1)).collect();
    // The substring searchers are built once per process, not once per text.
    static FULLWIDTH_AT: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("\u{ff20}"));
    static CONG_MARKED: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("còng"));
    static CONG_PLAIN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("cong"));
    out.extend(FULLWIDTH_AT.find_iter(b).map(|i| (i, i + 3)));
    for i in memchr::memchr3_iter(b')', b']', b'}', b) {
        if i >= 3
            && matches!(b[i - 3], b'(' | b'[' | b'{')
            && b[i - 2..i].eq_ignore_ascii_case(b"at")
        {
            out.push((i - 3, i + 1));
        }
    }
    // "a còng", "A còng", "a-còng", "a cong", as a word of its own.
    let word_start = |i: usize| i == 0 || matches!(b[i - 1], b' ' | b'(');
    for p in CONG_MARKED.find_iter(b) {
        if p >= 2 && matches!(&b[p - 2..p], b"a " | b"A " | b"a-") && word_start(p - 2) {
            out.push((p - 2, p + "còng".len()));
        }
    }
    for p in CONG_PLAIN.find_iter(b) {
        if p >= 2 && &b[p - 2..p] == b"a " && word_start(p - 2) {
            out.push((p - 2, p + "cong".len()));
        }
    }
    out.sort_unstable();
    out
}

/// `(dot)`, `[dot]`, ` dot `, ` chấm `, `(.)`, `[.]`, `．` or `.` with spaces around,
/// at the start of `s`: its length.
fn dot_marker(s: &str) -> Option<usize> {
    let t = s.trim_start_matches(' ');
    let lead = s.len() - t.len();
    for m in [
        "(dot)", "[dot]", "{dot}", "(.)", "[.]", ".", "\u{ff0e}", "(chấm)", "[chấm]",
    ] {
        if t.get(..m.len()).is_some_and(|x| x.eq_ignore_ascii_case(m)) {
            let after = &t[m.len()..];
            let trail = after.len() - after.trim_start_matches(' ').len();
            return Some(lead + m.len() + trail);
        }
    }
    for m in ["dot ", "chấm "] {
        if lead > 0 && t.get(..m.len()).is_some_and(|x| x.eq_ignore_ascii_case(m)) {
            let after = &t[m.len()..];
            let trail = after.len() - after.trim_start_matches(' ').len();
            return Some(lead + m.len() + trail);
        }
    }
    None
}

fn scan_emails(text: &str, allow: &[String], out: &mut Vec<Finding>) {
    let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    for (ms, me) in at_markers(text) {
        let head = text[..ms].trim_end_matches([' ', '\u{a0}']);
        let local_start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_local(*c))
            .last()
            .map_or(head.len(), |(i, _)| i);
        let local = head[local_start..].trim_matches('.');
        if local.is_empty() {
            continue;
        }
        // Domain labels joined by dots (or obfuscated dots).
        let mut rest = text[me..].trim_start_matches([' ', '\u{a0}']);
        let mut labels: Vec<String> = Vec::new();
        loop {
            let l: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if l.is_empty() {
                break;
            }
            rest = &rest[l.len()..];
            labels.push(l.to_lowercase());
            match dot_marker(rest) {
                Some(k) if rest[k..].starts_with(|c: char| c.is_ascii_alphanumeric()) => {
                    rest = &rest[k..];
                }
                _ => break,
            }
        }
        let tld_ok = labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
        if labels.len() < 2 || !tld_ok {
            continue;
        }
        let end = text.len() - rest.len();
        let key = format!("{}@{}", local.to_lowercase(), labels.join("."));
        push(out, text, local_start, end, FindingKind::Email, key, allow);
    }
}

/// Every full date in a text: (byte offset, text) with its year.
pub fn full_dates(text: &str) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // d{1,2} sep d{1,2} sep d{4}
        let mut j = i;
        let mut parts = [0usize; 3];
        let mut ok = true;
        for (k, part) in parts.iter_mut().enumerate() {
            let s = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            *part = j - s;
            if k < 2 {
                if j < b.len() && matches!(b[j], b'/' | b'-' | b'.') {
                    j += 1;
                } else {
                    ok = false;
                    break;
                }
            }
        }
        if ok
            && (1..=2).contains(&parts[0])
            && (1..=2).contains(&parts[1])
            && parts[2] == 4
            && (j >= b.len() || !b[j].is_ascii_digit())
        {
            out.push((i, &text[i..j]));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Year of a full date found by [`full_dates`].
pub fn date_year(date: &str) -> Option<i32> {
    date.get(date.len().saturating_sub(4)..)?.parse().ok()
}

/// A cell of a person's row: besides [`scan_text`], any full date before `min_year`
/// (older than any support decision) is taken as a birth date.
pub fn scan_cell(text: &str, allow: &[String], min_year: i32) -> Vec<Finding> {
    let mut out = scan_text(text, allow);
    for (start, date) in full_dates(text) {
        if date_year(date).is_some_and(|y| y < min_year) && !out.iter().any(|f| f.start == start) {
            push(
                &mut out,
                text,
                start,
                start + date.len(),
                FindingKind::BirthDate,
                digits(date),
                allow,
            );
        }
    }
    out
}

/// What `load_data` hands a template: tables (`{"headers", "records"}`) lose their
/// columns whose header names personal data ([`forbidden_header`]), arrays of objects
/// lose such keys, at any depth. A site template can never read a private column.
pub fn strip_private(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(mut m) => {
            let is_table = matches!(m.get("headers"), Some(Value::Array(_)))
                && matches!(m.get("records"), Some(Value::Array(_)));
            if is_table {
                let keep: Vec<bool> = match m.get("headers") {
                    Some(Value::Array(h)) => h
                        .iter()
                        .map(|x| x.as_str().is_none_or(|s| forbidden_header(s).is_none()))
                        .collect(),
                    _ => Vec::new(),
                };
                let filter = |row: Value| match row {
                    Value::Array(cells) => Value::Array(
                        cells
                            .into_iter()
                            .enumerate()
                            .filter(|(i, _)| keep.get(*i).copied().unwrap_or(false))
                            .map(|(_, c)| c)
                            .collect(),
                    ),
                    other => other,
                };
                if let Some(h) = m.remove("headers") {
                    m.insert("headers".into(), filter(h));
                }
                if let Some(Value::Array(rows)) = m.remove("records") {
                    m.insert(
                        "records".into(),
                        Value::Array(rows.into_iter().map(filter).collect()),
                    );
                }
                return Value::Object(m);
            }
            Value::Object(
                m.into_iter()
                    .filter(|(k, _)| forbidden_header(k).is_none())
                    .map(|(k, v)| (k, strip_private(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(strip_private).collect()),
        other => other,
    }
}

/// Name display policy: "full" (default; the law's posting names the person) or
/// "initials" (`Nguyễn Văn An` → `N. V. A.`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameDisplay {
    Full,
    Initials,
}

impl NameDisplay {
    pub fn parse(s: &str) -> Option<NameDisplay> {
        match fold(s.trim()).as_str() {
            "full" | "day du" | "ho ten day du" => Some(NameDisplay::Full),
            "initials" | "abbreviated" | "viet tat" => Some(NameDisplay::Initials),
            _ => None,
        }
    }

    pub fn apply(self, name: &str) -> String {
        match self {
            NameDisplay::Full => name.to_string(),
            NameDisplay::Initials => initials(name),
        }
    }
}

/// `Nguyễn Văn A.` → `N. V. A.`; `Đỗ thị hoa` → `Đ. T. H.`
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphabetic()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<FindingKind> {
        scan_text(text, &[]).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn scanner_table() {
        use FindingKind::*;
        let cases: &[(&str, &[FindingKind])] = &[
            ("CCCD 001085012345", &[IdNumber]),
            ("CMND: 123456789.", &[IdNumber]),
            ("số 001 085 012 345", &[IdNumber]),
            ("gọi 0912345678", &[Phone]),
            ("gọi 0912 345 678", &[Phone]),
            ("gọi 0912.345.678", &[Phone]),
            ("gọi 091-234-5678", &[Phone]),
            ("gọi +84 912 345 678", &[Phone]),
            ("gọi +84912345678", &[Phone]),
            ("máy bàn 0225 3812 345", &[Phone]),
            ("thư an.nguyen@example.com nhé", &[Email]),
            ("ông A, sinh ngày 12/03/1950", &[BirthDate]),
            ("ngày sinh: 1-2-1960", &[BirthDate]),
            // Not personal data:
            ("Số tiền 150.000.000 đồng", &[]),
            ("Số tiền 1,500,000,000 đồng", &[]),
            ("Số tiền 1.500.000 đ", &[]),
            ("Số tiền 150 000 000 đ", &[]),
            ("Nghị quyết số 04/2026/NQ-HĐND ngày 20/4/2026", &[]),
            ("Quyết định 1234/QĐ-UBND", &[]),
            ("năm 2026, 300 hộ", &[]),
            ("mã 3f9a001085012345b", &[]),
            ("từ ngày 01/07/2026 đến 31/12/2026", &[]),
            ("mười chữ số 12345678901 không phải", &[]),
            ("@ một mình", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(&kinds(text), want, "{text}");
        }
    }

    #[test]
    fn allow_list_exact_values() {
        let allow = vec!["0225 3812 345".to_string(), "ubnd@example.vn".to_string()];
        assert!(scan_text("Đường dây nóng 0225.3812.345", &allow).is_empty());
        assert!(scan_text("thư ubnd@example.vn", &allow).is_empty());
        assert_eq!(scan_text("gọi 0912345678", &allow).len(), 1);
    }

    #[test]
    fn masked_value_hides_digits() {
        let f = &scan_text("CCCD 001085012345", &[])[0];
        assert_eq!(f.masked, "00••••••••45");
        assert!(!f.message().contains("1085012"));
    }

    #[test]
    fn cell_scan_flags_old_dates() {
        assert_eq!(scan_cell("Bà B, 12/03/1950", &[], 2000).len(), 1);
        assert!(scan_cell("từ 01/07/2026", &[], 2000).is_empty());
    }

    #[test]
    fn forbidden_headers_table() {
        let bad = [
            "Số CCCD",
            "CMND",
            "Số định danh cá nhân",
            "Điện thoại",
            "SĐT",
            "Số ĐT",
            "Phone number",
            "Ngày sinh",
            "Ngày, tháng, năm sinh",
            "Năm sinh",
            "Date of birth",
            "Địa chỉ",
            "Số nhà",
            "Tình trạng sức khỏe",
            "Bệnh",
            "Chẩn đoán",
            "Dạng tật",
            "Khuyết tật",
            "Dân tộc",
            "Tôn giáo",
            "Số tài khoản",
            "Ngân hàng",
            "Bank account",
            "Số BHXH",
            "Mã số BHXH",
            "Số thẻ BHYT",
            "Email",
        ];
        for h in bad {
            assert!(forbidden_header(h).is_some(), "{h}");
        }
        let good = [
            "STT",
            "Họ và tên",
            "Tổ dân phố",
            "Đối tượng",
            "Nội dung hỗ trợ",
            "Hỗ trợ đóng BHYT",
            "Số tiền",
            "Từ ngày",
            "Đến ngày",
            "Ghi chú",
        ];
        for h in good {
            assert_eq!(forbidden_header(h), None, "{h}");
        }
    }

    #[test]
    fn initials_table() {
        for (name, want) in [
            ("Nguyễn Văn A.", "N. V. A."),
            ("Đỗ thị hoa", "Đ. T. H."),
            ("  Lê   Bình ", "L. B."),
            ("", ""),
        ] {
            assert_eq!(initials(name), want);
        }
        assert_eq!(NameDisplay::parse("viết tắt"), Some(NameDisplay::Initials));
        assert_eq!(NameDisplay::parse("full"), Some(NameDisplay::Full));
        assert_eq!(NameDisplay::parse("x"), None);
    }

    /// The normalising scanner: obfuscated identifiers found, everyday numbers not.
    #[test]
    fn normalised_scanner_table() {
        use FindingKind::*;
        let cases: &[(&str, &[FindingKind])] = &[
            // Spaces of every width and separators.
            ("gọi 0912\u{a0}345\u{a0}678", &[Phone]),
            ("gọi 0912\u{2009}345\u{2009}678", &[Phone]),
            ("gọi 0912\u{202f}345\u{202f}678", &[Phone]),
            ("gọi 0912\u{2007}345\u{2007}678", &[Phone]),
            ("gọi 0912  345  678", &[Phone]),
            ("gọi 091/234/5678", &[Phone]),
            ("gọi 091_234_5678", &[Phone]),
            ("gọi 091–234–5678", &[Phone]),
            ("gọi 091—234—5678", &[Phone]),
            ("gọi 091 - 234 - 5678", &[Phone]),
            ("gọi 0912\u{200b}345678", &[Phone]),
            ("gọi (091) 234 5678", &[Phone]),
            ("gọi (0225) 3812 345", &[Phone]),
            // Country codes.
            ("gọi 84912345678", &[Phone]),
            ("gọi +84 (0) 912 345 678", &[Phone]),
            ("gọi 0084 912 345 678", &[Phone]),
            ("gọi +84-91-234-5678", &[Phone]),
            // Letters glued on.
            ("ĐT0912345678", &[Phone]),
            ("SĐT:0912345678", &[Phone]),
            ("SĐT: 0912345678", &[Phone]),
            ("Tel0912345678", &[Phone]),
            ("Zalo 0912345678", &[Phone]),
            ("CCCD001085012345", &[IdNumber]),
            ("cmnd187654321", &[IdNumber]),
            // Other scripts' digits.
            ("gọi ０９１２３４５６７８", &[Phone]),
            ("gọi ٠٩١٢٣٤٥٦٧٨", &[Phone]),
            ("gọi ۰۹۱۲۳۴۵۶۷۸", &[Phone]),
            ("gọi ০৯১২৩৪৫৬৭৮", &[Phone]),
            ("gọi 𝟎𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", &[Phone]),
            ("CCCD ００１０８５０１２３４５", &[IdNumber]),
            // ID numbers in groups.
            ("CMND 187.654.321", &[IdNumber]),
            ("CMND 187 654 321", &[IdNumber]),
            ("CCCD 001.085.012.345", &[IdNumber]),
            ("CCCD 0010-8501-2345", &[IdNumber]),
            ("số 187654321", &[IdNumber]),
            ("Số 1 0912 345 678", &[Phone]),
            ("2020-2025 0912345678", &[Phone]),
            // E-mail obfuscations.
            ("thư an.nguyen＠example.com", &[Email]),
            ("thư an.nguyen @ example.com", &[Email]),
            ("thư an.nguyen(at)example.com", &[Email]),
            ("thư an.nguyen [at] example [dot] com", &[Email]),
            ("thư an.nguyen a còng example chấm com", &[Email]),
            ("thư an.nguyen(at)example(dot)com", &[Email]),
            ("thư AN.NGUYEN@EXAMPLE.COM.", &[Email]),
            // Birth dates.
            ("ông A, sinh ngày 5 tháng 3 năm 1950", &[BirthDate]),
            ("Liên hệ ông Thử: sinh ngày 05/03/1950", &[BirthDate]),
            ("ông Thử: sinh ngày 5 tháng 3 năm 1950", &[BirthDate]),
            ("bà Tú, sinh năm 1950", &[BirthDate]),
            ("bà B, sinh năm 1950", &[BirthDate]),
            ("năm sinh: 1950", &[BirthDate]),
            ("ngày sinh 05/03/50", &[BirthDate]),
            ("SN 05.03.1950", &[BirthDate]),
            ("(sinh 1950)", &[BirthDate]),
            ("ngày sinh 01/02/1950", &[BirthDate]),
            ("sinh năm 1950", &[BirthDate]),
            ("SN 1950", &[BirthDate]),
            // … but a name ending in "An" followed by a birth date is one.
            ("Nguyễn Văn An sinh ngày 05/03/1950", &[BirthDate]),
            ("Bà An sinh năm 1950", &[BirthDate]),
            ("Sinh ngày: 05-03-1950", &[BirthDate]),
            // Not personal data.
            ("Số tiền 1.000.000,00 đồng", &[]),
            ("1.000.000,00", &[]),
            ("Tổng 123.456.789 đồng", &[]),
            ("Tổng 123.456.789,50", &[]),
            ("Kinh phí 150.000.000", &[]),
            ("150000000", &[]),
            ("1.500.000 đ", &[]),
            ("1.500.000 ₫", &[]),
            ("Quyết định 123/QĐ-UBND ngày 10/6/2026", &[]),
            ("Nghị quyết số 04/2026/NQ-HĐND", &[]),
            ("ngày 2026-06-10", &[]),
            ("từ 10/06/2026 - 12/06/2026", &[]),
            ("sha256 3f9a0b1c0912345678d4e5f60010850123459abc", &[]),
            (
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                &[],
            ),
            ("năm 2026, 300 hộ", &[]),
            ("mã bưu chính 180000", &[]),
            ("trang 12 / 150", &[]),
            ("tổ 1, 2, 3, 4, 5, 6, 7, 8, 9", &[]),
            ("học sinh năm 2026", &[]),
            // "an sinh" (social welfare) before a date is not a birth …
            ("Báo cáo an sinh ngày 25/06/2026", &[]),
            ("Sổ an sinh ngày 25/12/2026", &[]),
            ("An sinh cộng đồng: ngày 25/06/2026", &[]),
            ("An sinh ngày 25/06/2026", &[]),
            ("quỹ an sinh năm 2026", &[]),
            ("đăng ký khai sinh ngày 10/06/2026", &[]),
            ("vệ sinh môi trường ngày 10/06/2026", &[]),
            ("sinh hoạt ngày 10/06/2026", &[]),
            ("kỳ họp năm 1950", &[]),
            ("có 1234567890 lượt", &[]),
            ("tỷ lệ 65,9 %", &[]),
            ("a@b", &[]),
            ("gặp at 5 giờ", &[]),
            ("lúc 07:30 - 11:30 ngày 10/06/2026", &[]),
            ("Điều 5. Khoản 2. Mục 3", &[]),
            ("bản ghi 0001-2026-11-23", &[]),
            ("mã 2026-11-23-0012", &[]),
        ];
        let mut failed = Vec::new();
        for (text, want) in cases {
            let got = kinds(text);
            if &got != want {
                failed.push(format!("{text:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(
            failed.is_empty(),
            "{} failures:\n{}",
            failed.len(),
            failed.join("\n")
        );
        assert!(cases.len() >= 60);
    }

    #[test]
    fn keys_are_normalised_for_the_allow_list() {
        let allow = vec![
            "+84 225 3812 345".to_string(),
            "UBND@Example.vn".to_string(),
        ];
        assert!(scan_text("Đường dây nóng (0225) 3812.345", &allow).is_empty());
        assert!(scan_text("thư ubnd＠example.vn", &allow).is_empty());
        assert!(scan_text("thư ubnd (at) example (dot) vn", &allow).is_empty());
        let f = &scan_text("ĐT ０９１２ ３４５ ６７８", &[])[0];
        assert_eq!(f.key, "0912345678");
        assert!(!f.masked.contains("345"));
    }

    #[test]
    fn no_digit_where_runs_skips_two_byte_letters() {
        for u in 0xc0..=0x3ff {
            let c = char::from_u32(u).unwrap();
            assert_eq!(c.len_utf8(), 2);
            assert_eq!(digit_value(c), None, "U+{u:04X}");
            assert!(!c.is_numeric(), "U+{u:04X}");
        }
        // The characters around the range are still read.
        assert!(!scan_text("Gọi ư0912345678ư", &[]).is_empty());
        assert!(!scan_text("Gọi Ͽ0912345678Ͽ", &[]).is_empty());
    }

    #[test]
    fn digit_values_of_every_script() {
        for (c, v) in [
            ('7', 7),
            ('٧', 7),
            ('۷', 7),
            ('७', 7),
            ('７', 7),
            ('𝟕', 7),
            ('²', 2),
            ('₃', 3),
        ] {
            assert_eq!(digit_value(c), Some(v), "{c}");
        }
        for c in ['a', 'Ⅻ', '½', ' '] {
            assert_eq!(digit_value(c), None, "{c}");
        }
    }

    #[test]
    fn output_formats_are_reduced_to_visible_text() {
        use super::output::scan_output;
        let hits = |rel: &str, s: &str| scan_output(rel, s.as_bytes(), &[]).len();
        assert_eq!(hits("a/index.html", "<p>091<b>234</b>5678</p>"), 1);
        assert_eq!(
            hits("a/index.html", "<a href=\"tel:0912345678\">gọi</a>"),
            1
        );
        assert_eq!(hits("a/index.html", "<p>&#48;912345678</p>"), 1);
        assert_eq!(hits("a/index.html", "<!-- 0912345678 -->"), 1);
        assert_eq!(hits("a/index.html", "<p>an&commat;example.com</p>"), 1);
        assert_eq!(
            hits(
                "a/index.html",
                "<ol><li>1</li><li>2</li><li>3</li><li>4</li><li>5</li><li>6</li><li>7</li><li>8</li><li>9</li></ol>"
            ),
            0
        );
        assert_eq!(
            hits(
                "c.svg",
                "<svg><path d=\"M123.456 789.012\"/><text>0912345678</text></svg>"
            ),
            1
        );
        assert_eq!(
            hits("c.svg", "<svg><path d=\"M123.456 789.012 L1 2\"/></svg>"),
            0
        );
        assert_eq!(
            hits(
                "d.csv",
                "STT,Họ tên,Số tiền\n1,Bà A,150000000\n12,Ông B,345678901\n"
            ),
            1
        );
        assert_eq!(hits("d.csv", "1,12345678\n"), 0);
        assert_eq!(
            hits("d.json", "[1,150000000,{\"a\":\"\\u0030912345678\"}]"),
            1
        );
        assert_eq!(
            hits(
                "d.json",
                "{\"sha256\":\"3f9a0b1c0912345678d4\",\"size\":1234}"
            ),
            0
        );
        assert_eq!(hits("e.ics", "DESCRIPTION:gọi 09123\r\n 45678\r\n"), 1);
        assert_eq!(hits("f.png", "0912345678"), 0);
        assert_eq!(hits("g.txt", "0912345678"), 1);
    }

    #[test]
    fn load_data_loses_private_columns() {
        let v = serde_json::json!({
            "headers": ["STT", "Họ và tên", "Số CCCD", "Điện thoại"],
            "records": [["1", "Bà A", "001085012345", "0912345678"]],
        });
        let s = strip_private(v);
        assert_eq!(s["headers"], serde_json::json!(["STT", "Họ và tên"]));
        assert_eq!(s["records"], serde_json::json!([["1", "Bà A"]]));
        let v = serde_json::json!({"people": [{"name": "A", "Ngày sinh": "1950"}]});
        assert_eq!(
            strip_private(v),
            serde_json::json!({"people": [{"name": "A"}]})
        );
    }

    proptest::proptest! {
        #[test]
        fn scanner_never_panics(s in "\\PC{0,80}") {
            let _ = scan_text(&s, &[]);
            let _ = scan_cell(&s, &["0912 345 678".to_string()], 2000);
            for rel in ["a.html", "a.json", "a.csv", "a.ics", "a.txt"] {
                let _ = output::scan_output(rel, s.as_bytes(), &[]);
            }
        }

        #[test]
        fn scanner_never_panics_on_digit_soup(s in "[0-9０-９٠-٩ .,/()+@a-fĐT\u{a0}\u{2009}-]{0,60}") {
            let _ = scan_text(&s, &[]);
            let _ = output::scan_output("a.html", s.as_bytes(), &[]);
        }
    }
}

#[cfg(test)]
mod skip_tests {
    use super::{
        SKIP, at_markers, digit_value, is_date_shape, is_date_shape_plain, read_run, runs,
        stop_mask,
    };
    use proptest::prelude::*;

    /// No character whose first byte the scanner skips is a digit of any script, and
    /// neither is any character of U+1E80–U+1EFF (E1 BA/BB, skipped by the second byte).
    #[test]
    fn skipped_lead_bytes_never_start_a_digit() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            let skipped = SKIP[lead as usize] || (0x1e80..=0x1eff).contains(&(c as u32));
            if skipped {
                assert_eq!(digit_value(c), None, "U+{:04X}", c as u32);
            }
        }
        assert!(!SKIP[b'0' as usize] && !SKIP[b'9' as usize] && SKIP[b'a' as usize]);
    }

    /// The runs found with the skip table are exactly those of a plain
    /// character-by-character walk.
    #[test]
    fn date_shape_agrees_with_the_plain_version() {
        let alphabet = [
            "1", "12", "123", "2026", "20261", "/", "-", ".", " ", "a", "ộ",
        ];
        let mut cases = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for c in &cases {
                for a in alphabet {
                    next.push(format!("{c}{a}"));
                }
            }
            cases.extend(next);
        }
        for c in &cases {
            assert_eq!(is_date_shape(c), is_date_shape_plain(c), "{c:?}");
        }
        assert!(is_date_shape("10/6/2026") && is_date_shape("2026-11-23"));
        assert!(!is_date_shape("10/6-2026") && !is_date_shape("10/6/2026/1"));
    }

    fn runs_slow(text: &str) -> Vec<(usize, usize, String, bool)> {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(c) = text[i..].chars().next() {
            if digit_value(c).is_some() {
                let (r, next) = read_run(text, i);
                if let Some(r) = r {
                    out.push((r.start, r.end, r.norm, r.plus));
                }
                i = next.max(i + 1);
                while !text.is_char_boundary(i) {
                    i += 1;
                }
            } else {
                i += c.len_utf8();
            }
        }
        out
    }

    /// The byte-by-byte matcher the substring searches replaced.
    fn at_markers_slow(text: &str) -> Vec<(usize, usize)> {
        let b = text.as_bytes();
        let mut out = Vec::new();
        for i in 0..b.len() {
            match b[i] {
                b'@' => out.push((i, i + 1)),
                0xef if b.get(i + 1..i + 3) == Some(&[0xbc, 0xa0][..]) => out.push((i, i + 3)),
                b'(' | b'[' | b'{' => {
                    if let Some(w) = b.get(i + 1..i + 4)
                        && w[..2].eq_ignore_ascii_case(b"at")
                        && matches!(w[2], b')' | b']' | b'}')
                    {
                        out.push((i, i + 4));
                    }
                }
                b'a' | b'A' if matches!(b.get(i + 1), Some(b' ' | b'-')) => {
                    for m in ["a còng", "A còng", "a-còng", "a cong"] {
                        if b[i..].starts_with(m.as_bytes())
                            && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'(')
                        {
                            out.push((i, i + m.len()));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The eight-lane stop mask agrees with the byte table for every byte in every lane,
    /// with every following byte.
    #[test]
    fn stop_mask_matches_the_byte_table() {
        let scalar =
            |b: u8, next: u8| !(SKIP[b as usize] || b == 0xe1 && matches!(next, 0xba | 0xbb));
        for lane in 0..8 {
            for b in 0..=255u8 {
                for next in 0..=255u8 {
                    let mut w = *b"abcdefgh";
                    w[lane] = b;
                    let after = if lane < 7 {
                        w[lane + 1] = next;
                        b'z'
                    } else {
                        next
                    };
                    let m = stop_mask(u64::from_le_bytes(w), after);
                    let got = m & (0x80 << (8 * lane)) != 0;
                    assert_eq!(
                        got,
                        scalar(b, next),
                        "lane {lane} byte {b:#x} next {next:#x}"
                    );
                    // Other lanes hold ASCII letters, or the following byte.
                    let others = m & !(0x80 << (8 * lane));
                    let want_next = lane < 7 && scalar(next, b'z');
                    assert_eq!(
                        others != 0,
                        want_next,
                        "lane {lane} byte {b:#x} next {next:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn at_markers_table() {
        for (text, want) in [
            ("x@y.vn", vec![(1, 2)]),
            ("x＠y", vec![(1, 4)]),
            ("x (AT) y [at} z {aT]", vec![(2, 6), (9, 13), (16, 20)]),
            ("a còng; (a cong) A-còng xa còng", vec![(0, 7), (10, 16)]),
            ("không có", vec![]),
        ] {
            assert_eq!(at_markers(text), want, "{text}");
            assert_eq!(at_markers_slow(text), want, "{text}");
        }
    }

    proptest! {
        #[test]
        fn at_markers_match_the_bytewise_matcher(
            s in "[aAtT@＠()\\[\\]{} còngx.-]{0,60}"
        ) {
            prop_assert_eq!(at_markers(&s), at_markers_slow(&s));
        }

        #[test]
        fn birth_marker_in_one_pass(s in "[sSiInNhHdDoObB \u{e0}x]{0,24}") {
            let w = s.as_bytes();
            let has = |k: &[u8]| w.windows(k.len()).any(|x| x.eq_ignore_ascii_case(k));
            let want = has(b"sinh") || has(b"sn") || has(b"ns") || has(b"dob");
            prop_assert_eq!(super::has_birth_marker(w), want);
        }

        #[test]
        fn skip_table_finds_the_same_runs(
            s in "[0-9０-９٠-٩၀-၉០-៩ .,/()+Đđàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹabcdhnt²³①\u{a0}\u{2009}\u{300}-]{0,80}"
        ) {
            let fast: Vec<_> = runs(&s).into_iter().map(|r| (r.start, r.end, r.norm, r.plus)).collect();
            prop_assert_eq!(fast, runs_slow(&s));
        }
    }
}
