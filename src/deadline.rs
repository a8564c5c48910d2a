//! Deadlines as Vietnamese plans write them: "Chậm nhất ngày 10/6/2026",
//! "Trước ngày 10/6/2026", "Từ ngày 12/6/2026 đến ngày 18/6/2026",
//! "Quý III, IV năm 2026 và hằng năm", "Thường xuyên", "Sau khi HĐND phường quyết định".
//!
//! [`parse_due`] recognises only whole phrases of known shapes; anything else is kept as
//! text ([`Due::Text`]) and never guessed. [`task_status`] gives the status of a task at
//! the build date.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::text::fold;

/// A parsed deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// "Chậm nhất ngày D", "D", "Trước ngày D" (`before`: the day itself is already late).
    By { date: NaiveDate, before: bool },
    /// "Từ ngày A đến ngày B", "Từ ngày A. Xong trước ngày B".
    Range {
        from: NaiveDate,
        to: NaiveDate,
        before: bool,
    },
    /// "Từ ngày A" with no end.
    From(NaiveDate),
    /// "Quý III, IV năm 2026" (quarters of one year); `recurring` with "và hằng năm".
    Quarters {
        year: i32,
        quarters: Vec<u32>,
        recurring: bool,
    },
    /// "Thường xuyên", "Từ quý III/2026 và thường xuyên" (`from` = start of that quarter).
    Ongoing { from: Option<NaiveDate> },
    /// A deadline that comes back: "12h00 thứ Năm hằng tuần", "Trước ngày 25/06 và
    /// 25/12 hằng năm".
    Recurring(Recurrence),
    /// "Sau khi …": depends on an event, not a date.
    After(String),
    /// Not recognised: shown as written.
    Text(String),
}

impl Due {
    /// First and last day the task may run, where known.
    pub fn window(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        match self {
            Due::By { date, before } => (None, Some(last_day(*date, *before))),
            Due::Range { from, to, before } => (Some(*from), Some(last_day(*to, *before))),
            Due::From(d) => (Some(*d), None),
            Due::Quarters { year, quarters, .. } => {
                let first = quarters.iter().min().copied().unwrap_or(1);
                let last = quarters.iter().max().copied().unwrap_or(4);
                (quarter_start(*year, first), quarter_end(*year, last))
            }
            Due::Ongoing { from } => (*from, None),
            Due::Recurring(_) | Due::After(_) | Due::Text(_) => (None, None),
        }
    }

    /// The next deadline day on or after `today` of a recurring deadline, else `None`.
    pub fn next(&self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            Due::Recurring(r) => r.next(today),
            _ => None,
        }
    }

    /// Machine name of the form, for templates and CSV.
    pub fn form(&self) -> &'static str {
        match self {
            Due::By { before: false, .. } => "by",
            Due::By { before: true, .. } => "before",
            Due::Range { .. } => "range",
            Due::From(_) => "from",
            Due::Quarters { .. } => "quarters",
            Due::Ongoing { .. } => "ongoing",
            Due::Recurring(Recurrence::Weekly { .. }) => "weekly",
            Due::Recurring(Recurrence::Yearly { .. }) => "yearly",
            Due::After(_) => "after",
            Due::Text(_) => "text",
        }
    }
}

/// When a recurring deadline comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recurrence {
    /// Every week on `weekday` (0 = Monday … 6 = Sunday), at `time` (hour, minute) if
    /// given; `before`: "trước 12h00" (the time itself is late).
    Weekly {
        weekday: u32,
        time: Option<(u32, u32)>,
        before: bool,
    },
    /// Every year on each (month, day); `before`: "trước ngày" (the day itself is late).
    Yearly { days: Vec<(u32, u32)>, before: bool },
}

impl Recurrence {
    /// The next deadline day on or after `today`.
    pub fn next(&self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            Recurrence::Weekly { weekday, .. } => {
                let now = today.weekday().num_days_from_monday();
                let ahead = (weekday + 7 - now) % 7;
                today.checked_add_days(chrono::Days::new(u64::from(ahead)))
            }
            Recurrence::Yearly { days, .. } => (0..=1)
                .flat_map(|k| {
                    days.iter()
                        .filter_map(move |(m, d)| NaiveDate::from_ymd_opt(today.year() + k, *m, *d))
                })
                .filter(|d| *d >= today)
                .min(),
        }
    }
}

const WEEKDAYS: [&str; 7] = [
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ nhật",
];

/// Folded weekday words ("thu nam", "thu 5", "chu nhat") → 0 = Monday … 6 = Sunday.
fn weekday(words: &[&str]) -> Option<(u32, usize)> {
    match words {
        ["chu", "nhat", ..] => Some((6, 2)),
        ["thu", w, ..] => {
            let n = match *w {
                "hai" | "2" => 0,
                "ba" | "3" => 1,
                "tu" | "4" => 2,
                "nam" | "5" => 3,
                "sau" | "6" => 4,
                "bay" | "7" => 5,
                _ => return None,
            };
            Some((n, 2))
        }
        _ => None,
    }
}

/// "12h00", "12h", "8h30", "12 gio", "12 gio 30" at the start of `words`: (hour, minute)
/// and the words used.
fn clock(words: &[&str]) -> Option<((u32, u32), usize)> {
    let first = words.first()?;
    let (h, m, used) = if let Some((h, m)) = first.split_once('h') {
        let m = if m.is_empty() { "0" } else { m };
        (h.parse().ok()?, m.parse().ok()?, 1)
    } else if words.get(1) == Some(&"gio") {
        let h = first.parse().ok()?;
        match words.get(2).and_then(|m| m.parse().ok()) {
            Some(m) => (h, m, 3),
            None => (h, 0, 2),
        }
    } else {
        return None;
    };
    (h < 24 && m < 60).then_some(((h, m), used))
}

/// "12h00 thứ Năm hằng tuần", "Trước 12h00' thứ Năm hàng tuần", "Thứ Sáu hằng tuần";
/// "Trước ngày 25/06 và 25/12 hằng năm", "25/6 hằng năm". Every word must be understood.
fn recurring(text: &str) -> Option<Due> {
    let folded = crate::text::fold_words(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let (body, yearly) = match words.as_slice() {
        [rest @ .., "hang", "tuan"] => (rest, false),
        [rest @ .., "hang", "nam"] => (rest, true),
        _ => return None,
    };
    let mut before = false;
    let mut i = 0;
    let mut wd = None;
    let mut time = None;
    let mut days = Vec::new();
    while i < body.len() {
        let rest = &body[i..];
        if rest[0] == "truoc" {
            before = true;
            i += 1;
        } else if rest.starts_with(&["cham", "nhat"]) {
            i += 2;
        } else if matches!(rest[0], "vao" | "luc" | "ngay" | "va" | "cac") {
            i += 1;
        } else if !yearly && let Some((n, used)) = weekday(rest) {
            if wd.replace(n).is_some() {
                return None;
            }
            i += used;
        } else if !yearly && let Some((t, used)) = clock(rest) {
            if time.replace(t).is_some() {
                return None;
            }
            i += used;
        } else if yearly
            && let [d, m, ..] = rest
            && let (Ok(d), Ok(m)) = (d.parse::<u32>(), m.parse::<u32>())
            && NaiveDate::from_ymd_opt(2024, m, d).is_some()
        {
            days.push((m, d));
            i += 2;
        } else {
            return None;
        }
    }
    if yearly {
        if days.is_empty() {
            return None;
        }
        days.sort_unstable();
        days.dedup();
        return Some(Due::Recurring(Recurrence::Yearly { days, before }));
    }
    Some(Due::Recurring(Recurrence::Weekly {
        weekday: wd?,
        time,
        before,
    }))
}

fn last_day(d: NaiveDate, before: bool) -> NaiveDate {
    if before { d.pred_opt().unwrap_or(d) } else { d }
}

fn quarter_start(year: i32, q: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, (q.clamp(1, 4) - 1) * 3 + 1, 1)
}

fn quarter_end(year: i32, q: u32) -> Option<NaiveDate> {
    let q = q.clamp(1, 4);
    if q == 4 {
        NaiveDate::from_ymd_opt(year, 12, 31)
    } else {
        quarter_start(year, q + 1).and_then(|d| d.pred_opt())
    }
}

/// A task's status at the build date (serialised `done`, `in_progress`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Has a completion date, or the status column says it is done.
    Done,
    /// Within its window, not done yet.
    InProgress,
    /// Past its last day, not done.
    Overdue,
    /// Runs continuously ("Thường xuyên", or recurring quarters past their year).
    Ongoing,
    /// Its window has not started.
    Upcoming,
    /// Waits for an event ("Sau khi …") or the deadline text is not a date.
    Pending,
}

impl TaskStatus {
    /// Every status, in the order pages and the CSV's allowed values list them.
    pub const ALL: [TaskStatus; 6] = [
        TaskStatus::Done,
        TaskStatus::InProgress,
        TaskStatus::Overdue,
        TaskStatus::Ongoing,
        TaskStatus::Upcoming,
        TaskStatus::Pending,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Done => "Đã hoàn thành",
            TaskStatus::InProgress => "Đang thực hiện",
            TaskStatus::Overdue => "Quá hạn",
            TaskStatus::Ongoing => "Thực hiện thường xuyên",
            TaskStatus::Upcoming => "Chưa đến thời gian",
            TaskStatus::Pending => "Chờ điều kiện thực hiện",
        }
    }
}

/// Status of a task at `today`: done when it has a completion date (or `done` is set),
/// otherwise from its deadline.
pub fn task_status(due: &Due, done: bool, today: NaiveDate) -> TaskStatus {
    if done {
        return TaskStatus::Done;
    }
    match due {
        Due::Ongoing { from } => match from {
            Some(f) if today < *f => TaskStatus::Upcoming,
            _ => TaskStatus::Ongoing,
        },
        Due::From(f) => {
            if today < *f {
                TaskStatus::Upcoming
            } else {
                TaskStatus::Ongoing
            }
        }
        Due::Quarters { recurring, .. } => {
            let (start, end) = due.window();
            match (start, end) {
                (Some(s), _) if today < s => TaskStatus::Upcoming,
                (_, Some(e)) if today > e && *recurring => TaskStatus::Ongoing,
                (_, Some(e)) if today > e => TaskStatus::Overdue,
                _ => TaskStatus::InProgress,
            }
        }
        Due::By { .. } | Due::Range { .. } => {
            let (start, end) = due.window();
            match (start, end) {
                (_, Some(e)) if today > e => TaskStatus::Overdue,
                (Some(s), _) if today < s => TaskStatus::Upcoming,
                _ => TaskStatus::InProgress,
            }
        }
        Due::Recurring(_) => TaskStatus::Ongoing,
        Due::After(_) | Due::Text(_) => TaskStatus::Pending,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Date(NaiveDate),
    Num(u32),
    Roman(u32),
    Comma,
    Stop,
}

fn roman(s: &str) -> Option<u32> {
    match s {
        "i" => Some(1),
        "ii" => Some(2),
        "iii" => Some(3),
        "iv" => Some(4),
        _ => None,
    }
}

/// "10/6/2026", "10-06-2026": day, month, four-digit year, a real date.
fn slash_date(s: &str) -> Option<Option<NaiveDate>> {
    let parts: Vec<&str> = s.split(['/', '-']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        || parts[0].len() > 2
        || parts[1].len() > 2
        || parts[2].len() != 4
    {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().ok();
    match (n(parts[0]), n(parts[1]), parts[2].parse::<i32>().ok()) {
        (Some(d), Some(m), Some(y)) => Some(NaiveDate::from_ymd_opt(y, m, d)),
        _ => Some(None),
    }
}

/// Tokens of the folded text; `None` when a date-looking token is not a real date.
fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let mut out = join_spelled_dates(&lex(&fold(text))?)?;
    while matches!(out.last(), Some(Tok::Stop) | Some(Tok::Comma)) {
        out.pop();
    }
    Some(out)
}

/// Words, numbers, roman numerals, slash dates and punctuation of the folded text.
fn lex(folded: &str) -> Option<Vec<Tok>> {
    let mut spaced = String::with_capacity(folded.len() + 8);
    for c in folded.chars() {
        match c {
            ',' | ';' => spaced.push_str(" , "),
            '.' | ':' => spaced.push_str(" . "),
            '(' | ')' | '"' | '\u{201c}' | '\u{201d}' => spaced.push(' '),
            c => spaced.push(c),
        }
    }
    let mut toks = Vec::new();
    for w in spaced.split_whitespace() {
        if w == "," {
            toks.push(Tok::Comma);
        } else if w == "." {
            toks.push(Tok::Stop);
        } else if let Some(d) = slash_date(w) {
            toks.push(Tok::Date(d?));
        } else if let Some((a, b)) = w.split_once('/')
            && let (Some(r), Ok(y)) = (roman(a), b.parse::<u32>())
            && b.len() == 4
        {
            // "III/2026"
            toks.push(Tok::Roman(r));
            toks.push(Tok::Word("nam".into()));
            toks.push(Tok::Num(y));
        } else if let Some(r) = roman(w) {
            toks.push(Tok::Roman(r));
        } else if w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 4 {
            toks.push(Tok::Num(w.parse().ok()?));
        } else {
            toks.push(Tok::Word(w.to_string()));
        }
    }
    Some(toks)
}

/// "ngày 10 tháng 6 năm 2026" → a date; the word "ngày" before a date is dropped. `None`
/// when a spelled-out date is not a real one.
fn join_spelled_dates(toks: &[Tok]) -> Option<Vec<Tok>> {
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let w = |k: usize, s: &str| matches!(toks.get(k), Some(Tok::Word(x)) if x == s);
        let num = |k: usize| match toks.get(k) {
            Some(Tok::Num(n)) => Some(*n),
            Some(Tok::Roman(_)) => None,
            _ => None,
        };
        if let (Some(d), true, Some(m), true, Some(y)) = (
            num(i),
            w(i + 1, "thang"),
            num(i + 2),
            w(i + 3, "nam"),
            num(i + 4),
        ) {
            out.push(Tok::Date(NaiveDate::from_ymd_opt(y as i32, m, d)?));
            i += 5;
            continue;
        }
        if w(i, "ngay") && matches!(toks.get(i + 1), Some(Tok::Date(_)) | Some(Tok::Num(_))) {
            i += 1;
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    Some(out)
}

fn words(toks: &[Tok], want: &[&str]) -> bool {
    toks.len() == want.len()
        && toks
            .iter()
            .zip(want)
            .all(|(t, w)| matches!(t, Tok::Word(x) if x == w))
}

/// Parse a deadline text. Unrecognised text is returned as [`Due::Text`], unchanged.
pub fn parse_due(text: &str) -> Due {
    let original = text.trim().to_string();
    if original.is_empty() {
        return Due::Text(original);
    }
    let Some(t) = tokenize(&original) else {
        // "12h00'" is not a token of the date forms; the recurring forms read words.
        return recurring(&original).unwrap_or(Due::Text(original));
    };
    let first_words: Vec<&str> = t
        .iter()
        .take(2)
        .map(|x| match x {
            Tok::Word(w) => w.as_str(),
            _ => "",
        })
        .collect();
    if first_words == ["sau", "khi"] && t.len() > 2 {
        return Due::After(original);
    }
    if words(&t, &["thuong", "xuyen"]) {
        return Due::Ongoing { from: None };
    }
    if let Some(due) = recurring(&original) {
        return due;
    }
    let parsed = match single_date(&t) {
        Some(due) => Some(due),
        // Once "Từ ngày A … ngày B" is recognised, the quarters forms cannot match.
        None => match date_range(&t) {
            Some(range) => range,
            None => quarters(&t),
        },
    };
    parsed.unwrap_or(Due::Text(original))
}

/// A single date with an optional lead-in: "Chậm nhất ngày D", "Trước ngày D", "Từ ngày D".
fn single_date(t: &[Tok]) -> Option<Due> {
    let Some(Tok::Date(d)) = t.last() else {
        return None;
    };
    let lead = &t[..t.len() - 1];
    if lead.iter().any(|x| matches!(x, Tok::Date(_))) {
        return None;
    }
    if lead.is_empty()
        || words(lead, &["cham", "nhat"])
        || words(lead, &["han", "chot"])
        || words(lead, &["den"])
        || words(lead, &["hoan", "thanh"])
    {
        Some(Due::By {
            date: *d,
            before: false,
        })
    } else if words(lead, &["truoc"]) || words(lead, &["hoan", "thanh", "truoc"]) {
        Some(Due::By {
            date: *d,
            before: true,
        })
    } else if words(lead, &["tu"]) {
        Some(Due::From(*d))
    } else {
        None
    }
}

/// "Từ ngày A đến ngày B", "Từ ngày A. Xong trước ngày B". `None` when the text does not
/// have that shape; `Some(None)` when it has the shape but the words between the dates
/// are unknown or A is after B (the text is then kept as written).
fn date_range(t: &[Tok]) -> Option<Option<Due>> {
    let (Some(Tok::Word(w0)), Some(Tok::Date(a)), Some(Tok::Date(b))) =
        (t.first(), t.get(1), t.last())
    else {
        return None;
    };
    if w0 != "tu" || t.len() < 4 {
        return None;
    }
    let mid: Vec<Tok> = t[2..t.len() - 1]
        .iter()
        .filter(|x| !matches!(x, Tok::Stop | Tok::Comma))
        .cloned()
        .collect();
    let before = if words(&mid, &["den"]) {
        Some(false)
    } else if words(&mid, &["xong", "truoc"]) || words(&mid, &["den", "truoc"]) {
        Some(true)
    } else if words(&mid, &["xong", "cham", "nhat"]) || words(&mid, &["hoan", "thanh"]) {
        Some(false)
    } else {
        None
    };
    Some(before.filter(|_| a <= b).map(|before| Due::Range {
        from: *a,
        to: *b,
        before,
    }))
}

/// Quarters: "[từ] quý III, IV năm 2026 [và hằng năm | và thường xuyên]".
fn quarters(t: &[Tok]) -> Option<Due> {
    let (from_q, rest) = match t.first() {
        Some(Tok::Word(w)) if w == "tu" => (true, &t[1..]),
        _ => (false, t),
    };
    if !matches!(rest.first(), Some(Tok::Word(w)) if w == "quy") {
        return None;
    }
    let (mut quarters, year, tail) = quarter_list(rest);
    let year = year?;
    if quarters.is_empty() {
        return None;
    }
    quarters.sort_unstable();
    quarters.dedup();
    if from_q {
        let ongoing = words(&tail, &["va", "thuong", "xuyen"]) || tail.is_empty();
        return ongoing.then(|| Due::Ongoing {
            from: quarters.first().and_then(|q| quarter_start(year, *q)),
        });
    }
    let recurring = if tail.is_empty() {
        false
    } else if words(&tail, &["va", "hang", "nam"]) || words(&tail, &["va", "thuong", "xuyen"]) {
        true
    } else {
        return None;
    };
    Some(Due::Quarters {
        year,
        quarters,
        recurring,
    })
}

/// After "quý": the quarters (roman or 1–4, separated by commas or "và"), the year after
/// "năm", and the remaining words (stops and commas dropped).
fn quarter_list(rest: &[Tok]) -> (Vec<u32>, Option<i32>, Vec<Tok>) {
    let mut i = 1;
    let mut quarters = Vec::new();
    while let Some(tok) = rest.get(i) {
        match tok {
            Tok::Roman(r) => quarters.push(*r),
            Tok::Num(n) if (1..=4).contains(n) => quarters.push(*n),
            Tok::Comma => {}
            Tok::Word(x) if x == "va" && matches!(rest.get(i + 1), Some(Tok::Roman(_))) => {}
            _ => break,
        }
        i += 1;
    }
    let year = match (rest.get(i), rest.get(i + 1)) {
        (Some(Tok::Word(n)), Some(Tok::Num(y))) if n == "nam" && *y >= 1900 => {
            i += 2;
            Some(*y as i32)
        }
        _ => None,
    };
    let tail: Vec<Tok> = rest[i.min(rest.len())..]
        .iter()
        .filter(|x| !matches!(x, Tok::Stop | Tok::Comma))
        .cloned()
        .collect();
    (quarters, year, tail)
}

/// A due text for people: the parsed dates in dd/mm/yyyy, or the text as written.
pub fn describe(due: &Due) -> String {
    use crate::format::date_short;
    match due {
        Due::By {
            date,
            before: false,
        } => format!("Chậm nhất {}", date_short(*date)),
        Due::By { date, before: true } => format!("Trước {}", date_short(*date)),
        Due::Range { from, to, before } => format!(
            "{} – {}{}",
            date_short(*from),
            if *before { "trước " } else { "" },
            date_short(*to)
        ),
        Due::From(d) => format!("Từ {}", date_short(*d)),
        Due::Quarters {
            year,
            quarters,
            recurring,
        } => {
            let names: Vec<&str> = quarters
                .iter()
                .map(|q| match q {
                    1 => "I",
                    2 => "II",
                    3 => "III",
                    _ => "IV",
                })
                .collect();
            format!(
                "Quý {} năm {}{}",
                names.join(", "),
                year,
                if *recurring { " và hằng năm" } else { "" }
            )
        }
        Due::Ongoing { from: None } => "Thường xuyên".into(),
        Due::Ongoing { from: Some(d) } => {
            format!("Thường xuyên, từ {}", date_short(*d))
        }
        Due::Recurring(Recurrence::Weekly {
            weekday,
            time,
            before,
        }) => format!(
            "{}{}{} hằng tuần",
            if *before { "Trước " } else { "" },
            time.map(|(h, m)| format!("{h:02}h{m:02} "))
                .unwrap_or_default(),
            {
                let w = WEEKDAYS[(*weekday as usize).min(6)];
                // "Thứ Năm" opens the text; after a time it reads "thứ Năm".
                if *before || time.is_some() {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_lowercase().chain(c).collect())
                        .unwrap_or_default()
                } else {
                    w.to_string()
                }
            }
        ),
        Due::Recurring(Recurrence::Yearly { days, before }) => format!(
            "{}{} hằng năm",
            if *before { "Trước ngày " } else { "Ngày " },
            days.iter()
                .map(|(m, d)| format!("{d:02}/{m:02}"))
                .collect::<Vec<_>>()
                .join(" và ")
        ),
        Due::After(s) | Due::Text(s) => s.clone(),
    }
}

/// ISO date helper for templates.
pub fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_every_form_of_seed_000() {
        let cases: Vec<(&str, Due)> = vec![
            (
                "Chậm nhất ngày 10/6/2026",
                Due::By {
                    date: d(2026, 6, 10),
                    before: false,
                },
            ),
            (
                "Trước ngày 10/6/2026",
                Due::By {
                    date: d(2026, 6, 10),
                    before: true,
                },
            ),
            (
                "19/6/2026",
                Due::By {
                    date: d(2026, 6, 19),
                    before: false,
                },
            ),
            (
                "chậm nhất ngày 10 tháng 6 năm 2026",
                Due::By {
                    date: d(2026, 6, 10),
                    before: false,
                },
            ),
            (
                "Từ ngày 12/6/2026 đến ngày 18/6/2026",
                Due::Range {
                    from: d(2026, 6, 12),
                    to: d(2026, 6, 18),
                    before: false,
                },
            ),
            (
                "Từ ngày 01/7/2026. Xong trước ngày 31/12/2026",
                Due::Range {
                    from: d(2026, 7, 1),
                    to: d(2026, 12, 31),
                    before: true,
                },
            ),
            (
                "Quý III, IV năm 2026 và hằng năm",
                Due::Quarters {
                    year: 2026,
                    quarters: vec![3, 4],
                    recurring: true,
                },
            ),
            (
                "Quý III năm 2026",
                Due::Quarters {
                    year: 2026,
                    quarters: vec![3],
                    recurring: false,
                },
            ),
            ("Thường xuyên", Due::Ongoing { from: None }),
            ("thuong xuyen", Due::Ongoing { from: None }),
            (
                "Từ quý III/2026 và thường xuyên",
                Due::Ongoing {
                    from: Some(d(2026, 7, 1)),
                },
            ),
            (
                "Sau khi HĐND phường Quyết định theo thẩm quyền",
                Due::After("Sau khi HĐND phường Quyết định theo thẩm quyền".into()),
            ),
            ("Từ ngày 01/7/2026", Due::From(d(2026, 7, 1))),
            (
                "Hoàn thành trước ngày 10/6/2026",
                Due::By {
                    date: d(2026, 6, 10),
                    before: true,
                },
            ),
            (
                "Hạn chót 10/6/2026",
                Due::By {
                    date: d(2026, 6, 10),
                    before: false,
                },
            ),
            (
                "Từ ngày 12/6/2026, đến trước ngày 18/6/2026",
                Due::Range {
                    from: d(2026, 6, 12),
                    to: d(2026, 6, 18),
                    before: true,
                },
            ),
            (
                "Quý 3, 4 năm 2026",
                Due::Quarters {
                    year: 2026,
                    quarters: vec![3, 4],
                    recurring: false,
                },
            ),
            (
                "Quý III và IV năm 2026",
                Due::Quarters {
                    year: 2026,
                    quarters: vec![3, 4],
                    recurring: false,
                },
            ),
            (
                "Từ quý III năm 2026",
                Due::Ongoing {
                    from: Some(d(2026, 7, 1)),
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_due(text), want, "{text}");
        }
    }

    #[test]
    fn tokens() {
        let word = |w: &str| Tok::Word(w.into());
        for (text, want) in [
            (
                "Chậm nhất ngày 10 tháng 6 năm 2026.",
                Some(vec![word("cham"), word("nhat"), Tok::Date(d(2026, 6, 10))]),
            ),
            (
                "Quý III/2026, IV",
                Some(vec![
                    word("quy"),
                    Tok::Roman(3),
                    word("nam"),
                    Tok::Num(2026),
                    Tok::Comma,
                    Tok::Roman(4),
                ]),
            ),
            ("(10/6/2026)", Some(vec![Tok::Date(d(2026, 6, 10))])),
            ("ngày 31/2/2026", None),
            ("30 tháng 2 năm 2026", None),
            (
                "ngày làm việc",
                Some(vec![word("ngay"), word("lam"), word("viec")]),
            ),
        ] {
            assert_eq!(tokenize(text), want, "{text}");
        }
    }

    #[test]
    fn nonsense_is_kept_as_text() {
        for text in [
            "",
            "Khi nào xong thì báo",
            "Khoảng 10/6/2026",
            "31/2/2026",
            "Chậm nhất ngày 32/6/2026",
            "Từ ngày 18/6/2026 đến ngày 12/6/2026",
            "Quý V năm 2026",
            "Quý III",
            "10/6",
            "Trước Tết",
            "Từ ngày 12/6/2026 hoặc 18/6/2026",
            "ngày 30 tháng 2 năm 2026",
            "Từ quý III năm 2026 và hằng năm",
            "Quý III năm 2026 hoặc sau đó",
            "Từ ngày 12/6/2026 tới ngày 18/6/2026",
        ] {
            assert_eq!(parse_due(text), Due::Text(text.trim().into()), "{text}");
        }
    }

    #[test]
    fn status_at_build_date() {
        let today = d(2026, 11, 23);
        let cases = [
            ("Chậm nhất ngày 23/11/2026", false, TaskStatus::InProgress),
            ("Chậm nhất ngày 22/11/2026", false, TaskStatus::Overdue),
            ("Trước ngày 24/11/2026", false, TaskStatus::InProgress),
            ("Trước ngày 23/11/2026", false, TaskStatus::Overdue),
            ("Chậm nhất ngày 22/11/2026", true, TaskStatus::Done),
            (
                "Từ ngày 24/11/2026 đến ngày 30/11/2026",
                false,
                TaskStatus::Upcoming,
            ),
            (
                "Từ ngày 20/11/2026 đến ngày 23/11/2026",
                false,
                TaskStatus::InProgress,
            ),
            ("Thường xuyên", false, TaskStatus::Ongoing),
            (
                "Quý III, IV năm 2026 và hằng năm",
                false,
                TaskStatus::InProgress,
            ),
            ("Quý III năm 2026", false, TaskStatus::Overdue),
            ("Quý II năm 2026 và hằng năm", false, TaskStatus::Ongoing),
            ("Sau khi HĐND quyết định", false, TaskStatus::Pending),
            ("không rõ", false, TaskStatus::Pending),
            ("Từ quý I/2027 và thường xuyên", false, TaskStatus::Upcoming),
        ];
        for (text, done, want) in cases {
            assert_eq!(task_status(&parse_due(text), done, today), want, "{text}");
        }
    }

    #[test]
    fn recurring_deadlines() {
        let weekly = |weekday, time, before| {
            Due::Recurring(Recurrence::Weekly {
                weekday,
                time,
                before,
            })
        };
        // (text, parsed, described)
        let cases: Vec<(&str, Due, &str)> = vec![
            (
                "12h00 thứ Năm hằng tuần",
                weekly(3, Some((12, 0)), false),
                "12h00 thứ Năm hằng tuần",
            ),
            (
                "trước 12h00' thứ Năm hàng tuần",
                weekly(3, Some((12, 0)), true),
                "Trước 12h00 thứ Năm hằng tuần",
            ),
            (
                "Thứ Sáu hằng tuần",
                weekly(4, None, false),
                "Thứ Sáu hằng tuần",
            ),
            (
                "vào 8 giờ 30 thứ 2 hằng tuần",
                weekly(0, Some((8, 30)), false),
                "08h30 thứ Hai hằng tuần",
            ),
            (
                "Chủ nhật hằng tuần",
                weekly(6, None, false),
                "Chủ nhật hằng tuần",
            ),
            (
                "Trước ngày 25/06 và 25/12 hằng năm",
                Due::Recurring(Recurrence::Yearly {
                    days: vec![(6, 25), (12, 25)],
                    before: true,
                }),
                "Trước ngày 25/06 và 25/12 hằng năm",
            ),
            (
                "25/6 hằng năm",
                Due::Recurring(Recurrence::Yearly {
                    days: vec![(6, 25)],
                    before: false,
                }),
                "Ngày 25/06 hằng năm",
            ),
        ];
        for (text, want, described) in cases {
            let got = parse_due(text);
            assert_eq!(got, want, "{text}");
            assert_eq!(describe(&got), described, "{text}");
            assert_eq!(
                task_status(&got, false, d(2026, 11, 23)),
                TaskStatus::Ongoing
            );
        }
        // Not recurring deadlines, or not understood: kept as they were.
        for text in [
            "thứ Năm và thứ Sáu hằng tuần",
            "25h00 thứ Năm hằng tuần",
            "hằng tuần",
            "31/02 hằng năm",
            "họp giao ban hằng tuần",
        ] {
            assert_eq!(parse_due(text), Due::Text(text.into()), "{text}");
        }
        assert!(matches!(
            parse_due("Quý III, IV năm 2026 và hằng năm"),
            Due::Quarters { .. }
        ));
        // The next deadline on or after the build date (23/11/2026 is a Monday).
        let thursday = parse_due("12h00 thứ Năm hằng tuần");
        assert_eq!(thursday.next(d(2026, 11, 23)), Some(d(2026, 11, 26)));
        assert_eq!(thursday.next(d(2026, 11, 26)), Some(d(2026, 11, 26)));
        let yearly = parse_due("Trước ngày 25/06 và 25/12 hằng năm");
        assert_eq!(yearly.next(d(2026, 11, 23)), Some(d(2026, 12, 25)));
        assert_eq!(yearly.next(d(2026, 12, 26)), Some(d(2027, 6, 25)));
        assert_eq!(
            parse_due("Chậm nhất ngày 10/6/2026").next(d(2026, 1, 1)),
            None
        );
    }
}
