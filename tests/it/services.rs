//! Service days (schedule, places, sessions, iCalendar) and anti-scam warnings (banner,
//! link allow-list, posters), run through the real binary.
use crate::common;
use common::*;

const CONFIG: &str = r#"base_url = "https://phuong.example.vn"
title = "Cổng thử nghiệm"
theme = "congkhai"
[ward]
name = "Phường Thử Nghiệm"
province = "Tỉnh Mẫu"
hotline_police = "0200.000.113"
[approval]
exempt = ["_index.md"]
[links]
official_domains = ["dichvucong.gov.vn", "vneid.gov.vn"]
"#;

/// Approved before every build date used below.
const OLD_APPROVAL: &str = "[approval]\nby = \"Trần Văn Mẫu\"\nrole = \"Chủ tịch UBND phường\"\ndecision = \"Quyết định số 9/QĐ-UBND\"\ndate = 2025-11-01\n";

const CATALOGUE: &str = "Mã,Tên thủ tục,Giấy tờ cần mang,Lệ phí,Đường dẫn\n\
KS,Đăng ký khai sinh,Giấy chứng sinh; Căn cước của cha hoặc mẹ,Miễn phí,https://dichvucong.gov.vn/ks\n\
BHYT,Gia hạn thẻ bảo hiểm y tế,Thẻ cũ,Miễn phí,\n";

const SESSIONS: &str = "Ngày,Bắt đầu,Kết thúc,Địa điểm,Địa chỉ,Thủ tục,Trạng thái,Ghi chú,Lần sửa\n\
13/12/2025,08:00,11:30,NVH Tổ 1,\"Ngõ 1, phố A\",KS,,,\n\
10/01/2026,08:00,11:30,NVH Tổ 2,Ngõ 2,\"KS, BHYT\",,,\n\
24/01/2026,08:00,11:30,NVH Tổ 1,\"Ngõ 1, phố A\",BHYT,đã hủy,Trùng lịch họp tổ dân phố,3\n\
24/01/2026,11:30,12:00,NVH Tổ 1,\"Ngõ 1, phố A\",KS,,,\n";

fn record_page(extra: &str) -> String {
    format!(
        "+++\ntitle = \"Lịch hỗ trợ\"\ndate = 2025-12-01\nkind = \"service_days\"\n[record]\nsessions = \"data/lich.csv\"\ncatalogue = \"data/dich-vu.csv\"\nupdated = 2025-12-01\n{extra}\n{OLD_APPROVAL}+++\n\nLịch.\n"
    )
}

fn schedule_site() -> Site {
    let site = Site::new(CONFIG);
    site.write("data/dich-vu.csv", CATALOGUE);
    site.write("data/lich.csv", SESSIONS);
    site.write("content/lich.md", record_page(""));
    site
}

#[test]
fn schedule_pages_split_upcoming_and_past_relative_to_build_date() {
    let site = schedule_site();
    site.build_ok("2026-01-10");
    let doc = site.html("public/lich/index.html");
    let upcoming = texts(&doc, "#sap-toi ~ ul .session");
    let past = texts(&doc, ".sessions--past .session");
    // 10/01 counts as upcoming on its own day; two sessions on 24/01.
    assert_eq!(upcoming.len(), 3, "{upcoming:?}");
    assert_eq!(past.len(), 1, "{past:?}");
    assert!(upcoming[0].contains("10/01/2026"), "{upcoming:?}");
    assert!(past[0].contains("13/12/2025"));
    assert!(
        upcoming
            .iter()
            .any(|s| s.contains("ĐÃ HỦY") && s.contains("Trùng lịch họp"))
    );
    // Every upcoming item carries its end time for the script.
    let sel = scraper::Selector::parse("[data-lich='sap-toi'] [data-end]").expect("sel");
    let ends: Vec<&str> = doc
        .select(&sel)
        .filter_map(|e| e.value().attr("data-end"))
        .collect();
    assert_eq!(ends[0], "2026-01-10T11:30:00+07:00");
    assert!(site.exists("public/js/lich.js"));

    // One page per place and per session; the cancelled session keeps its page and reason.
    assert!(site.exists("public/lich/nvh-to-1/index.html"));
    assert!(site.exists("public/lich/nvh-to-2/index.html"));
    let cancelled = site.html("public/lich/2026-01-24-nvh-to-1/index.html");
    assert!(texts(&cancelled, "#thay-doi")[0].contains("ĐÃ HỦY"));
    assert!(
        site.read("public/lich/2026-01-24-nvh-to-1/index.html")
            .contains("Trùng lịch họp tổ dân phố")
    );
    // The second session that day at the same place gets its own id.
    assert!(site.exists("public/lich/2026-01-24-nvh-to-1-2/index.html"));

    // What to bring, per service, on the session page.
    let s = site.html("public/lich/2026-01-10-nvh-to-2/index.html");
    let bring = texts(&s, ".bring li");
    assert_eq!(
        bring,
        vec!["Giấy chứng sinh", "Căn cước của cha hoặc mẹ", "Thẻ cũ"]
    );

    // schema.org Event JSON-LD.
    let sel = scraper::Selector::parse("script[type='application/ld+json']").expect("sel");
    let ld: serde_json::Value = serde_json::from_str(
        &s.select(&sel)
            .next()
            .expect("json-ld")
            .text()
            .collect::<String>(),
    )
    .expect("valid JSON-LD");
    assert_eq!(ld["@type"], "Event");
    assert_eq!(ld["startDate"], "2026-01-10T08:00:00+07:00");
    assert_eq!(ld["endDate"], "2026-01-10T11:30:00+07:00");
    assert_eq!(ld["location"]["name"], "NVH Tổ 2");
    assert_eq!(ld["eventStatus"], "https://schema.org/EventScheduled");
    let ld_c: serde_json::Value = serde_json::from_str(
        &cancelled
            .select(&sel)
            .next()
            .expect("json-ld")
            .text()
            .collect::<String>(),
    )
    .expect("valid JSON-LD");
    assert_eq!(ld_c["eventStatus"], "https://schema.org/EventCancelled");
}

/// (uid, dtstart, dtend, status, sequence, summary) of every VEVENT, with an independent parser.
fn parse_ics(text: &str) -> Vec<(String, String, String, String, String, String)> {
    let reader = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let mut out = Vec::new();
    let mut calendars = 0;
    for cal in reader {
        let cal = cal.expect("valid iCalendar");
        calendars += 1;
        assert_eq!(cal.timezones.len(), 1, "one VTIMEZONE");
        for e in cal.events {
            let get = |n: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == n)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            let tzid = e
                .properties
                .iter()
                .find(|p| p.name == "DTSTART")
                .and_then(|p| p.params.as_ref())
                .and_then(|ps| {
                    ps.iter()
                        .find(|(k, _)| k == "TZID")
                        .map(|(_, v)| v.join(","))
                })
                .unwrap_or_default();
            assert_eq!(tzid, "Asia/Ho_Chi_Minh");
            assert!(get("DTSTAMP").ends_with('Z'), "DTSTAMP in UTC");
            out.push((
                get("UID"),
                get("DTSTART"),
                get("DTEND"),
                get("STATUS"),
                get("SEQUENCE"),
                get("SUMMARY"),
            ));
        }
    }
    assert_eq!(calendars, 1);
    out
}

#[test]
fn icalendar_round_trips_every_session() {
    let site = schedule_site();
    site.build_ok("2026-01-10");
    let ics = site.read("public/lich/lich.ics");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "line over 75 octets: {line:?}");
        assert!(!line.contains('\n'));
    }
    let events = parse_ics(&ics);
    let want = [
        (
            "2025-12-13-nvh-to-1",
            "20251213T080000",
            "20251213T113000",
            "CONFIRMED",
            "0",
            "NVH Tổ 1",
        ),
        (
            "2026-01-10-nvh-to-2",
            "20260110T080000",
            "20260110T113000",
            "CONFIRMED",
            "0",
            "NVH Tổ 2",
        ),
        (
            "2026-01-24-nvh-to-1",
            "20260124T080000",
            "20260124T113000",
            "CANCELLED",
            "3",
            "NVH Tổ 1",
        ),
        (
            "2026-01-24-nvh-to-1-2",
            "20260124T113000",
            "20260124T120000",
            "CONFIRMED",
            "0",
            "NVH Tổ 1",
        ),
    ];
    assert_eq!(events.len(), want.len());
    for (e, w) in events.iter().zip(want) {
        assert_eq!(e.0, format!("{}@phuong.example.vn", w.0));
        assert_eq!(
            (e.1.as_str(), e.2.as_str(), e.3.as_str(), e.4.as_str()),
            (w.1, w.2, w.3, w.4)
        );
        assert!(e.5.contains(w.5), "{}", e.5);
    }
    // Per place: only that place's sessions.
    let place = parse_ics(&site.read("public/lich/lich-nvh-to-1.ics"));
    assert_eq!(place.len(), 3);
    assert!(place.iter().all(|e| e.0.contains("nvh-to-1")));
    // UIDs are stable across build dates; output is byte-identical for the same date.
    let first = site.read("public/lich/lich.ics");
    site.build_ok("2026-03-01");
    assert_eq!(site.read("public/lich/lich.ics"), first);
    // CSV download lists every session.
    let csv = site.read("public/lich/lich.csv");
    assert_eq!(csv.lines().count(), 5, "{csv}");
}

const RULE: &str = "[record.recurring]\nweekday = \"thứ bảy\"\nweeks = [2]\nfrom = 2026-11-01\nuntil = 2027-02-28\nstart = \"08:00\"\nend = \"11:30\"\nplace = \"NVH Tổ 3\"\nservices = [\"KS\"]\n";

/// URLs of the items of every entry recorded in `history/`, oldest first.
fn history_urls(site: &Site) -> Vec<std::collections::BTreeSet<String>> {
    let mut names: Vec<String> = std::fs::read_dir(site.path().join("history"))
        .expect("history/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| {
            let v: serde_json::Value =
                serde_json::from_str(&site.read(&format!("history/{n}"))).expect("entry JSON");
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|i| i["url"].as_str().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn recurring_rule_runs_between_fixed_days_and_past_sessions_stay_as_held() {
    let site = schedule_site();
    site.write("content/lich.md", record_page(RULE));
    site.build_ok("2026-11-23");
    // Second Saturdays from 01/11/2026 to 28/02/2027: 14/11 (past), 12/12, 09/01, 13/02.
    let doc = site.html("public/lich/index.html");
    let up = texts(&doc, "[data-lich='sap-toi'] .session__when");
    assert_eq!(up.len(), 3, "{up:?}");
    assert!(
        up[0].contains("12/12/2026") && up[2].contains("13/02/2027"),
        "{up:?}"
    );
    let past = texts(&doc, ".sessions--past .session__when");
    assert!(
        past.iter()
            .any(|p| p.contains("14/11/2026") && p.contains("ĐÃ THỰC HIỆN")),
        "{past:?}"
    );
    let events = parse_ics(&site.read("public/lich/lich-nvh-to-3.ics"));
    assert_eq!(events.len(), 4);
    let csv = site.read("public/lich/lich.csv");
    let ics = site.read("public/lich/lich.ics");

    // Two months later: nothing disappears; the sessions that passed read as held.
    site.build_ok("2027-01-20");
    let doc = site.html("public/lich/index.html");
    let up = texts(&doc, "[data-lich='sap-toi'] .session__when");
    assert_eq!(up.len(), 1, "{up:?}");
    let past = texts(&doc, ".sessions--past .session__when");
    for day in ["14/11/2026", "12/12/2026", "09/01/2027"] {
        assert!(
            past.iter()
                .any(|p| p.contains(day) && p.contains("ĐÃ THỰC HIỆN")),
            "{day} in {past:?}"
        );
    }
    let held = site.html("public/lich/2026-12-12-nvh-to-3/index.html");
    let status = texts(&held, ".meta-table tr");
    assert!(
        status
            .iter()
            .any(|r| r.contains("Tình trạng") && r.contains("Đã thực hiện")),
        "{status:?}"
    );
    assert!(
        texts(&held, "#thay-doi").is_empty(),
        "no change notice on a held session"
    );
    // The published tables and calendars do not move with the build date …
    assert_eq!(site.read("public/lich/lich.csv"), csv);
    assert_eq!(site.read("public/lich/lich.ics"), ics);
    // … and the change log withdraws nothing: every item of the first publication is in
    // the second.
    let entries = history_urls(&site);
    assert_eq!(entries.len(), 2);
    let gone: Vec<&String> = entries[0].difference(&entries[1]).collect();
    assert!(gone.is_empty(), "withdrawn from the change log: {gone:?}");
    assert!(entries[0].contains("/lich/2026-12-12-nvh-to-3/"));
}

#[test]
fn a_repeat_rule_needs_its_last_day() {
    for (rule, want) in [
        (
            RULE.replace("until = 2027-02-28\n", ""),
            "until = 2026-12-31",
        ),
        (RULE.replace("from = 2026-11-01\n", ""), "from = 2026-03-01"),
        (
            RULE.replace("until = 2027-02-28\n", "months = 3\n"),
            "xóa dòng months",
        ),
        (
            RULE.replace("until = 2027-02-28", "until = 2026-10-01"),
            "trước ngày bắt đầu",
        ),
        (
            RULE.replace("until = 2027-02-28", "until = 2036-02-28"),
            "dài quá hai năm",
        ),
    ] {
        let site = schedule_site();
        site.write("content/lich.md", record_page(&rule));
        let err = site.build_err("2026-11-23");
        assert!(err.contains("content/lich.md"), "{err}");
        assert!(err.contains("record.recurring."), "{err}");
        assert!(err.contains(want), "{want:?} in\n{err}");
    }
}

#[test]
fn statuses_as_staff_write_them() {
    let site = schedule_site();
    site.write(
        "data/lich.csv",
        "Ngày,Bắt đầu,Kết thúc,Địa điểm,Thủ tục,Tình trạng,Ghi chú\n\
13/12/2025,08:00,11:30,NVH Tổ 1,KS,Đã thực hiện,\n\
20/12/2025,08:00,11:30,NVH Tổ 1,KS,đã tổ chức,\n\
27/12/2025,08:00,11:30,NVH Tổ 1,KS,,\n\
10/01/2026,08:00,11:30,NVH Tổ 1,KS,Hoãn,Cán bộ đi tập huấn; sẽ thông báo ngày mới\n\
17/01/2026,08:00,11:30,NVH Tổ 1,KS,Huỷ,Trùng lịch họp\n\
24/01/2026,08:00,11:30,NVH Tổ 1,KS,tạm hoãn,Mưa bão\n\
31/01/2026,08:00,11:30,NVH Tổ 1,KS,Theo lịch,\n",
    );
    site.build_ok("2026-01-05");
    let doc = site.html("public/lich/index.html");
    let past = texts(&doc, ".sessions--past .session__when");
    assert_eq!(past.len(), 3, "{past:?}");
    assert!(past.iter().all(|p| p.contains("ĐÃ THỰC HIỆN")), "{past:?}");
    let up = texts(&doc, "[data-lich='sap-toi'] .session__when");
    assert_eq!(up.len(), 4, "{up:?}");
    assert!(up[0].contains("TẠM HOÃN"), "{up:?}");
    assert!(up[1].contains("ĐÃ HỦY"), "{up:?}");
    assert!(up[2].contains("TẠM HOÃN"), "{up:?}");
    assert!(!up[3].contains("HOÃN") && !up[3].contains("HỦY"), "{up:?}");
    let postponed = site.html("public/lich/2026-01-10-nvh-to-1/index.html");
    assert!(texts(&postponed, "#thay-doi")[0].contains("TẠM HOÃN"));
    // The calendar takes a postponed session off phones; the JSON-LD says postponed.
    let events = parse_ics(&site.read("public/lich/lich.ics"));
    let by_day: std::collections::BTreeMap<&str, &str> =
        events.iter().map(|e| (&e.1[..8], e.3.as_str())).collect();
    assert_eq!(by_day["20260110"], "CANCELLED");
    assert_eq!(by_day["20260117"], "CANCELLED");
    assert_eq!(by_day["20251213"], "CONFIRMED");
    assert!(
        site.read("public/lich/2026-01-10-nvh-to-1/index.html")
            .contains("https://schema.org/EventPostponed")
    );
    // The published table keeps what staff wrote, in the declared words.
    let csv = site.read("public/lich/lich.csv");
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let col = r
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "Trạng thái")
        .expect("status column");
    let statuses: Vec<String> = r
        .records()
        .map(|x| x.expect("row")[col].to_string())
        .collect();
    assert_eq!(
        statuses,
        [
            "Đã thực hiện",
            "Đã thực hiện",
            "Theo lịch",
            "Tạm hoãn",
            "Đã hủy",
            "Tạm hoãn",
            "Theo lịch"
        ]
    );

    // "Held" before the day, and a postponement without its reason, are refused.
    for (row, want) in [
        (
            "31/01/2026,08:00,11:30,NVH Tổ 1,KS,đã thực hiện,\n",
            "chưa tới",
        ),
        ("31/01/2026,08:00,11:30,NVH Tổ 1,KS,hoãn,\n", "lý do"),
    ] {
        site.write(
            "data/lich.csv",
            format!("Ngày,Bắt đầu,Kết thúc,Địa điểm,Thủ tục,Tình trạng,Ghi chú\n{row}"),
        );
        let err = site.build_err("2026-01-05");
        assert!(err.contains("data/lich.csv:2"), "{err}");
        assert!(err.contains(want), "{want:?} in\n{err}");
    }
}

#[test]
fn processing_time_per_procedure_is_shown_and_published() {
    let site = schedule_site();
    site.write(
        "data/dich-vu.csv",
        "Mã,Tên thủ tục,Giấy tờ cần mang,Thời hạn giải quyết\n\
KS,Đăng ký khai sinh,Giấy chứng sinh,Trong ngày\n\
BHYT,Gia hạn thẻ bảo hiểm y tế,Thẻ cũ,05 ngày làm việc kể từ ngày nhận đủ hồ sơ\n",
    );
    site.build_ok("2026-01-01");
    let doc = site.html("public/lich/index.html");
    let shown = texts(&doc, "#thu-tuc ~ p");
    assert!(
        shown
            .iter()
            .any(|p| p == "Thời hạn giải quyết: 05 ngày làm việc kể từ ngày nhận đủ hồ sơ"),
        "{shown:?}"
    );
    let s = site.html("public/lich/2026-01-10-nvh-to-2/index.html");
    let p = texts(&s, ".service p");
    assert!(
        p.iter().any(|x| x == "Thời hạn giải quyết: Trong ngày"),
        "{p:?}"
    );
    // The published catalogue: text as written, and the working days as a number.
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/lich/dich-vu.json")).expect("JSON");
    let rows = json.as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    let bhyt = rows.iter().find(|r| r["Mã"] == "BHYT").expect("BHYT");
    assert_eq!(bhyt["Số ngày làm việc"], 5);
    assert_eq!(
        bhyt["Thời hạn giải quyết"],
        "05 ngày làm việc kể từ ngày nhận đủ hồ sơ"
    );
    let ks = rows.iter().find(|r| r["Mã"] == "KS").expect("KS");
    assert_eq!(ks["Số ngày làm việc"], 0);
    // The data package describes the new columns.
    let pkg: serde_json::Value =
        serde_json::from_str(&site.read("public/lich/datapackage.json")).expect("package");
    let res = pkg["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["path"] == "dich-vu.csv")
        .expect("dich-vu.csv described");
    let fields = res["schema"]["fields"].as_array().expect("fields");
    let days = fields
        .iter()
        .find(|f| f["name"] == "Số ngày làm việc")
        .expect("working days field");
    assert_eq!(days["type"], "integer");
}

/// Seed 004's schedule as the plan's appendix writes it: STT, place and staff cells broken
/// over lines, date and times in one "Thời gian hỗ trợ" cell, no procedures, no catalogue.
#[test]
fn the_plan_appendix_table_builds_as_written() {
    let site = Site::new(CONFIG);
    site.write(
        "data/lich.csv",
        "\u{feff}STT;Địa điểm hỗ trợ;Thời gian hỗ trợ;Nhân lực hỗ trợ;Ghi chú\r\n\
1;\"NVH Tổ dân phố\r\nNgọc Lặc\";\"Từ 08 giờ\r\n đến 11 giờ 30\r\nngày 13/12/2025\";\"- Cán bộ và Chuyên viên TTPVHCC\r\n- Các phòng liên quan\";\r\n\
2;\"NVH Tổ dân phố\r\nMỹ Xá\";\"Từ 08 giờ\r\n đến 11 giờ 30\r\nngày 27/12/2025\";\"- Chuyên viên TTPVHCC\";\r\n",
    );
    site.write(
        "content/lich.md",
        format!("+++\ntitle = \"Lịch hỗ trợ\"\ndate = 2025-12-01\nkind = \"service_days\"\n[record]\nsessions = \"data/lich.csv\"\n{OLD_APPROVAL}+++\n\nLịch.\n"),
    );
    site.build_ok("2025-12-20");
    let s = site.html("public/lich/2025-12-27-nvh-to-dan-pho-my-xa/index.html");
    let rows = texts(&s, ".meta-table tr");
    assert!(
        rows.iter().any(|r| r.contains("Từ 08:00 đến 11:30")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r.contains("NVH Tổ dân phố Mỹ Xá")),
        "{rows:?}"
    );
    let events = parse_ics(&site.read("public/lich/lich.ics"));
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].1, "20251213T080000");
    assert_eq!(events[0].2, "20251213T113000");
    // A cell without an end time names the cell and shows the accepted form.
    site.write(
        "data/lich.csv",
        "STT;Địa điểm hỗ trợ;Thời gian hỗ trợ\n1;NVH Mỹ Xá;Từ 08 giờ ngày 27/12/2025\n",
    );
    let err = site.build_err("2025-12-20");
    assert!(err.contains("data/lich.csv:2:3"), "{err}");
    assert!(
        err.contains("Từ 08 giờ đến 11 giờ 30 ngày 13/12/2025"),
        "{err}"
    );
    // Neither the three columns nor the one: one error for the file.
    site.write("data/lich.csv", "STT;Địa điểm hỗ trợ\n1;NVH Mỹ Xá\n");
    let err = site.build_err("2025-12-20");
    assert!(err.contains("thiếu cột ngày và giờ"), "{err}");
}

#[test]
fn a_schedule_needs_only_date_times_and_place() {
    let site = Site::new(CONFIG);
    site.write(
        "data/lich.csv",
        "Ngày,Từ giờ,Đến giờ,Địa điểm\n13/12/2025,08:00,11:30,NVH Tổ dân phố Ngọc Lặc\n27/12/2025,08:00,11:30,NVH Tổ dân phố Mỹ Xá\n",
    );
    site.write(
        "content/lich.md",
        format!("+++\ntitle = \"Lịch hỗ trợ\"\ndate = 2025-12-01\nkind = \"service_days\"\n[record]\nsessions = \"data/lich.csv\"\n{OLD_APPROVAL}+++\n\nLịch.\n"),
    );
    site.build_ok("2025-12-20");
    let doc = site.html("public/lich/index.html");
    assert_eq!(texts(&doc, "[data-lich='sap-toi'] .session").len(), 1);
    assert_eq!(texts(&doc, ".sessions--past .session").len(), 1);
    // No empty "procedures" section or list, on the schedule or a session's page.
    assert!(texts(&doc, "#thu-tuc").is_empty());
    assert!(texts(&doc, ".session__what").is_empty());
    let s = site.html("public/lich/2025-12-27-nvh-to-dan-pho-my-xa/index.html");
    let h2 = texts(&s, "h2");
    assert!(!h2.iter().any(|h| h.contains("thủ tục")), "{h2:?}");
    assert_eq!(texts(&s, ".service").len(), 0);
    let ld = site.read("public/lich/2025-12-27-nvh-to-dan-pho-my-xa/index.html");
    assert!(ld.contains("hỗ trợ miễn phí các thủ tục hành chính"));
    assert!(
        !site.exists("public/lich/dich-vu.csv"),
        "no catalogue, no catalogue table"
    );
    // Procedures named without a catalogue are shown by name.
    let page = site.read("content/lich.md");
    let site = Site::new(CONFIG);
    site.write("content/lich.md", page);
    site.write(
        "data/lich.csv",
        "Ngày,Từ giờ,Đến giờ,Địa điểm,Thủ tục hỗ trợ\n27/12/2025,08:00,11:30,NVH Tổ dân phố Mỹ Xá,Đăng ký khai sinh; Cấp lại thẻ BHYT\n",
    );
    site.build_ok("2025-12-20");
    let s = site.html("public/lich/2025-12-27-nvh-to-dan-pho-my-xa/index.html");
    assert_eq!(
        texts(&s, ".service h3"),
        vec!["Đăng ký khai sinh", "Cấp lại thẻ BHYT"]
    );
}

#[test]
fn bad_schedules_are_refused_with_file_and_row() {
    let head = "Ngày,Bắt đầu,Kết thúc,Địa điểm,Thủ tục,Trạng thái,Ghi chú\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "31/02/2026,08:00,11:30,NVH Tổ 1,KS,,\n",
            "data/lich.csv:2",
            "31/02/2026",
        ),
        (
            "10/01/2026,25:00,26:00,NVH Tổ 1,KS,,\n",
            "data/lich.csv:2",
            "25:00",
        ),
        (
            "10/01/2026,11:30,11:30,NVH Tổ 1,KS,,\n",
            "data/lich.csv:2",
            "không sau giờ bắt đầu",
        ),
        (
            "10/01/2026,11:30,08:00,NVH Tổ 1,KS,,\n",
            "data/lich.csv:2",
            "không sau giờ bắt đầu",
        ),
        (
            "10/01/2026,08:00,11:30,NVH Tổ 1,KS,,\n10/01/2026,11:29,12:00,NVH tổ 1,KS,,\n",
            "data/lich.csv:3",
            "trùng giờ",
        ),
        (
            "10/01/2026,08:00,11:30,NVH Tổ 1,KX,,\n",
            "data/lich.csv:2",
            "“KX” không có trong danh mục",
        ),
        (
            "10/01/2026,08:00,11:30,NVH Tổ 1,KS,đã hủy,\n",
            "data/lich.csv:2",
            "lý do",
        ),
        (
            "10/01/2026,08:00,11:30,NVH Tổ 1,KS,có lẽ,\n",
            "data/lich.csv:2",
            "trạng thái",
        ),
    ];
    for (rows, at, what) in cases {
        let site = schedule_site();
        site.build_ok("2026-01-01");
        let before = site.read("public/lich/index.html");
        site.write("data/lich.csv", format!("{head}{rows}"));
        let err = site.build_err("2026-01-01");
        assert!(err.contains(at), "{rows:?}: expected {at} in\n{err}");
        assert!(err.contains(what), "{rows:?}: expected {what:?} in\n{err}");
        assert_eq!(
            site.read("public/lich/index.html"),
            before,
            "previous site untouched"
        );
    }
    // Edge that must pass: touching sessions, and an overlap with a cancelled one.
    let site = schedule_site();
    site.write(
        "data/lich.csv",
        format!("{head}10/01/2026,08:00,11:30,NVH Tổ 1,KS,,\n10/01/2026,11:30,12:00,NVH Tổ 1,KS,,\n10/01/2026,09:00,10:00,NVH Tổ 1,KS,đã hủy,Mưa bão\n"),
    );
    site.build_ok("2026-01-01");
}

fn warning_page(severity: &str, from: &str, until: Option<&str>, body: &str) -> String {
    let until = until
        .map(|u| format!("active_until = {u}\n"))
        .unwrap_or_default();
    format!(
        "+++\ntitle = \"Mạo danh cán bộ thu tiền\"\ndate = 2026-06-01\nkind = \"warning\"\n[record]\nseverity = \"{severity}\"\npattern = \"Kẻ gian nhận làm hộ giấy tờ và đòi tiền.\"\nsummary = \"Không đưa tiền cho người lạ.\"\nrecognise = [\"Đòi tiền làm nhanh\"]\nactions = [\"Báo công an phường\"]\nactive_from = {from}\n{until}\n{APPROVAL}+++\n\n{body}\n"
    )
}

fn warning_site() -> Site {
    let site = Site::new(CONFIG);
    site.write(
        "content/canh-bao/_index.md",
        "+++\ntitle = \"Cảnh báo\"\ngenerate_feeds = true\n+++\n",
    );
    site.write(
        "content/gioi-thieu.md",
        format!("+++\ntitle = \"Giới thiệu\"\n{APPROVAL}+++\n\nPhường.\n"),
    );
    site.write(
        "content/canh-bao/mao-danh.md",
        warning_page(
            "cảnh báo",
            "2026-06-10",
            Some("2026-06-30"),
            "Xem [Cổng DVC](https://dichvucong.gov.vn/p/home).",
        ),
    );
    site
}

fn html_pages(site: &Site) -> Vec<String> {
    site.output_files()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| format!("public/{}", p.display()))
        .collect()
}

#[test]
fn banner_shows_on_every_page_only_while_active() {
    let site = warning_site();
    for (date, shown) in [
        ("2026-06-09", false),
        ("2026-06-15", true),
        ("2026-06-30", true),
        ("2026-07-01", false),
    ] {
        site.build_ok(date);
        let pages = html_pages(&site);
        assert!(pages.len() >= 4, "{pages:?}");
        for p in &pages {
            let doc = site.html(p);
            let banner = texts(&doc, "section.alert[role='region'] h2#canh-bao-chung");
            if shown && !p.ends_with("/in/index.html") && !p.ends_with("404.html") {
                assert_eq!(banner.len(), 1, "{date}: one banner on {p}");
                // Readable without colour: the heading says the level in words.
                assert!(banner[0].starts_with("⚠ CẢNH BÁO:"), "{p}: {banner:?}");
                assert!(banner[0].contains("Mạo danh cán bộ thu tiền"));
            } else if !shown {
                assert!(banner.is_empty(), "{date}: no banner on {p}");
            }
        }
    }
    // An Atom feed of warnings.
    let feed = site.read("public/canh-bao/atom.xml");
    assert!(feed.contains("Mạo danh cán bộ thu tiền"), "{feed}");
}

#[test]
fn most_severe_banner_wins_and_info_level_shows_none() {
    let site = warning_site();
    site.write(
        "content/canh-bao/khan.md",
        warning_page("khẩn cấp", "2026-06-01", None, "")
            .replace("Mạo danh cán bộ thu tiền", "Ứng dụng giả"),
    );
    site.build_ok("2026-06-15");
    let b = texts(&site.html("public/index.html"), "#canh-bao-chung");
    assert_eq!(b.len(), 1);
    assert!(
        b[0].starts_with("‼ KHẨN CẤP:") && b[0].contains("Ứng dụng giả"),
        "{b:?}"
    );

    let site = warning_site();
    site.write(
        "content/canh-bao/mao-danh.md",
        warning_page("thông tin", "2026-06-10", None, ""),
    );
    site.build_ok("2026-06-15");
    assert!(texts(&site.html("public/index.html"), "#canh-bao-chung").is_empty());
}

#[test]
fn warning_links_must_be_https_on_official_domains() {
    for (link, ok) in [
        ("https://abc.dichvucong.gov.vn/x", true),
        ("https://dichvucong.gov.vn.evil.top/x", false),
        ("https://dichvucongs.top", false),
        ("http://dichvucong.gov.vn", false),
        ("<a href=\"https://vneid-capnhat.online\">app</a>", false),
    ] {
        let site = warning_site();
        // Previews: the page is edited again before anything is recorded (an edit of a
        // published page would need a correction note, tests/it/history.rs).
        site.preview_ok("2026-06-15");
        let before = site.read("public/index.html");
        let body = if link.starts_with('<') {
            link.to_string()
        } else {
            format!("Xem [đây]({link}).")
        };
        site.write(
            "content/canh-bao/mao-danh.md",
            warning_page("cảnh báo", "2026-06-10", None, &body),
        );
        if ok {
            site.preview_ok("2026-06-15");
        } else {
            let err = site.build_err("2026-06-15");
            assert!(err.contains("content/canh-bao/mao-danh.md"), "{err}");
            assert_eq!(
                site.read("public/index.html"),
                before,
                "previous site untouched"
            );
        }
    }
}

#[test]
fn posters_have_qr_and_url() {
    let site = warning_site();
    site.build_ok("2026-06-15");
    let p = site.read("public/canh-bao/mao-danh/in/index.html");
    assert!(p.contains("<svg"), "QR SVG");
    assert!(p.contains("https://phuong.example.vn/canh-bao/mao-danh/"));
    // Ward police then 156 / 5656 / 113.
    let doc = site.html("public/canh-bao/mao-danh/index.html");
    let contacts = texts(&doc, ".contacts li").join(" | ");
    for n in ["0200.000.113", "113", "156", "5656"] {
        assert!(contacts.contains(n), "{contacts}");
    }
}

/// Print the demo's posters with headless Chromium and count PDF pages.
#[test]
fn printed_posters_fit_one_a4_page() {
    let chromium = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists());
    let Some(chromium) = chromium else {
        eprintln!("SKIPPED printed_posters_fit_one_a4_page: no chromium found");
        return;
    };
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let mut posters: Vec<String> = html_pages(&site)
        .into_iter()
        // Service-day and warning posters; beneficiary lists and the donations ledger
        // (ho-tro/) print on as many pages as they need and are checked in
        // tests/it/support.rs and tests/it/seeds.rs.
        .filter(|p| p.contains("/in-") || p.ends_with("/in/index.html"))
        .filter(|p| !p.contains("ho-tro/danh-sach") && !p.contains("ho-tro/an-sinh"))
        .collect();
    posters.sort();
    assert!(posters.len() >= 3, "{posters:?}");
    let public = site.path().join("public");
    for p in &posters {
        // Point the absolute base URL at the local output so the stylesheet loads offline.
        let html = site.read(p).replace(
            "https://hoaan.example.vn/",
            &format!("file://{}/", public.display()),
        );
        let local = site.path().join(p).with_file_name("print.html");
        std::fs::write(&local, html).expect("write local copy");
        let pdf = site.path().join("poster.pdf");
        let _ = std::fs::remove_file(&pdf);
        let status = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", local.display()))
            .output()
            .expect("run chromium");
        let bytes = std::fs::read(&pdf).unwrap_or_else(|_| {
            panic!(
                "no PDF for {p}: {}",
                String::from_utf8_lossy(&status.stderr)
            )
        });
        // The page tree's /Count (Chromium writes one /Pages node).
        let text = String::from_utf8_lossy(&bytes);
        let pages: Vec<usize> = text
            .match_indices("/Count ")
            .filter_map(|(i, m)| {
                text[i + m.len()..]
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse().ok())
            })
            .collect();
        let pages = pages.into_iter().max().unwrap_or(0);
        assert_eq!(pages, 1, "{p} prints on {pages} pages");
    }
}

/// The VEVENT blocks of a calendar, unfolded, as they are written.
fn vevents(ics: &str) -> Vec<String> {
    let unfolded = ics.replace("\r\n ", "");
    unfolded
        .split("BEGIN:VEVENT\r\n")
        .skip(1)
        .map(|b| b.split("END:VEVENT").next().unwrap_or("").to_string())
        .collect()
}

/// (name → value) of the single VEVENT of a one-event calendar, with the `ical` parser.
fn one_event(text: &str) -> std::collections::BTreeMap<String, String> {
    let mut cals = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = cals.next().expect("a calendar").expect("valid iCalendar");
    assert!(cals.next().is_none(), "one calendar");
    assert_eq!(cal.events.len(), 1, "one event");
    cal.events[0]
        .properties
        .iter()
        .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn each_session_page_links_its_own_one_event_calendar() {
    let site = schedule_site();
    site.build_ok("2026-01-10");
    let feed = site.read("public/lich/lich.ics");
    let feed_events = vevents(&feed);
    for (id, start, end, location, status, sequence) in [
        (
            "2026-01-10-nvh-to-2",
            "20260110T080000",
            "20260110T113000",
            "NVH Tổ 2\\, Ngõ 2",
            "CONFIRMED",
            "0",
        ),
        (
            "2026-01-24-nvh-to-1",
            "20260124T080000",
            "20260124T113000",
            "NVH Tổ 1\\, Ngõ 1\\, phố A",
            "CANCELLED",
            "3",
        ),
    ] {
        let page = site.html(&format!("public/lich/{id}/index.html"));
        let url = format!("https://phuong.example.vn/lich/buoi-{id}.ics");
        // The link is at the top: before the session's table and the services.
        let sel = scraper::Selector::parse("article .add-to-calendar a, article table, article h2")
            .expect("sel");
        let first = page
            .select(&sel)
            .find(|e| e.value().name() != "h2" || e.value().attr("id") != Some("thay-doi"))
            .expect("elements");
        assert_eq!(first.value().attr("href"), Some(url.as_str()), "{id}");
        assert_eq!(
            first.text().collect::<String>().trim(),
            "Thêm vào lịch điện thoại"
        );
        // Large enough to tap: the link's class has a 48 px minimum in the stylesheet.
        assert_eq!(first.value().attr("class"), Some("add-to-calendar__link"));
        let file = format!("public/lich/buoi-{id}.ics");
        let ics = site.read(&file);
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "line over 75 octets: {line:?}");
        }
        let e = one_event(&ics);
        assert_eq!(e["UID"], format!("{id}@phuong.example.vn"));
        assert_eq!(e["DTSTART"], start);
        assert_eq!(e["DTEND"], end);
        assert_eq!(e["LOCATION"], location, "{id}");
        assert_eq!(e["STATUS"], status);
        assert_eq!(e["SEQUENCE"], sequence);
        assert!(e["DTSTAMP"].ends_with('Z'));
        // The very event of the feed, byte for byte.
        let own = vevents(&ics);
        assert_eq!(own.len(), 1);
        assert!(feed_events.contains(&own[0]), "{id}: not the feed's event");
    }
    // Files of the record (manifest, data package) but not listed with its downloads:
    // the schedule page lists the tables and feeds, each session page links its own.
    let record = site.html("public/lich/index.html");
    let sel = scraper::Selector::parse(".file-list a.file__link").expect("sel");
    let hrefs: Vec<&str> = record
        .select(&sel)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    for id in [
        "2025-12-13-nvh-to-1",
        "2026-01-10-nvh-to-2",
        "2026-01-24-nvh-to-1",
        "2026-01-24-nvh-to-1-2",
    ] {
        let url = format!("https://phuong.example.vn/lich/buoi-{id}.ics");
        assert!(!hrefs.contains(&url.as_str()), "{url} listed in {hrefs:?}");
    }
    assert!(
        hrefs.iter().any(|h| h.ends_with("/lich/lich.ics")),
        "the feed stays listed: {hrefs:?}"
    );
    let package = site.read("public/lich/datapackage.json");
    assert!(
        package.contains("buoi-2026-01-10-nvh-to-2.ics"),
        "in the data package"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/cong-khai/manifest.json")).expect("manifest");
    let listed = manifest.to_string();
    assert!(
        listed.contains("lich/buoi-2026-01-10-nvh-to-2.ics"),
        "manifest lacks the session calendar"
    );
    // Deterministic: the same bytes for the same build date.
    let first = site.read("public/lich/buoi-2026-01-10-nvh-to-2.ics");
    site.build_ok("2026-01-10");
    assert_eq!(site.read("public/lich/buoi-2026-01-10-nvh-to-2.ics"), first);
}

#[test]
fn hostile_place_names_are_escaped_in_session_calendar_and_page() {
    let site = schedule_site();
    site.write(
        "data/lich.csv",
        "Ngày,Bắt đầu,Kết thúc,Địa điểm,Địa chỉ,Thủ tục,Trạng thái,Ghi chú,Lần sửa\n\
         10/01/2026,08:00,11:30,\"NVH <script>alert(1)</script>; Tổ 3, góc\",\"Ngõ 3; nhà 5, phố B\",KS,,,\n",
    );
    site.build_ok("2026-01-10");
    let dir = site.path().join("public/lich");
    let ics_name = std::fs::read_dir(&dir)
        .expect("output dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("buoi-"))
        .expect("a session calendar");
    assert!(
        ics_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
        "{ics_name}"
    );
    let ics = site.read(&format!("public/lich/{ics_name}"));
    // RFC 5545 TEXT escaping of `;` and `,`, as written and as the `ical` parser reads it.
    let unfolded = ics.replace("\r\n ", "");
    let location = unfolded
        .split("\r\n")
        .find_map(|l| l.strip_prefix("LOCATION:"))
        .expect("LOCATION");
    assert_eq!(
        location,
        "NVH <script>alert(1)</script>\\; Tổ 3\\, góc\\, Ngõ 3\\; nhà 5\\, phố B"
    );
    let e = one_event(&ics);
    assert!(
        e["LOCATION"].starts_with("NVH <script>alert(1)</script>\\; Tổ 3\\, góc"),
        "{}",
        e["LOCATION"]
    );
    // Every content line is a property: nothing in the name broke a line.
    for line in ics
        .replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
    {
        assert!(
            line.split_once(':')
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_uppercase()
                    || c == '-'
                    || c == ';'
                    || c == '='
                    || c == '/'
                    || c == '_'
                    || c.is_ascii_alphabetic())),
            "{line:?}"
        );
    }
    // The session page shows the name as text; no script element runs it.
    let id = ics_name
        .trim_start_matches("buoi-")
        .trim_end_matches(".ics");
    let page = site.html(&format!("public/lich/{id}/index.html"));
    let sel = scraper::Selector::parse("script").expect("sel");
    for s in page.select(&sel) {
        assert!(
            s.value().attr("type") == Some("application/ld+json")
                || s.value()
                    .attr("src")
                    .is_some_and(|src| src.ends_with("/js/in-trang.js")),
            "only the JSON-LD script (and theme scripts by src)"
        );
    }
    assert!(
        texts(&page, "h1")[0].contains("<script>alert(1)</script>; Tổ 3, góc"),
        "{:?}",
        texts(&page, "h1")
    );
}

#[test]
fn warnings_list_validity_and_expired_page_drops_urgent_styling() {
    let site = warning_site();
    site.write(
        "content/canh-bao/mao-danh.md",
        warning_page("khẩn cấp", "2026-06-10", Some("2026-06-30"), ""),
    );
    site.write(
        "content/canh-bao/khan.md",
        warning_page("khẩn cấp", "2026-06-01", None, "")
            .replace("Mạo danh cán bộ thu tiền", "Ứng dụng giả"),
    );
    // While active the page is urgent and has no expiry notice.
    let urgent = scraper::Selector::parse("article [class*='khan-cap']").expect("sel");
    site.build_ok("2026-06-15");
    let active = site.html("public/canh-bao/mao-danh/index.html");
    assert!(active.select(&urgent).count() > 0);
    assert!(texts(&active, ".warning-expired").is_empty());
    site.build_ok("2026-07-05");
    // The list says which is in force and which expired, in words.
    let list = site.html("public/canh-bao/index.html");
    let items = texts(&list, "li.item");
    let state_of = |title: &str| {
        items
            .iter()
            .find(|i| i.contains(title))
            .unwrap_or_else(|| panic!("{title} in {items:?}"))
            .clone()
    };
    assert!(state_of("Ứng dụng giả").contains("Đang hiệu lực"));
    assert!(!state_of("Ứng dụng giả").contains("Đã hết hiệu lực"));
    assert!(state_of("Mạo danh cán bộ thu tiền").contains("Đã hết hiệu lực từ ngày 01/07/2026"));

    // The expired warning says so first, without the urgent level or its styling.
    let expired = site.html("public/canh-bao/mao-danh/index.html");
    let notice = texts(&expired, "article .warning-expired");
    assert_eq!(notice.len(), 1);
    assert!(
        notice[0].starts_with("Cảnh báo này đã hết hiệu lực từ ngày 01/07/2026."),
        "{notice:?}"
    );
    let header = texts(&expired, "article header.page__header");
    assert!(header[0].find("Cảnh báo này") < header[0].find("Mạo danh"));
    assert_eq!(expired.select(&urgent).count(), 0, "no urgent styling");
    assert!(!texts(&expired, "article")[0].contains("KHẨN CẤP"));
}

#[test]
fn banner_does_not_link_to_the_page_it_is_on() {
    let site = warning_site();
    site.build_ok("2026-06-15");
    let own_url = "https://phuong.example.vn/canh-bao/mao-danh/";
    let links = |rel: &str| -> Vec<String> {
        let doc = site.html(rel);
        let sel = scraper::Selector::parse("section.alert[role='region'] a").expect("sel");
        doc.select(&sel)
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect()
    };
    assert_eq!(links("public/index.html"), vec![own_url.to_string()]);
    assert_eq!(
        links("public/gioi-thieu/index.html"),
        vec![own_url.to_string()]
    );
    let own = site.html("public/canh-bao/mao-danh/index.html");
    assert_eq!(
        texts(&own, "#canh-bao-chung").len(),
        1,
        "banner still shown"
    );
    assert!(links("public/canh-bao/mao-danh/index.html").is_empty());
}
