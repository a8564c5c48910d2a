//! Issue 14, "the answers people come for": the home page built from the site's sections,
//! consultation verdicts, the list-wide name lookup, the wording of the theme, and the
//! coherence of the demo.

use crate::common::{APPROVAL, Site, texts};

const CONFIG: &str = r#"base_url = "https://phuong.example.vn"
title = "Cổng thử nghiệm"
theme = "congkhai"
[ward]
name = "Phường Thử Nghiệm"
province = "Tỉnh Mẫu"
[approval]
exempt = ["_index.md"]
"#;

fn warning(title: &str, date: &str, from: &str, until: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\nkind = \"warning\"\n[record]\nseverity = \"cảnh báo\"\npattern = \"Kẻ gian nhận làm hộ giấy tờ.\"\nsummary = \"Không đưa tiền cho người lạ.\"\nrecognise = [\"Đòi tiền\"]\nactions = [\"Báo công an phường\"]\nactive_from = {from}\nactive_until = {until}\n{APPROVAL}+++\n\nNội dung.\n"
    )
}

fn plain(title: &str, date: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n{APPROVAL}+++\n\nNội dung.\n")
}

/// The home page lists every menu section in menu order (weight) with its three newest
/// pages, and the active warnings first; a section the theme never heard of shows too.
#[test]
fn home_page_is_built_from_the_sites_sections() {
    let site = Site::new(CONFIG);
    site.write(
        "content/van-ban/_index.md",
        "+++\ntitle = \"Văn bản\"\nsort_by = \"date\"\nweight = 10\n+++\n",
    );
    for (i, d) in ["2026-01-05", "2026-03-01", "2026-02-10", "2026-04-20"]
        .iter()
        .enumerate()
    {
        site.write(
            &format!("content/van-ban/vb-{i}.md"),
            plain(&format!("Văn bản số {i}"), d),
        );
    }
    // A section no template names, sorted by weight, lighter than "Văn bản"'s neighbour.
    site.write(
        "content/lich-tiep-dan/_index.md",
        "+++\ntitle = \"Lịch tiếp dân mới\"\nsort_by = \"weight\"\nweight = 5\n+++\n",
    );
    site.write(
        "content/lich-tiep-dan/thang-7.md",
        plain("Lịch tiếp dân tháng 7", "2026-07-01"),
    );
    site.write(
        "content/canh-bao/_index.md",
        "+++\ntitle = \"Cảnh báo lừa đảo\"\nsort_by = \"date\"\nweight = 40\n+++\n",
    );
    site.write(
        "content/canh-bao/dang.md",
        warning(
            "Cảnh báo còn hiệu lực",
            "2026-06-01",
            "2026-06-01",
            "2026-12-31",
        ),
    );
    site.write(
        "content/canh-bao/het.md",
        warning("Cảnh báo đã hết", "2026-01-01", "2026-01-01", "2026-02-01"),
    );
    site.build_ok("2026-07-10");
    let home = site.html("public/index.html");
    let headings = texts(&home, "main section.latest h2");
    assert_eq!(
        headings,
        [
            "Cảnh báo đang hiệu lực",
            "Lịch tiếp dân mới",
            "Văn bản",
            "Cảnh báo lừa đảo"
        ],
        "active warnings, then the sections by weight"
    );
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let sections: Vec<_> = home.select(&sel("main section.latest")).collect();
    let titles = |i: usize| -> Vec<String> {
        sections[i]
            .select(&sel("a.item__title"))
            .map(|a| a.text().collect::<String>())
            .collect()
    };
    assert_eq!(
        titles(0),
        ["Cảnh báo còn hiệu lực"],
        "only the active warning"
    );
    assert_eq!(titles(1), ["Lịch tiếp dân tháng 7"]);
    assert_eq!(
        titles(2),
        ["Văn bản số 3", "Văn bản số 1", "Văn bản số 2"],
        "the three newest by date"
    );
    assert_eq!(titles(3), ["Cảnh báo còn hiệu lực", "Cảnh báo đã hết"]);
    let more: Vec<_> = sections[2]
        .select(&sel("p.more a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(more, ["https://phuong.example.vn/van-ban/"]);
}

/// The demo's home page shows the sections the old hard-coded list left out.
#[test]
fn demo_home_shows_merger_and_service_days() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let home = site.html("public/index.html");
    let headings = texts(&home, "main section.latest h2");
    for want in ["Sắp xếp tổ dân phố", "Lịch hỗ trợ thủ tục"] {
        assert!(
            headings.iter().any(|h| h == want),
            "{want} missing from {headings:?}"
        );
    }
}
