//! Privacy by design for published lists (Law on Personal Data Protection 91/2025/QH15,
//! NĐ 356/2025; Law on Grassroots Democracy 10/2022/QH15 Art. 11 requires the lists).
//!
//! Two guards, both data-driven and tested:
//! - the **column policy**: headers that name personal identifiers or sensitive data
//!   ([`FORBIDDEN_HEADERS`]) can never be published; they must be declared `private` so
//!   the loader drops them before anything else sees them;
//! - the **scanner** ([`scan_text`]): every published text (cells, notes, Markdown) is
//!   checked for ID numbers, phone numbers, e-mail addresses and birth dates.

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

    pub const HINT: &'static str = "xóa thông tin cá nhân này khỏi nội dung công khai; nếu đó là số đường dây nóng của phường, thêm đúng giá trị đó vào allow_values trong bảng [privacy] của config.toml";
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

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn allowed(raw: &str, allow: &[String]) -> bool {
    let raw = raw.trim();
    let d = digits_of(raw);
    allow.iter().any(|a| {
        let a = a.trim();
        a == raw || (!d.is_empty() && digits_of(a) == d && a.chars().any(|c| c.is_ascii_digit()))
    })
}

/// Valid thousands grouping with one kind of separator (`.`, `,` or space) and a first
/// group not starting with 0: an amount of money, not an ID (CCCD numbers start with 0).
fn is_thousands(run: &str) -> bool {
    let seps: Vec<char> = run
        .chars()
        .filter(|c| matches!(c, '.' | ',' | ' '))
        .collect();
    let Some(&first) = seps.first() else {
        return false;
    };
    if run.contains('-') || seps.iter().any(|&c| c != first) || run.starts_with('0') {
        return false;
    }
    let groups: Vec<&str> = run.split(first).collect();
    (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3)
}

/// Classify one run of digits (with single separators between them).
fn classify_digits(run: &str) -> Option<FindingKind> {
    let d = digits_of(run);
    let plus = run.starts_with('+');
    if plus && d.starts_with("84") && (d.len() == 11 || d.len() == 12) {
        return Some(FindingKind::Phone);
    }
    if !plus && d.starts_with('0') && d.len() == 10 && !is_thousands(run) {
        return Some(FindingKind::Phone);
    }
    // Landline 02x + 8 digits.
    if !plus && d.starts_with("02") && d.len() == 11 && !is_thousands(run) {
        return Some(FindingKind::Phone);
    }
    if !plus && (d.len() == 9 || d.len() == 12) && !is_thousands(run) {
        return Some(FindingKind::IdNumber);
    }
    None
}

/// Scan a text for personal identifiers. `allow` holds exact values that may appear
/// (the ward's hotline), compared as written or by their digits.
pub fn scan_text(text: &str, allow: &[String]) -> Vec<Finding> {
    let mut out = Vec::new();
    scan_numbers(text, allow, &mut out);
    scan_emails(text, allow, &mut out);
    scan_birth_dates(text, allow, &mut out);
    out.sort_by_key(|f| f.start);
    out
}

fn scan_numbers(text: &str, allow: &[String], out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let starts_plus = b[i] == b'+' && i + 1 < n && b[i + 1].is_ascii_digit();
        if !(b[i].is_ascii_digit() || starts_plus) {
            i += 1;
            continue;
        }
        // Must not continue a word ("A1234…", hashes) or a date/number ("/2026").
        let prev_ok = i == 0 || {
            let p = b[i - 1];
            !(p.is_ascii_alphanumeric() || p == b'/' || p == b'_' || p == b'#')
        };
        let start = i;
        let mut j = if starts_plus { i + 1 } else { i };
        let mut end = j;
        while j < n {
            if b[j].is_ascii_digit() {
                j += 1;
                end = j;
            } else if matches!(b[j], b' ' | b'.' | b'-' | b',')
                && j + 1 < n
                && b[j + 1].is_ascii_digit()
            {
                j += 1;
            } else {
                break;
            }
        }
        let next_ok = end >= n || {
            let c = b[end];
            !(c.is_ascii_alphanumeric() || c == b'/' || c == b'_')
        };
        let run = &text[start..end];
        if prev_ok && next_ok {
            if let Some(kind) = classify_digits(run) {
                if !allowed(run, allow) {
                    out.push(Finding {
                        kind,
                        start,
                        masked: mask(run),
                    });
                }
            } else if run.contains(' ') {
                // "Số 1 0912 345 678": try the parts after each space too.
                let mut k = start;
                for part in run.split(' ') {
                    if let Some(kind) = classify_digits(part)
                        && !allowed(part, allow)
                    {
                        out.push(Finding {
                            kind,
                            start: k,
                            masked: mask(part),
                        });
                    }
                    k += part.len() + 1;
                }
            }
        }
        i = end.max(i + 1);
    }
}

fn scan_emails(text: &str, allow: &[String], out: &mut Vec<Finding>) {
    let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let is_dom = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    for (at, _) in text.match_indices('@') {
        let local_start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let dom_end = text[at + 1..]
            .char_indices()
            .take_while(|(_, c)| is_dom(*c))
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        let local = &text[local_start..at];
        let domain = text[at + 1..dom_end].trim_end_matches('.');
        if local.is_empty() || !domain.contains('.') || domain.starts_with('.') {
            continue;
        }
        let value = &text[local_start..at + 1 + domain.len()];
        if allowed(value, allow) {
            continue;
        }
        out.push(Finding {
            kind: FindingKind::Email,
            start: local_start,
            masked: mask(value),
        });
    }
}

/// Full dates (`dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`) within a few words after
/// "sinh" (ngày sinh, sinh ngày, SN) are birth dates.
fn scan_birth_dates(text: &str, allow: &[String], out: &mut Vec<Finding>) {
    for (start, date) in full_dates(text) {
        let before: String = text[..start]
            .chars()
            .rev()
            .take(24)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let f = fold_words(&before);
        let near_birth = f.split(' ').any(|w| w == "sinh" || w == "sn" || w == "dob");
        if near_birth && !allowed(date, allow) {
            out.push(Finding {
                kind: FindingKind::BirthDate,
                start,
                masked: mask(date),
            });
        }
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
        if date_year(date).is_some_and(|y| y < min_year)
            && !out.iter().any(|f| f.start == start)
            && !allowed(date, allow)
        {
            out.push(Finding {
                kind: FindingKind::BirthDate,
                start,
                masked: mask(date),
            });
        }
    }
    out
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
}
