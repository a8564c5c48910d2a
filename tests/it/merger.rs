//! Residential-group reorganisation: merger plan, consultation results, timeline.
//! Builds the real binary on a small fixture site and checks the numbers in the HTML
//! and CSV against the input files.
use crate::common;
use common::*;

const NOW: &str = "2026-11-23";

/// Rows of a fixture CSV (header skipped), split naively (fixtures quote only members).
fn csv_rows(site: &Site, rel: &str) -> Vec<Vec<String>> {
    let text = site.read(rel);
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.expect("csv").iter().map(str::to_string).collect())
        .collect()
}

fn vi_number(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// "52,4 %" as `texts` shows it (the no-break space squeezed to a space).
fn vi_pct(a: u64, b: u64) -> String {
    let tenths = (a as f64 * 1000.0 / b as f64).round() as u64;
    format!("{},{} %", tenths / 10, tenths % 10)
}

fn replace(site: &Site, rel: &str, from: &str, to: &str) {
    let s = site.read(rel);
    assert!(s.contains(from), "{rel} should contain {from:?}");
    site.write(rel, s.replace(from, to));
}

#[test]
fn plan_page_shows_computed_households_and_subpages() {
    let site = Site::fixture("merger");
    site.build_ok(NOW);
    let groups = csv_rows(&site, "data/sx/groups.csv");
    let households = |code: &str| -> u64 {
        groups
            .iter()
            .find(|r| r[0] == code)
            .map(|r| r[2].parse().unwrap())
            .unwrap()
    };
    let doc = site.html("public/sx/phuong-an/index.html");
    let summary = texts(&doc, ".merger-summary__big").join(" ");
    assert!(summary.contains("5 tổ dân phố"), "{summary}");
    assert!(summary.contains("3 tổ dân phố"), "{summary}");
    for (code, members, slug) in [
        ("N1", &["G1", "G2"][..], "to-mot-hai"),
        ("N2", &["G3", "G4"][..], "to-ba-bon"),
        ("N3", &["G5"][..], "to-nam"),
    ] {
        let want: u64 = members.iter().map(|m| households(m)).sum();
        let cell = texts(&doc, &format!("tr[data-code=\"{code}\"] td.households"));
        assert_eq!(cell, vec![vi_number(want)], "{code}");
        let sub = site.html(&format!("public/sx/phuong-an/{slug}/index.html"));
        let shown = texts(&sub, "dd.households");
        assert_eq!(shown, vec![format!("{} hộ", vi_number(want))], "{slug}");
    }
    // The special case and its reason.
    let sub = site.html("public/sx/phuong-an/to-nam/index.html");
    let special = texts(&sub, "dd.special").join(" ");
    assert!(special.contains("Có"), "{special}");
    assert!(special.contains("Khu dân cư biệt lập"), "{special}");
    // The failing group is shown on its new group's page.
    let sub = site.html("public/sx/phuong-an/to-mot-hai/index.html");
    let result = texts(&sub, ".result-line").join(" ");
    assert!(
        result.contains("Không đạt") && result.contains("G2"),
        "{result}"
    );

    // CSV downloads, with the computed households.
    let csv = site.read("public/sx/phuong-an/phuong-an-sap-xep.csv");
    assert!(csv.starts_with('\u{feff}'), "BOM for Excel");
    assert!(csv.contains("N1,Tổ Một Hai,\"G1, G2\",1200,"), "{csv}");
    assert!(site.exists("public/sx/phuong-an/to-dan-pho-hien-nay.csv"));
    assert!(site.exists("public/sx/phuong-an/phuong-an-sap-xep.json"));
}

#[test]
fn consultation_numbers_match_input_and_boundary_is_strict() {
    let site = Site::fixture("merger");
    let out = site.build_ok(NOW);
    // Turnout below 70 % is a warning, not an error.
    let err = stderr(&out);
    assert!(err.contains("G4") && err.contains("70,0"), "{err}");

    let doc = site.html("public/sx/ket-qua/index.html");
    let rows = csv_rows(&site, "data/sx/results.csv");
    let mut total = [0u64; 7];
    for r in &rows {
        let n: Vec<u64> = r[1..].iter().map(|x| x.parse().unwrap()).collect();
        for (t, v) in total.iter_mut().zip(&n) {
            *t += v;
        }
        let sel = |c: &str| texts(&doc, &format!("tr[data-code=\"{}\"] td.{c}", r[0]));
        assert_eq!(sel("c-households"), vec![vi_number(n[0])]);
        assert_eq!(sel("c-issued"), vec![vi_number(n[1])]);
        assert_eq!(
            sel("c-agree"),
            vec![format!("{} {}", vi_number(n[3]), vi_pct(n[3], n[0]))]
        );
        assert_eq!(
            sel("c-disagree"),
            vec![format!("{} {}", vi_number(n[4]), vi_pct(n[4], n[0]))]
        );
    }
    // 501 / 1000 = 50,1 % passes; 100 / 200 = 50,0 % exactly fails.
    let result = |code: &str| texts(&doc, &format!("tr[data-code=\"{code}\"] td.c-result"));
    assert_eq!(result("G1"), vec!["✓ Đạt"]);
    assert!(texts(&doc, "tr[data-code=\"G1\"] td.c-agree")[0].contains("50,1 %"));
    assert_eq!(result("G2"), vec!["✗ Không đạt"]);
    assert!(texts(&doc, "tr[data-code=\"G2\"] td.c-agree")[0].contains("50,0 %"));
    // Plan-wide totals.
    let totals = texts(&doc, "tr.totals td.c-agree");
    assert_eq!(
        totals,
        vec![format!(
            "{} {}",
            vi_number(total[3]),
            vi_pct(total[3], total[0])
        )]
    );
    // The headline names the new group that failed, its failed member and the rest.
    let overall = texts(&doc, ".verdict__headline").join(" ");
    assert_eq!(
        overall,
        "✗ Tổ Một Hai (ghép Tổ số 1 và Tổ số 2) không đạt: Tổ số 2 có 50,0 % số hộ đồng ý, chưa vượt 50,0 % tổng số hộ; các tổ còn lại đạt."
    );
    assert_eq!(
        texts(&doc, ".verdict__list li"),
        [
            "✗ Không đạt Tổ Một Hai (ghép G1, G2)",
            "✓ Đạt Tổ Ba Bốn (ghép G3, G4)"
        ]
    );
    // The CSV carries the same wording.
    let csv = site.read("public/sx/ket-qua/ket-qua-lay-y-kien.csv");
    assert!(
        csv.contains(",Không đạt\r\n") || csv.contains(",Không đạt\n"),
        "{csv}"
    );
    assert!(!csv.contains(",không đạt"), "{csv}");
    // Accessible static chart, no script.
    let html = site.read("public/sx/ket-qua/index.html");
    assert!(html.contains("role=\"img\""));
    assert!(texts(&doc, "svg title")[0].contains("Biểu đồ"));
    assert!(!texts(&doc, "svg desc")[0].is_empty());
    // No JavaScript for the content: the script elements are the page's schema.org
    // JSON-LD (data) and the print button's (the button stays hidden without it).
    let scripts = scraper::Selector::parse("script").unwrap();
    for s in doc.select(&scripts) {
        assert!(
            s.value().attr("type") == Some("application/ld+json")
                || s.value()
                    .attr("src")
                    .is_some_and(|src| src.ends_with("/js/in-trang.js")),
            "no JavaScript"
        );
    }
    // The response to comments (page body).
    assert!(html.contains("Đã tiếp thu ý kiến về tên tổ"));
    // CSV of results with computed percentages.
    let csv = site.read("public/sx/ket-qua/ket-qua-lay-y-kien.csv");
    assert!(
        csv.contains("G2,Tổ số 2,N1,200,200,190,100,80,5,5,\"50,0\""),
        "{csv}"
    );
}

#[test]
fn timeline_status_at_build_date() {
    let site = Site::fixture("merger");
    site.build_ok(NOW);
    let doc = site.html("public/sx/tien-do/index.html");
    let statuses: Vec<String> = {
        let sel = scraper::Selector::parse("tr.task").unwrap();
        doc.select(&sel)
            .map(|e| e.value().attr("data-status").unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        statuses,
        vec![
            "ongoing",
            "done",
            "overdue",
            "in_progress",
            "pending",
            "overdue",
            "pending"
        ]
    );
    // Unparseable text is shown as written.
    let due = texts(&doc, "tr.task td.due");
    assert_eq!(due[6], "Khi nào rảnh");
    assert!(texts(&doc, ".notice--overdue")[0].contains("2 công việc quá hạn"));
    // Same build a day earlier than task 3's deadline: not overdue.
    let site = Site::fixture("merger");
    site.build_ok("2026-06-23");
    let doc = site.html("public/sx/tien-do/index.html");
    let sel = scraper::Selector::parse("tr.task").unwrap();
    let third = doc.select(&sel).nth(2).unwrap();
    assert_eq!(third.value().attr("data-status"), Some("in_progress"));
    assert!(site.exists("public/sx/tien-do/tien-do-thuc-hien.csv"));
}

/// Build once, break one input, and check: exit 1, the file and row in the message,
/// the expected words, and the previous site untouched.
fn assert_rejected(edit: impl Fn(&Site), wants: &[&str]) {
    let site = Site::fixture("merger");
    site.build_ok(NOW);
    let before = site.read("public/sx/phuong-an/index.html");
    edit(&site);
    let err = site.build_err(NOW);
    for w in wants {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
    assert_eq!(
        site.read("public/sx/phuong-an/index.html"),
        before,
        "previous public/ untouched"
    );
}

#[test]
fn group_left_out_of_plan_is_an_error() {
    assert_rejected(
        |s| replace(s, "data/sx/plan.csv", "\"G1, G2\"", "G1"),
        &["G2", "không thuộc tổ nào sau sắp xếp", "data/sx/plan.csv"],
    );
}

#[test]
fn group_in_two_new_groups_is_an_error() {
    assert_rejected(
        |s| replace(s, "data/sx/plan.csv", "G3 và G4", "G3 và G4 và G2"),
        &["data/sx/plan.csv:3", "G2", "đã thuộc tổ mới"],
    );
}

#[test]
fn unknown_member_code_is_an_error() {
    assert_rejected(
        |s| replace(s, "data/sx/plan.csv", "G3 và G4", "G3 và G4 và G9"),
        &["data/sx/plan.csv:3", "G9", "không có trong bảng"],
    );
}

#[test]
fn small_group_without_special_case_is_an_error() {
    assert_rejected(
        |s| replace(s, "data/sx/plan.csv", "G5,có,", "G5,,"),
        &[
            "data/sx/plan.csv:4",
            "200 hộ",
            "300 hộ",
            "Nghị định 185/2026",
        ],
    );
}

#[test]
fn special_case_without_justification_is_an_error() {
    assert_rejected(
        |s| {
            replace(
                s,
                "data/sx/plan.csv",
                "Khu dân cư biệt lập bên kia sông",
                "",
            )
        },
        &["data/sx/plan.csv:4", "chưa ghi lý do"],
    );
}

#[test]
fn deputy_heads_999_vs_1000_households() {
    // 999 households (G3 500 + G4 499) with two deputies: refused.
    assert_rejected(
        |s| {
            replace(
                s,
                "data/sx/plan.csv",
                "G3 và G4,,,Tổ trưởng; Phó Tổ trưởng;",
                "G3 và G4,,,Tổ trưởng; Phó Tổ trưởng x2;",
            )
        },
        &["data/sx/plan.csv:3", "999 hộ", "tối đa 1 Phó Tổ trưởng"],
    );
    // 1.000 households with two deputies: accepted.
    let site = Site::fixture("merger");
    replace(
        &site,
        "data/sx/plan.csv",
        "G3 và G4,,,Tổ trưởng; Phó Tổ trưởng;",
        "G3 và G4,,,Tổ trưởng; Phó Tổ trưởng x2;",
    );
    replace(
        &site,
        "data/sx/groups.csv",
        "G4,Tổ số 4,499",
        "G4,Tổ số 4,500",
    );
    replace(&site, "data/sx/results.csv", "G4,499,499", "G4,500,499");
    site.build_ok(NOW);
    let doc = site.html("public/sx/phuong-an/index.html");
    assert_eq!(
        texts(&doc, "tr[data-code=\"N2\"] td.households"),
        vec!["1.000"]
    );
}

#[test]
fn too_many_part_time_posts_is_an_error() {
    assert_rejected(
        |s| {
            replace(
                s,
                "data/sx/plan.csv",
                "Phó Tổ trưởng x2; Công an viên",
                "Phó Tổ trưởng x2; Công an viên x3",
            )
        },
        &["data/sx/plan.csv:2", "6 người", "tối đa 5"],
    );
}

#[test]
fn ballot_arithmetic_is_checked() {
    assert_rejected(
        |s| {
            replace(
                s,
                "data/sx/results.csv",
                "G3,500,500,450,400",
                "G3,500,500,450,401",
            )
        },
        &["data/sx/results.csv:4", "451", "450"],
    );
    assert_rejected(
        |s| replace(s, "data/sx/results.csv", "G3,500,500,", "G3,500,501,"),
        &["data/sx/results.csv:4", "phát ra 501", "số hộ 500"],
    );
    assert_rejected(
        |s| {
            replace(
                s,
                "data/sx/results.csv",
                "G3,500,500,450,400",
                "G3,500,500,450,-1",
            )
        },
        &["data/sx/results.csv:4", "âm"],
    );
}

#[test]
fn consultation_cross_checks_groups_and_plan() {
    // Households differ from today's table.
    assert_rejected(
        |s| replace(s, "data/sx/results.csv", "G2,200,200", "G2,201,200"),
        &["data/sx/results.csv:3", "201 hộ", "200 hộ"],
    );
    // A merging group without a result.
    assert_rejected(
        |s| replace(s, "data/sx/results.csv", "G4,499,499,300,260,30,5,5\n", ""),
        &["G4", "chưa có kết quả lấy ý kiến"],
    );
}

#[test]
fn consultation_period_minimum() {
    assert_rejected(
        |s| {
            replace(
                s,
                "content/sx/ket-qua.md",
                "end = 2026-06-18",
                "end = 2026-06-17",
            )
        },
        &["content/sx/ket-qua.md", "6 ngày", "7 ngày"],
    );
}

#[test]
fn demo_shows_done_overdue_and_ongoing() {
    let site = Site::demo();
    site.build_ok(NOW);
    let doc = site.html("public/sap-xep-to-dan-pho/tien-do/index.html");
    let sel = scraper::Selector::parse("tr.task").unwrap();
    let statuses: Vec<&str> = doc
        .select(&sel)
        .filter_map(|e| e.value().attr("data-status"))
        .collect();
    assert_eq!(statuses.len(), 12);
    for s in ["done", "overdue", "ongoing", "in_progress"] {
        assert!(statuses.contains(&s), "{s} in {statuses:?}");
    }
    let plan = site.html("public/sap-xep-to-dan-pho/phuong-an/index.html");
    let big = texts(&plan, ".merger-summary__big").join(" ");
    assert!(
        big.contains("30 tổ dân phố") && big.contains("15 tổ dân phố"),
        "{big}"
    );
    let res = site.html("public/sap-xep-to-dan-pho/ket-qua-lay-y-kien/index.html");
    assert_eq!(texts(&res, "tr.row--fail").len(), 1);
    // The demo's invented boundaries: every one of the 30 groups is drawn.
    assert_eq!(texts(&plan, "svg.geo-map path.geo-map__area").len(), 30);
    assert_eq!(texts(&plan, "ul.geo-map__legend > li").len(), 15);
}

// ---------------------------------------------------------------------------------
// Boundary map (GeoJSON)
// ---------------------------------------------------------------------------------

const GEOJSON: &str = "data/sx/ranh-gioi.geojson";

/// Point the fixture's plan at its GeoJSON (4 of the 5 groups).
fn with_boundaries(site: &Site) {
    replace(
        site,
        "content/sx/phuong-an.md",
        "results = \"data/sx/results.csv\"\n",
        "results = \"data/sx/results.csv\"\nboundaries = \"sx/ranh-gioi.geojson\"\n",
    );
}

fn attr_values(doc: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

#[test]
fn boundaries_draw_an_accessible_map() {
    let site = Site::fixture("merger");
    with_boundaries(&site);
    let out = site.build_ok(NOW);
    // G5 has no boundary: a warning naming the file and the group, not an error.
    let err = stderr(&out);
    assert!(
        err.contains(GEOJSON) && err.contains("G5") && err.contains("thiếu"),
        "{err}"
    );

    let doc = site.html("public/sx/phuong-an/index.html");
    let svg = "svg.geo-map[role=\"img\"]";
    let labelled = attr_values(&doc, svg, "aria-labelledby");
    assert_eq!(labelled, vec!["ban-do-title ban-do-desc".to_string()]);
    assert_eq!(texts(&doc, &format!("{svg} > title")).len(), 1);
    let desc = texts(&doc, &format!("{svg} > desc")).join(" ");
    for want in [
        "Tổ Một Hai (N1) gồm: G1, G2.",
        "Tổ Ba Bốn (N2) gồm: G3, G4.",
        "Chưa có ranh giới của: G5.",
    ] {
        assert!(desc.contains(want), "{want} in {desc}");
    }
    // One path per feature, each with its group and new group.
    let codes = attr_values(&doc, "svg.geo-map path.geo-map__area", "data-code");
    assert_eq!(codes, ["G1", "G2", "G3", "G4"]);
    let news = attr_values(&doc, "svg.geo-map path.geo-map__area", "data-new");
    assert_eq!(news, ["N1", "N1", "N2", "N2"]);
    let mut labels = texts(&doc, "svg.geo-map text.geo-map__label");
    labels.sort();
    assert_eq!(labels, ["G1", "G2", "G3", "G4"]);
    // The legend lists the new groups of the plan, in order.
    let legend = attr_values(&doc, "ul.geo-map__legend > li", "data-code");
    assert_eq!(legend, ["N1", "N2", "N3"]);
    let items = texts(&doc, "ul.geo-map__legend > li");
    assert!(
        items[0].contains("Tổ Một Hai (N1)") && items[0].ends_with("G1, G2"),
        "{items:?}"
    );
    assert!(items[2].ends_with("G5 (chưa có ranh giới)"), "{items:?}");
    // No script, no external request.
    let html = site.read("public/sx/phuong-an/index.html");
    let start = html.find("geo-map").unwrap();
    let end = start + html[start..].find("</svg>").unwrap();
    let svg_text = &html[start..end];
    assert!(!svg_text.contains("<script") && !svg_text.contains("href"));

    // Each new group's page highlights that group.
    let sub = site.html("public/sx/phuong-an/to-mot-hai/index.html");
    let fills = attr_values(&sub, "svg.geo-map path.geo-map__area", "fill");
    assert_eq!(fills.len(), 4);
    assert_eq!(fills[0], fills[1], "G1 and G2 form N1");
    assert_ne!(fills[0], fills[2], "N2 is greyed out");
    assert_eq!(
        attr_values(&sub, "ul.geo-map__legend > li", "data-code"),
        ["N1"]
    );

    // Byte-identical between builds.
    site.build_ok(NOW);
    assert_eq!(site.read("public/sx/phuong-an/index.html"), html);
}

#[test]
fn without_boundaries_there_is_no_map() {
    let site = Site::fixture("merger");
    site.build_ok(NOW);
    for page in [
        "public/sx/phuong-an/index.html",
        "public/sx/phuong-an/to-mot-hai/index.html",
    ] {
        let doc = site.html(page);
        assert!(texts(&doc, "svg.geo-map").is_empty(), "{page}");
        assert!(texts(&doc, ".geo-map__legend").is_empty(), "{page}");
        assert!(!site.read(page).contains("Bản đồ"), "{page}");
    }
}

#[test]
fn unknown_code_in_boundaries_is_an_error() {
    assert_rejected(
        |s| {
            with_boundaries(s);
            replace(s, GEOJSON, "\"G4\"", "\"G44\"");
        },
        &[
            GEOJSON,
            "features[3].properties.code",
            "G44",
            "không có trong bảng",
            "có phải là “G4”",
        ],
    );
}

#[test]
fn projected_coordinates_are_an_error() {
    assert_rejected(
        |s| {
            with_boundaries(s);
            replace(
                s,
                GEOJSON,
                "[106.685,20.845],[106.69,20.845]",
                "[585012.5,2306500.1],[585512.5,2306500.1]",
            );
        },
        &[GEOJSON, "features[3].geometry", "WGS 84", "EPSG:4326"],
    );
}

#[test]
fn invalid_geojson_is_an_error_with_line_and_column() {
    assert_rejected(
        |s| {
            with_boundaries(s);
            replace(s, GEOJSON, "\"code\":\"G3\"}", "\"code\":\"G3\",}");
        },
        &[&format!("{GEOJSON}:4:"), "GeoJSON không hợp lệ"],
    );
}

#[test]
fn boundaries_path_cannot_leave_the_site() {
    assert_rejected(
        |s| {
            replace(
                s,
                "content/sx/phuong-an.md",
                "results = \"data/sx/results.csv\"\n",
                "results = \"data/sx/results.csv\"\nboundaries = \"../../../etc/passwd\"\n",
            )
        },
        &["nằm ngoài thư mục trang"],
    );
}

/// The fixture with a split group (ghép một phần, seed 000): G6 (450 households) gives
/// 120 households to N2 and keeps the other 330 as N4. `plan_extra` is appended to the
/// plan's header row and each row (the optional typed-households column).
fn split_fixture(n2_typed: &str) -> Site {
    let site = Site::fixture("merger");
    let groups = site.read("data/sx/groups.csv");
    site.write(
        "data/sx/groups.csv",
        format!("{groups}G6,Tổ số 6,450,TDP,\n"),
    );
    site.write(
        "data/sx/plan.csv",
        format!(
            "Mã tổ mới,Tên tổ mới,Các tổ hiện nay,Trường hợp đặc thù,Lý do,Chức danh,Số hộ sau sắp xếp\n\
             N1,Tổ Một Hai,\"G1, G2\",,,Tổ trưởng; Phó Tổ trưởng x2; Công an viên,1200\n\
             N2,Tổ Ba Bốn,\"G3 và G4, G6 (một phần: 120 hộ)\",,,Tổ trưởng; Phó Tổ trưởng; Công an viên,{n2_typed}\n\
             N3,Tổ Năm,G5,có,Khu dân cư biệt lập bên kia sông,Tổ trưởng; Phó Tổ trưởng,\n\
             N4,Tổ Sáu,G6,,,Tổ trưởng; Phó Tổ trưởng,330\n"
        ),
    );
    let results = site.read("data/sx/results.csv");
    site.write(
        "data/sx/results.csv",
        format!("{results}G6,120,120,110,100,5,3,2\n"),
    );
    site
}

#[test]
fn part_of_a_group_moves_to_another() {
    let site = split_fixture("1119");
    site.build_ok(NOW);
    let doc = site.html("public/sx/phuong-an/index.html");
    // N2 = G3 500 + G4 499 + 120 moved from G6; N4 = the 330 left of G6's 450.
    assert_eq!(
        texts(&doc, "tr[data-code=\"N2\"] td.households"),
        vec!["1.119"]
    );
    assert_eq!(
        texts(&doc, "tr[data-code=\"N4\"] td.households"),
        vec!["330"]
    );
    let sel = scraper::Selector::parse("tr[data-code=\"N2\"] li.member-part").unwrap();
    let part: Vec<_> = doc.select(&sel).collect();
    assert_eq!(part.len(), 1);
    assert_eq!(part[0].value().attr("data-member"), Some("G6"));
    assert_eq!(part[0].value().attr("data-part"), Some("120"));
    let text = part[0].text().collect::<String>();
    assert!(
        text.contains("một phần") && text.contains("120 trong 450 hộ"),
        "{text}"
    );
    let rest = texts(&doc, "tr[data-code=\"N4\"] li.member-part").join(" ");
    assert!(
        rest.contains("phần còn lại") && rest.contains("330 trong 450 hộ"),
        "{rest}"
    );
    // The new group's page counts the part, not the whole group.
    let sub = site.html("public/sx/phuong-an/to-ba-bon/index.html");
    assert_eq!(texts(&sub, "dd.households"), vec!["1.119 hộ"]);
    assert_eq!(
        texts(&sub, "tr.member-part[data-member=\"G6\"] td.num")
            .first()
            .cloned(),
        Some("120".to_string())
    );

    // CSV of the plan: members with the part, computed households.
    let plan = site.read("public/sx/phuong-an/phuong-an-sap-xep.csv");
    let mut r =
        csv::ReaderBuilder::new().from_reader(plan.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let row = |code: &str| rows.iter().find(|x| &x[0] == code).unwrap().clone();
    assert_eq!(&row("N2")[2], "G3, G4, G6 (một phần: 120 hộ)");
    assert_eq!(&row("N2")[3], "1119");
    assert_eq!(&row("N4")[2], "G6 (phần còn lại: 330 hộ)");
    assert_eq!(&row("N4")[3], "330");
    // Today's groups: the split group names both new groups with their households.
    let groups = site.read("public/sx/phuong-an/to-dan-pho-hien-nay.csv");
    let mut r =
        csv::ReaderBuilder::new().from_reader(groups.trim_start_matches('\u{feff}').as_bytes());
    let g6 = r
        .records()
        .map(|x| x.unwrap())
        .find(|x| &x[0] == "G6")
        .unwrap();
    assert_eq!(&g6[6], "N2 (120 hộ); N4 (330 hộ)");
    // JSON of the plan.
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/sx/phuong-an/phuong-an-sap-xep.json")).unwrap();
    let text = json.to_string();
    assert!(text.contains("G6 (một phần: 120 hộ)"), "{text}");
    let full: serde_json::Value =
        serde_json::from_str(&site.read("public/sx/phuong-an/phuong-an-sap-xep-day-du.json"))
            .unwrap();
    let n2 = full["new_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["code"] == "N2")
        .unwrap();
    assert_eq!(n2["households"], 1119);
    let g6 = n2["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "G6")
        .unwrap();
    assert_eq!(g6["part"]["households"], 120);
    assert_eq!(g6["part"]["moved"], true);
    // The consultation counts the 120 households that move, for N2.
    let res = site.html("public/sx/ket-qua/index.html");
    assert_eq!(
        texts(&res, "tr[data-code=\"G6\"] td.c-households"),
        vec!["120"]
    );
    assert_eq!(n2["result"]["households"], 500 + 499 + 120);
}

#[test]
fn split_group_households_must_add_up() {
    // The typed households of a new group differ from whole groups + parts.
    let site = split_fixture("1120");
    let err = site.build_err(NOW);
    for w in [
        "data/sx/plan.csv:3",
        "N2",
        "1.120 hộ",
        "1.119 hộ",
        "G6 một phần: 120",
    ] {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
    // The parts that move do not add up to the group when none of it stays.
    let site = split_fixture("1119");
    let plan = site.read("data/sx/plan.csv");
    site.write(
        "data/sx/plan.csv",
        plan.replace("N4,Tổ Sáu,G6,,,Tổ trưởng; Phó Tổ trưởng,330\n", ""),
    );
    let err = site.build_err(NOW);
    for w in ["data/sx/plan.csv:3", "G6", "450 hộ", "120 hộ", "còn 330 hộ"] {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
    // Moving out all of a group while it is also kept whole.
    let site = split_fixture("1449");
    let plan = site.read("data/sx/plan.csv");
    site.write(
        "data/sx/plan.csv",
        plan.replace("một phần: 120 hộ", "450 hộ"),
    );
    let err = site.build_err(NOW);
    for w in ["G6", "không còn hộ nào", "N4"] {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
    // The consultation row of the part must count the part's households.
    let site = split_fixture("1119");
    let results = site.read("data/sx/results.csv");
    site.write(
        "data/sx/results.csv",
        results.replace("G6,120,120,110", "G6,450,120,110"),
    );
    let err = site.build_err(NOW);
    for w in ["data/sx/results.csv:6", "G6", "N2", "450 hộ", "120 hộ"] {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
}
