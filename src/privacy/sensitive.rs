//! Sensitive personal data in category names (Law 91/2025/QH15 on personal data
//! protection: health, disability, ethnicity, religion, criminal or addiction history).
//! A beneficiary category such as "Hộ có người mắc bệnh hiểm nghèo" says something
//! sensitive about every name listed under it, so lists publish such categories under a
//! neutral label unless the programme cites the legal basis for naming them.
//!
//! Detection is a word list matched on folded words (diacritics off, đ → d, any run of
//! punctuation or spacing is one space), after removing invisible characters
//! (zero-width spaces, soft hyphens), so "Khuyết\u{200b}tật", "khuyet-tat" and
//! "KHUYẾT  TẬT" are all found. Terms are matched as whole word sequences, and each
//! multi-word term also as its words glued together ("khuyettat").

use crate::text::fold_words;

/// Folded word sequences that make a category sensitive, with what they reveal
/// (Vietnamese, for messages).
pub const SENSITIVE_TERMS: &[(&str, &str)] = &[
    ("benh", "tình trạng sức khỏe"),
    ("hiem ngheo", "tình trạng sức khỏe"),
    ("om dau", "tình trạng sức khỏe"),
    ("om nang", "tình trạng sức khỏe"),
    ("suc khoe", "tình trạng sức khỏe"),
    ("ung thu", "tình trạng sức khỏe"),
    ("chay than", "tình trạng sức khỏe"),
    ("chan thuong", "tình trạng sức khỏe"),
    ("thuong tat", "tình trạng sức khỏe"),
    ("dieu tri", "tình trạng sức khỏe"),
    ("hiv", "tình trạng sức khỏe"),
    ("aids", "tình trạng sức khỏe"),
    ("tam than", "tình trạng sức khỏe"),
    ("chat doc", "tình trạng sức khỏe"),
    ("da cam", "tình trạng sức khỏe"),
    ("nghien", "tiền sử nghiện"),
    ("ma tuy", "tiền sử nghiện"),
    ("khuyet tat", "khuyết tật"),
    ("tan tat", "khuyết tật"),
    ("tat nguyen", "khuyết tật"),
    ("bai liet", "khuyết tật"),
    ("khiem thi", "khuyết tật"),
    ("khiem thinh", "khuyết tật"),
    ("dan toc", "dân tộc"),
    ("dtts", "dân tộc"),
    ("thieu so", "dân tộc"),
    ("ton giao", "tôn giáo"),
    ("tin do", "tôn giáo"),
    ("cong giao", "tôn giáo"),
    ("phat giao", "tôn giáo"),
    ("thien chua", "tôn giáo"),
    ("tin lanh", "tôn giáo"),
    ("hoi giao", "tôn giáo"),
    ("cao dai", "tôn giáo"),
    ("hoa hao", "tôn giáo"),
    ("chuc sac", "tôn giáo"),
];

/// The neutral label a sensitive category is published under when the programme sets
/// none.
pub const DEFAULT_NEUTRAL_LABEL: &str = "Diện hỗ trợ đặc thù";

/// Invisible characters that would otherwise split or hide a word.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

/// If `text` (a category, a label, a title) names sensitive personal data, what kind
/// (`tình trạng sức khỏe`, `khuyết tật`, `dân tộc`, `tôn giáo`, `tiền sử nghiện`).
pub fn sensitive_topic(text: &str) -> Option<&'static str> {
    let visible: String = text.chars().filter(|c| !is_invisible(*c)).collect();
    let folded = fold_words(&visible);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    SENSITIVE_TERMS.iter().find_map(|(term, what)| {
        let k: Vec<&str> = term.split(' ').collect();
        let glued = k.concat();
        let as_words = words
            .windows(k.len())
            .any(|w| w.iter().zip(&k).all(|(a, b)| a == b));
        let as_one = k.len() > 1 && words.contains(&glued.as_str());
        (as_words || as_one).then_some(*what)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics() {
        // (text, topic or None)
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Hộ có người mắc bệnh hiểm nghèo",
                Some("tình trạng sức khỏe"),
            ),
            (
                "HỘ CÓ NGƯỜI MẮC BỆNH HIỂM NGHÈO",
                Some("tình trạng sức khỏe"),
            ),
            (
                "Ho co nguoi mac benh hiem ngheo",
                Some("tình trạng sức khỏe"),
            ),
            (
                "Hộ có người\u{00a0}ốm  đau dài ngày",
                Some("tình trạng sức khỏe"),
            ),
            ("Người khuyết tật", Some("khuyết tật")),
            ("Người khuy\u{200b}ết tật", Some("khuyết tật")),
            ("Người khuyết\u{200b}tật", Some("khuyết tật")),
            ("nguoi khuyet-tat nang", Some("khuyết tật")),
            ("Người khuyếttật", Some("khuyết tật")),
            ("Đồng bào dân tộc thiểu số", Some("dân tộc")),
            ("Hộ đồng bào DTTS thiểu số", Some("dân tộc")),
            ("Chức sắc tôn giáo", Some("tôn giáo")),
            ("Người nhiễm HIV", Some("tình trạng sức khỏe")),
            ("Người cai nghiện ma túy", Some("tiền sử nghiện")),
            ("Nạn nhân chất độc da cam", Some("tình trạng sức khỏe")),
            ("Người rối loạn tâm thần", Some("tình trạng sức khỏe")),
            // Not sensitive.
            ("Hộ nghèo", None),
            ("Hộ cận nghèo", None),
            ("Hộ thoát cận nghèo", None),
            ("Người cao tuổi cô đơn", None),
            ("Trẻ em mồ côi", None),
            ("Tổ dân phố Tam Thanh", None),
            ("Diện hỗ trợ đặc thù", None),
            ("Diện hỗ trợ 2", None),
            ("Hỗ trợ đóng bảo hiểm y tế", None),
        ];
        for (text, want) in cases {
            assert_eq!(sensitive_topic(text), *want, "{text}");
        }
    }
}
