//! View: the typed `page.record` of a warning page and of its A4 poster.

use serde::Serialize;

use super::check::Activity;
use super::load::{OfficialLink, WarningRecord};
use crate::config::Config;
use crate::kinds::PosterChecksum;

pub(super) const POSTER_TEMPLATE: &str = "kinds/warning_poster.html";

/// `page.record` of a warning page (`kinds/warning.html`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WarningView {
    /// CSS key of the severity: `thong-tin`, `canh-bao` or `khan-cap`.
    pub severity: String,
    /// Severity for citizens: `Thông tin`, `Cảnh báo` or `Khẩn cấp`.
    pub severity_label: String,
    /// Severity as a number, 1 (information) to 3 (urgent).
    pub severity_rank: u8,
    /// How the scam works.
    pub pattern: String,
    /// One sentence, also the banner's text.
    pub summary: String,
    /// Signs to recognise the scam, one short line each.
    pub recognise: Vec<String>,
    /// What to do, one short line each.
    pub actions: Vec<String>,
    /// Whom to call: the ward's police first, then `[links] scam_contacts`.
    pub contacts: Vec<Contact>,
    /// First day of the warning, ISO `2026-06-10`.
    pub active_from: String,
    /// Last day of the warning, ISO `2026-06-30`, or null (until further notice).
    pub active_until: Option<String>,
    /// At the build date: `not-yet`, `active` or `ended`.
    pub state: String,
    /// The state for citizens, on the page and in the warnings list: `Chưa có hiệu lực`,
    /// `Đang hiệu lực` or `Đã hết hiệu lực`.
    pub state_label: String,
    /// When ended: the first day it is no longer in force (the day after `active_until`),
    /// ISO `2026-07-01`; null otherwise.
    pub ended_on: Option<String>,
    /// `[[record.links]]`, all on official domains.
    pub links: Vec<LinkView>,
    /// Absolute URL of the printable poster, `…/in/`.
    pub poster_url: String,
    /// Absolute URL of the site's page on recognising scams, `/canh-bao/cach-nhan-biet/`,
    /// when the site has it (`content/canh-bao/cach-nhan-biet.md`).
    pub official_page: Option<String>,
}

/// A number to call.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Contact {
    /// Who answers, `Công an phường Hòa An`.
    pub label: String,
    /// The number as configured, `0236 3 123 456`.
    pub number: String,
    /// The number for a `tel:` link: digits and `+` only, `02363123456`.
    pub tel: String,
}

/// A link to an official page.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkView {
    /// Link text.
    pub title: String,
    /// https URL on one of `[links] official_domains`.
    pub url: String,
}

/// `page.record` of the warning's A4 poster (`kinds/warning_poster.html`): the warning's
/// fields plus these.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WarningPosterView {
    /// The warning itself (its fields sit at the top level of `page.record`).
    #[serde(flatten)]
    pub warning: WarningView,
    /// QR code of the warning page's URL, inline `<svg>`.
    pub qr_svg: String,
    /// The URL the QR code holds (the warning page).
    pub qr_url: String,
    /// The warning page's title.
    pub title: String,
    /// SHA-256 of the warning page's source file, the hash the manifest
    /// (`cong-khai/manifest.json`) records for the page.
    pub checksum: PosterChecksum,
}

/// The warning page's record.
pub(super) fn warning_view(
    w: &WarningRecord,
    links: &[OfficialLink],
    state: Activity,
    poster_path: &str,
    config: &Config,
    has_official_page: bool,
) -> WarningView {
    WarningView {
        severity: w.severity.key.to_string(),
        severity_label: w.severity.label.to_string(),
        severity_rank: w.severity.rank,
        pattern: w.pattern.clone(),
        summary: w.summary.clone(),
        recognise: w.recognise.clone(),
        actions: w.actions.clone(),
        contacts: contacts(config),
        active_from: w.active_from.format("%Y-%m-%d").to_string(),
        active_until: w.active_until.map(|u| u.format("%Y-%m-%d").to_string()),
        state: state.key().to_string(),
        state_label: state.label().to_string(),
        ended_on: (state == Activity::Ended)
            .then(|| w.active_until.and_then(|u| u.succ_opt()))
            .flatten()
            .map(|d| d.format("%Y-%m-%d").to_string()),
        links: links
            .iter()
            .map(|l| LinkView {
                title: l.title.clone(),
                url: l.url.clone(),
            })
            .collect(),
        poster_url: config.permalink(poster_path),
        official_page: has_official_page.then(|| config.permalink("/canh-bao/cach-nhan-biet/")),
    }
}

/// The ward's police first (when configured), then the configured numbers.
fn contacts(config: &Config) -> Vec<Contact> {
    let mut out = Vec::new();
    if let Some(w) = &config.ward
        && !w.hotline_police.trim().is_empty()
    {
        out.push(Contact {
            label: format!("Công an {}", lower_first(&w.name)),
            number: w.hotline_police.clone(),
            tel: tel(&w.hotline_police),
        });
    }
    for c in &config.links.scam_contacts {
        out.push(Contact {
            label: c.label.clone(),
            number: c.number.clone(),
            tel: tel(&c.number),
        });
    }
    out
}

/// "Phường Hòa An" → "phường Hòa An".
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Digits and `+` of a phone number, for `tel:` links.
fn tel(n: &str) -> String {
    n.chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_for_tel_links() {
        for (number, want) in [
            ("0236 3 123 456", "02363123456"),
            ("+84 (236) 123-456", "+84236123456"),
            ("113", "113"),
            ("gọi ngay", ""),
        ] {
            assert_eq!(tel(number), want, "{number}");
        }
    }

    #[test]
    fn first_letter_lowered() {
        for (s, want) in [
            ("Phường Hòa An", "phường Hòa An"),
            ("Đà Nẵng", "đà Nẵng"),
            ("", ""),
        ] {
            assert_eq!(lower_first(s), want, "{s}");
        }
    }
}
