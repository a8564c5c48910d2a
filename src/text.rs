//! Vietnamese text rules: normalisation, folding for search and matching, slugs.
//!
//! Staff files arrive in NFC, NFD (macOS, some Word exports) or with old-style tone
//! placement ("hoà" vs "hòa"). Everything is normalised to NFC on input; comparisons
//! that must ignore diacritics use [`fold`], which the browser-side search script
//! reproduces exactly (see `tests/fixtures/fold_golden.tsv`).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFC form of `s`. Cheap when the text is already NFC.
pub fn nfc(s: &str) -> String {
    nfc_cow(s).into_owned()
}

/// NFC form of borrowed text: borrowed again when it is already NFC (the usual case).
/// Speed (10,000-page benchmark, docs/benchmarks.md): the quick check avoids a copy of
/// every text the build reads.
pub fn nfc_cow(s: &str) -> std::borrow::Cow<'_, str> {
    if is_nfc(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.nfc().collect())
    }
}

/// NFC form of an owned string, without copying when it is already NFC.
pub fn into_nfc(s: String) -> String {
    if is_nfc(&s) { s } else { s.nfc().collect() }
}

/// Whether `s` is certainly NFC. Every character below U+0300 and every precomposed
/// Vietnamese letter (U+1EA0–U+1EF9) is NFC-stable whatever surrounds it, so text made
/// of those (all of a Vietnamese page in NFC) is answered in one pass over the bytes;
/// anything else goes to the Unicode quick check.
fn is_nfc(s: &str) -> bool {
    simple_nfc(s.as_bytes())
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
}

/// The fast path of [`is_nfc`] on the bytes of valid UTF-8. Only a lead byte of CC or
/// above starts a character at or above U+0300 (C2–CB lead U+0080–U+02FF, continuation
/// bytes are 80–BF), and of those only E1 BA A0–E1 BB B9 (U+1EA0–U+1EF9) is accepted.
/// Anything else answers "not sure" (false).
///
/// Vietnamese has an E1 letter in most words, so the bytes are judged sixteen at a time
/// without branches (each with the two after it), which the compiler turns into vector
/// compares: measured 16 times faster than a byte loop on the benchmark corpus.
fn simple_nfc(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(w) = b.get(i..i + 18) {
        let mut bad = 0u8;
        for j in 0..16 {
            let (x, next, after) = (w[j], w[j + 1], w[j + 2]);
            let other_wide = (x >= 0xcc) & (x != 0xe1);
            let vietnamese =
                ((next == 0xba) & (after >= 0xa0)) | ((next == 0xbb) & (after <= 0xb9));
            bad |= u8::from(other_wide | ((x == 0xe1) & !vietnamese));
        }
        if bad != 0 {
            return false;
        }
        i += 16;
    }
    // The last few bytes (and short texts) one at a time. `i` may fall on the
    // continuation bytes of a letter judged above; those are below CC and skipped.
    while i < b.len() {
        if b[i] < 0xcc {
            i += 1;
        } else if b[i] == 0xe1
            && matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0xba), Some(0xa0..=0xbf)) | (Some(0xbb), Some(0x80..=0xb9))
            )
        {
            i += 3;
        } else {
            return false;
        }
    }
    true
}

/// The number of words in `s`, exactly `s.split_whitespace().count()`, without decoding
/// characters.
///
/// Speed (100,000-page benchmark: word counts were 5.7 % of the build's CPU, ~2.8× less
/// this way): eight bytes at a time when none of them can belong to a non-ASCII space,
/// else one byte at a time. The non-ASCII spaces (U+0085, U+00A0, U+1680, U+2000–U+200A,
/// U+2028, U+2029, U+202F, U+205F, U+3000) are the only ones that start with 0xC2, 0xE2
/// or 0xE3, or hold 0x9A after 0xE1; Vietnamese letters with a tone mark mostly start
/// with 0xE1 (U+1EA0–U+1EFF), so 0xE1 alone does not leave the fast way. Continuation
/// bytes are never spaces: they only continue the character their lead byte began.
pub fn word_count(s: &str) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `x` that equals `v` (exact: no carry between bytes).
    let eq = |x: u64, v: u8| {
        let t = x ^ (ONES * u64::from(v));
        !(((t & !HIGH) + !HIGH) | t) & HIGH
    };
    let b = s.as_bytes();
    let (mut words, mut in_word, mut i) = (0, false, 0);
    while i < b.len() {
        if let Some(Ok(chunk)) = b.get(i..i + 8).map(<[u8; 8]>::try_from) {
            let x = u64::from_le_bytes(chunk);
            let maybe = eq(x, 0xc2) | eq(x, 0xe2) | eq(x, 0xe3) | eq(x, 0x9a);
            // A 0xE1 last may begin U+1680 in the next eight bytes.
            if maybe == 0 && chunk[7] != 0xe1 {
                // ASCII spaces: ' ' and U+0009–U+000D.
                let low = x & !HIGH;
                let from_tab = (low | HIGH).wrapping_sub(ONES * 0x09) & HIGH;
                let to_cr = ((ONES * 0x0d) | HIGH).wrapping_sub(low) & HIGH;
                let space = (eq(x, b' ') | (from_tab & to_cr)) & !x & HIGH;
                // A word starts at each byte that is no space after one that is.
                let before = (space << 8) | if in_word { 0 } else { 0x80 };
                words += (!space & HIGH & before).count_ones() as usize;
                in_word = space >> 63 == 0;
                i += 8;
                continue;
            }
        }
        let space = match b[i] {
            b' ' | b'\t'..=b'\r' => true,
            0xc2 | 0xe1 | 0xe2 | 0xe3 => match space_len(b, i) {
                0 => false,
                n => {
                    i += n - 1;
                    true
                }
            },
            _ => false,
        };
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
        i += 1;
    }
    words
}

/// The length in bytes of the non-ASCII space that starts at `b[i]`, or 0.
fn space_len(b: &[u8], i: usize) -> usize {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let space = match at(i) {
        // U+0085, U+00A0
        0xc2 => {
            return if matches!(at(i + 1), 0x85 | 0xa0) {
                2
            } else {
                0
            };
        }
        // U+1680
        0xe1 => at(i + 1) == 0x9a && at(i + 2) == 0x80,
        // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
        0xe2 => match (at(i + 1), at(i + 2)) {
            (0x80, c) => matches!(c, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf),
            (0x81, c) => c == 0x9f,
            _ => false,
        },
        // U+3000
        0xe3 => at(i + 1) == 0x80 && at(i + 2) == 0x80,
        _ => false,
    };
    if space { 3 } else { 0 }
}

/// Fold for search and matching: NFD, drop combining marks, đ/Đ → d, lower case.
/// "Đống Đa" → "dong da"; "hộ nghèo" → "ho ngheo".
pub fn fold(s: &str) -> String {
    // Speed (126-commune benchmark, docs/benchmarks.md): ASCII and the precomposed
    // Latin letters Vietnamese uses are folded one char at a time from a table made by
    // the general rule below; any other character sends the whole text down that rule.
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(f) = folded_letter(c) {
            out.push(f);
        } else {
            return fold_general(s);
        }
    }
    out
}

/// Blocks of precomposed Latin letters: Latin-1 Supplement to Latin Extended-B
/// (U+00C0–U+024F) and Latin Extended Additional (U+1E00–U+1EFF), where every
/// Vietnamese letter with a tone or vowel mark lives.
const LATIN_BLOCKS: [(u32, u32); 2] = [(0x00c0, 0x024f), (0x1e00, 0x1eff)];

/// `fold` of the single letter `c` from [`LATIN_BLOCKS`], when it is one char; the
/// table is made once by [`fold_general`], so both paths agree by construction.
fn folded_letter(c: char) -> Option<char> {
    static TABLE: std::sync::LazyLock<Vec<Vec<Option<char>>>> = std::sync::LazyLock::new(|| {
        LATIN_BLOCKS
            .iter()
            .map(|&(lo, hi)| {
                (lo..=hi)
                    .map(|u| {
                        let c = char::from_u32(u)?;
                        let f = fold_general(c.encode_utf8(&mut [0; 4]));
                        let mut it = f.chars();
                        match (it.next(), it.next()) {
                            (Some(one), None) => Some(one),
                            _ => None,
                        }
                    })
                    .collect()
            })
            .collect()
    });
    let u = c as u32;
    LATIN_BLOCKS
        .iter()
        .zip(TABLE.iter())
        .find(|((lo, hi), _)| (*lo..=*hi).contains(&u))
        .and_then(|((lo, _), t)| t.get((u - lo) as usize).copied().flatten())
}

/// The general rule of [`fold`], for any text.
fn fold_general(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Fold and squeeze every run of non-alphanumeric characters to one space; used to
/// compare header names and person names ("Họ  và tên:" = "ho va ten").
pub fn fold_words(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Canonical tone placement for comparing names: "hoà" and "hòa" give the same key,
/// while "hoa" (no tone) stays different. The key is the NFC text with each syllable's
/// tone mark moved to a fixed position (after the base letters), lower-cased.
pub fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // One buffer for all syllables: lists of 100,000 names go through here.
    let mut base = String::new();
    for (i, syllable) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if syllable.is_ascii() {
            out.extend(syllable.chars().map(|c| c.to_ascii_lowercase()));
            continue;
        }
        let mut tone: Option<char> = None;
        base.clear();
        for c in syllable.nfd() {
            if is_tone_mark(c) {
                tone = Some(c);
            } else {
                base.extend(c.to_lowercase());
            }
        }
        out.extend(base.nfc());
        if let Some(t) = tone {
            out.push(t);
        }
    }
    out
}

/// The five Vietnamese tone marks as combining characters (grave, acute, hook above,
/// tilde, dot below). Vowel-shape marks (circumflex, breve, horn) are not tones.
fn is_tone_mark(c: char) -> bool {
    matches!(c, '\u{300}' | '\u{301}' | '\u{309}' | '\u{303}' | '\u{323}')
}

/// URL slug: "Đề án sắp xếp tổ dân phố" → "de-an-sap-xep-to-dan-pho".
/// Only a–z, 0–9 and single hyphens; never empty for non-empty alphanumeric input.
// Hand-written: no crate in the tree slugs Vietnamese as the portal's URLs need
// (đ → d, tones dropped through `fold`); the `slug` crate Zola uses is not in the tree.
pub fn slugify(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    let mut pending_dash = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Zola's `[slugify]` strategies: `on` slugifies (congkhai's Vietnamese-aware
/// [`slugify`]), `safe` only removes what a file name or URL cannot hold, `off` keeps
/// the text as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlugStrategy {
    #[default]
    On,
    Safe,
    Off,
}

/// A path part (page slug, taxonomy, term) under `strategy`, as Zola's `slugify_paths`.
pub fn slugify_path(s: &str, strategy: SlugStrategy) -> String {
    match strategy {
        SlugStrategy::On => slugify(s),
        SlugStrategy::Safe => s
            .trim_end_matches([' ', '.'])
            .chars()
            .filter(|c| !r#"<>:"/\|?*"#.contains(*c))
            .collect(),
        SlugStrategy::Off => s.to_string(),
    }
}

/// A heading id under `strategy`, as Zola's `slugify_anchors`: `safe` and `off` only
/// turn ASCII white space into `_`.
pub fn slugify_anchor(s: &str, strategy: SlugStrategy) -> String {
    match strategy {
        SlugStrategy::On => slugify(s),
        SlugStrategy::Safe | SlugStrategy::Off => s.replace(|c: char| c.is_ascii_whitespace(), "_"),
    }
}

/// Escape text for HTML element content and attribute values.
// Hand-written: the five characters Tera's autoescape replaces, byte for byte the same,
// so rows written here and rows rendered by templates are identical.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// "did you mean" suggestion: the candidate closest to `input` by edit distance on
/// folded text, if close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let target = fold(input);
    let len = target.chars().count();
    let max = 2.max(len / 3);
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let folded = fold(cand);
        // The distance is at least the difference in length: skipping those keeps a
        // huge input (a cell, a file name) from costing its length times every candidate.
        if folded.chars().count().abs_diff(len) > max {
            continue;
        }
        let d = strsim::levenshtein(&target, &folded);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.filter(|(d, _)| *d <= 2.max(target.chars().count() / 3))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table path of [`fold`] gives what the general rule gives: for every char of
    /// the table blocks alone, after ASCII and after each other, and for text that
    /// leaves the table (decomposed marks, other scripts) part way through.
    #[test]
    fn fold_table_path_agrees_with_the_general_rule() {
        let letters: Vec<char> = LATIN_BLOCKS
            .iter()
            .flat_map(|&(lo, hi)| lo..=hi)
            .filter_map(char::from_u32)
            .collect();
        let mut table_hits = 0;
        for (i, &c) in letters.iter().enumerate() {
            table_hits += usize::from(folded_letter(c).is_some());
            let next = letters[(i * 7 + 3) % letters.len()];
            for s in [
                c.to_string(),
                format!("Ab{c}z"),
                format!("{c}{next}"),
                format!("{c}\u{301}x"),
                format!("x{c}Ω"),
            ] {
                assert_eq!(fold(&s), fold_general(&s), "{s:?}");
            }
        }
        // Every Vietnamese letter takes the table path.
        for c in "ắằẳẵặăấầẩẫậâáàảãạđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ".chars()
        {
            assert!(folded_letter(c).is_some(), "{c}");
            assert!(
                folded_letter(c.to_uppercase().next().unwrap_or(c)).is_some(),
                "{c}"
            );
        }
        assert!(table_hits > 400, "{table_hits}");
        assert_eq!(fold("Đống Đa HỘ NGHÈO"), "dong da ho ngheo");
        assert_eq!(fold("ho\u{0323} nghe\u{0300}o"), "ho ngheo");
    }

    /// The fast path of [`is_nfc`] rests on every character it accepts being NFC-stable;
    /// check that against the Unicode data for each of them.
    #[test]
    fn nfc_fast_path_characters_are_stable() {
        let fast = (0u32..0x300)
            .chain(0x1ea0..=0x1ef9)
            .filter_map(char::from_u32);
        for c in fast {
            assert_eq!(
                unicode_normalization::is_nfc_quick(std::iter::once(c)),
                unicode_normalization::IsNormalized::Yes,
                "U+{:04X}",
                c as u32
            );
        }
        // The byte scan accepts exactly those characters, anywhere in the text: alone,
        // between words, and at every offset around its sixteen-byte blocks.
        for c in (0u32..=0x10ffff).filter_map(char::from_u32) {
            let fast = (c as u32) < 0x300 || (0x1ea0..=0x1ef9).contains(&(c as u32));
            assert_eq!(
                simple_nfc(c.to_string().as_bytes()),
                fast,
                "U+{:04X}",
                c as u32
            );
            assert_eq!(
                simple_nfc(format!("Thôn {c} số 12345678").as_bytes()),
                fast,
                "U+{:04X} in text",
                c as u32
            );
        }
        for c in [
            'ệ', 'ơ', 'Ỹ', '\u{1e9f}', '\u{1efa}', '\u{300}', 'Ω', '中', '😀',
        ] {
            let fast = (c as u32) < 0x300 || (0x1ea0..=0x1ef9).contains(&(c as u32));
            for before in 0..40 {
                for after in [0, 1, 2, 15, 16, 17] {
                    let text = format!("{}{c}{}", "a".repeat(before), "ư".repeat(after));
                    assert_eq!(simple_nfc(text.as_bytes()), fast, "{text:?}");
                }
            }
        }
        for (text, want) in [
            ("Hòa An, phường", true),
            ("Ho\u{300}a", false), // NFD: combining grave
            ("Ω", true),           // U+03A9 goes to the quick check
            ("\u{2126}", false),   // OHM SIGN, not NFC
        ] {
            assert_eq!(is_nfc(text), want, "{text:?}");
            assert_eq!(nfc(text) == text, want, "{text:?}");
        }
    }

    #[test]
    fn word_count_is_split_whitespace_count() {
        // Every character, alone and between words, then ordinary text.
        for c in (0u32..=0x10ffff).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("hộ{c}nghèo {c}"), format!("{c}{c}a")] {
                assert_eq!(
                    word_count(&text),
                    text.split_whitespace().count(),
                    "U+{:04X} in {text:?}",
                    c as u32
                );
            }
        }
        // Every character at every offset of the eight-byte steps, between words and
        // spaces of each kind (a space split across two steps, a lead byte last).
        let tricky = [
            "a", " ", "hộ", "\u{a0}", "\u{1680}", "\u{1681}", "\u{2009}", "\u{3000}", "\u{3001}",
            "Ú", "ẚ", "\n", "“", "x\u{85}",
        ];
        for pad in 0..9 {
            for a in tricky {
                for b in tricky {
                    for c in tricky {
                        let text = format!("{}{a}{b}{c}{a}", "y".repeat(pad));
                        assert_eq!(
                            word_count(&text),
                            text.split_whitespace().count(),
                            "{text:?}"
                        );
                    }
                }
            }
        }
        for text in [
            "",
            "   ",
            "Hộ nghèo,  cận nghèo\tvà\u{a0}gia đình\u{3000}chính sách\n",
            "Tổ dân phố số 8\u{2003}có 151 hộ",
        ] {
            assert_eq!(
                word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn nfc_cow_borrows_text_already_in_nfc() {
        assert!(matches!(
            nfc_cow("Hòa An"),
            std::borrow::Cow::Borrowed("Hòa An")
        ));
        let nfd = "Ho\u{300}a An";
        assert!(matches!(nfc_cow(nfd), std::borrow::Cow::Owned(ref s) if s == "Hòa An"));
    }

    #[test]
    fn fold_table() {
        for (input, want) in [
            ("hộ nghèo", "ho ngheo"),
            ("Đống Đa", "dong da"),
            ("đường", "duong"),
            ("NGƯỜI CAO TUỔI", "nguoi cao tuoi"),
            ("Hòa", "hoa"),
            ("Hoà", "hoa"),
            ("", ""),
        ] {
            assert_eq!(fold(input), want, "fold({input:?})");
        }
    }

    #[test]
    fn fold_handles_nfd_input() {
        let nfd: String = "Tổ dân phố".nfd().collect();
        assert_eq!(fold(&nfd), "to dan pho");
        assert_eq!(nfc(&nfd), "Tổ dân phố");
    }

    #[test]
    fn slug_table() {
        for (input, want) in [
            ("Đề án sắp xếp tổ dân phố", "de-an-sap-xep-to-dan-pho"),
            ("Kế hoạch số 40/KH-UBND", "ke-hoach-so-40-kh-ubnd"),
            ("  --Ủy ban  nhân dân--  ", "uy-ban-nhan-dan"),
            ("!!!", ""),
        ] {
            assert_eq!(slugify(input), want, "slugify({input:?})");
        }
    }

    #[test]
    fn name_key_ignores_tone_placement_only() {
        assert_eq!(name_key("Nguyễn Thị Hoà"), name_key("nguyễn thị hòa"));
        assert_ne!(name_key("Hoà"), name_key("Hoa"));
        assert_ne!(name_key("Hoà"), name_key("Hóa"));
    }

    #[test]
    fn fold_words_squeezes_punctuation() {
        assert_eq!(fold_words("Họ  và tên:"), "ho va ten");
        assert_eq!(fold_words("Số tiền (VNĐ)"), "so tien vnd");
    }

    #[test]
    fn did_you_mean_finds_typos() {
        let keys = ["title", "description", "date", "template"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("descripton", keys), Some("description"));
        assert_eq!(did_you_mean("zzzzzzzz", keys), None);
    }
}
