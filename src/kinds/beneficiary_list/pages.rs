//! The list's pages: totals by group and category, one page per group (paginated when
//! long) with its print view, and the whole list's print view.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::check::{INLINE_ROWS, ROWS_PER_PAGE, Tally, page_path};
use super::entries::Entry;
use super::load::ListData;
use super::rows::rows_html;
use super::sheets;
use super::view::{ColumnView, ListInfo, ListPageView, ListView, PageLink, TallyView};
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::kinds::programme::ProgrammeInfo;
use crate::kinds::{RecordInput, SubPage, to_record};
use crate::text::slugify;

pub const GROUP_TEMPLATE: &str = "kinds/beneficiary_list_group.html";
pub const PRINT_TEMPLATE: &str = "kinds/beneficiary_list_print.html";

/// Entries counted by group (in the ward's order), by category (in the programme's
/// order) and in all.
struct Totals<'e> {
    by_group: BTreeMap<usize, (Tally, Vec<&'e Entry>)>,
    by_category: BTreeMap<usize, Tally>,
    all: Tally,
}

/// Position of an entry's category in the programme's declared order (totals by category
/// follow it).
fn category_index(programme: &ProgrammeInfo, e: &Entry) -> usize {
    programme
        .categories
        .iter()
        .position(|c| *c == e.category)
        .unwrap_or(0)
}

fn totals<'e>(data: &'e ListData) -> Totals<'e> {
    let mut t = Totals {
        by_group: BTreeMap::new(),
        by_category: BTreeMap::new(),
        all: Tally::default(),
    };
    for e in &data.entries {
        let gi = data
            .groups
            .names
            .iter()
            .position(|g| *g == e.group)
            .unwrap_or(0);
        let g = t.by_group.entry(gi).or_default();
        g.0.add(e);
        g.1.push(e);
        t.by_category
            .entry(category_index(&data.programme, e))
            .or_default()
            .add(e);
        t.all.add(e);
    }
    t
}

/// Builds the pages of one list.
pub struct ListPages<'a> {
    pub input: &'a RecordInput<'a>,
    pub config: &'a Config,
    pub data: &'a ListData,
    /// The list's site path without its final slash.
    pub base: String,
    /// The list's info shared by every page.
    pub info: ListInfo,
}

/// The list page's record and every subpage.
pub struct BuiltPages {
    pub record: ListView,
    pub subpages: Vec<SubPage>,
}

impl ListPages<'_> {
    /// A column's heading; the residential unit's follows `[ward] residential_units`.
    fn column(&self, field: &'static str) -> ColumnView {
        let mut c = ColumnView::of(field);
        if field == "group" {
            c.heading = crate::kinds::columns::residential_title(&self.config.words());
        }
        c
    }

    pub fn build(&self) -> Result<BuiltPages, Diagnostics> {
        let data = self.data;
        let totals = totals(data);
        let columns: Vec<ColumnView> = data.fields.iter().map(|f| self.column(f)).collect();
        let tally_of =
            |(ci, t): (&usize, &Tally)| TallyView::of(&data.programme.categories[*ci], t, None);
        // Each group's pages are built on their own, in parallel, and kept in group order.
        let by_group: Vec<(&usize, &(Tally, Vec<&Entry>))> = totals.by_group.iter().collect();
        let per_group: Vec<(TallyView, Vec<SubPage>)> = by_group
            .par_iter()
            .map(|&(gi, (tally, rows))| self.group_pages(*gi, tally, rows, &tally_of))
            .collect::<Result<_, Diagnostics>>()?;
        let mut subpages = Vec::new();
        let mut groups = Vec::new();
        for (value, pages) in per_group {
            groups.push(value);
            subpages.extend(pages);
        }
        let categories: Vec<TallyView> = totals.by_category.iter().map(tally_of).collect();
        let entries = &data.entries;
        let rows_if = |shown: bool| {
            if shown {
                rows_html(entries, &data.fields, data.names)
            } else {
                String::new()
            }
        };
        let print_inline = entries.len() <= ROWS_PER_PAGE;
        let all: Vec<&Entry> = if print_inline {
            entries.iter().collect()
        } else {
            Vec::new()
        };
        let sheets = sheets::layout(
            &all,
            &data.fields,
            data.names,
            groups.len() + categories.len(),
        );
        let print = ListPageView {
            list: self.info.clone(),
            group: None,
            group_total: None,
            groups: Some(groups.clone()),
            categories: categories.clone(),
            columns: columns.clone(),
            rows_html: rows_if(print_inline),
            cover_only: Some(!print_inline),
            page_number: 1,
            page_count: 1,
            pages: None,
            first_no: None,
            last_no: None,
            print_path: format!("{}/in/", self.base),
            screen_path: format!("{}/", self.base),
            qr: self.qr(&format!("{}/", self.base), self.input.title),
            print: Some(sheets),
        };
        subpages.push(SubPage {
            path: format!("{}/in/", self.base),
            title: format!("Bản in – {}", self.input.title),
            template: PRINT_TEMPLATE.to_string(),
            record: to_record(&print)?,
            search_text: String::new(),
            indexable: false,
        });
        let inline = entries.len() <= INLINE_ROWS;
        let record = ListView {
            list: self.info.clone(),
            groups,
            categories,
            columns,
            rows_html: rows_if(inline),
            inline,
            print_path: format!("{}/in/", self.base),
            row_count: entries.len(),
            lookup_url: (!inline).then(|| {
                self.config
                    .permalink(&format!("{}/{LOOKUP_FILE}", self.base))
            }),
        };
        Ok(BuiltPages { record, subpages })
    }

    /// QR code of a page's absolute address, for its print view.
    fn qr(&self, path: &str, title: &str) -> String {
        crate::kinds::page_qr(self.config, path, title)
    }

    /// A group's totals, and its pages of at most [`ROWS_PER_PAGE`] rows, each with a
    /// print view.
    fn group_pages(
        &self,
        gi: usize,
        tally: &Tally,
        rows: &[&Entry],
        tally_of: &(dyn Fn((&usize, &Tally)) -> TallyView + Sync),
    ) -> Result<(TallyView, Vec<SubPage>), Diagnostics> {
        let data = self.data;
        let gname = &data.groups.names[gi];
        let gpath = format!("{}/{}/", self.base, slugify(gname));
        let mut by_category: BTreeMap<usize, Tally> = BTreeMap::new();
        for e in rows {
            by_category
                .entry(category_index(&data.programme, e))
                .or_default()
                .add(e);
        }
        let fields: Vec<&'static str> = data
            .fields
            .iter()
            .copied()
            .filter(|f| *f != "group")
            .collect();
        let chunks: Vec<&[&Entry]> = rows.chunks(ROWS_PER_PAGE).collect();
        let n = chunks.len();
        let pages: Vec<PageLink> = (0..n)
            .map(|k| PageLink {
                number: k + 1,
                path: page_path(&gpath, k),
            })
            .collect();
        let mut subpages = Vec::with_capacity(2 * n);
        for (k, chunk) in chunks.iter().enumerate() {
            let path = page_path(&gpath, k);
            let title = if n > 1 {
                format!("{} – {gname} (trang {}/{n})", self.input.title, k + 1)
            } else {
                format!("{} – {gname}", self.input.title)
            };
            let mut page = ListPageView {
                list: self.info.clone(),
                group: Some(gname.clone()),
                group_total: Some(TallyView::of(gname, tally, Some(gpath.clone()))),
                groups: None,
                categories: by_category.iter().map(tally_of).collect(),
                columns: fields.iter().map(|f| self.column(f)).collect(),
                rows_html: rows_html(chunk.iter().copied(), &fields, data.names),
                cover_only: None,
                page_number: k + 1,
                page_count: n,
                pages: Some(pages.clone()),
                first_no: chunk.first().map(|e| e.no),
                last_no: chunk.last().map(|e| e.no),
                print_path: format!("{path}in/"),
                screen_path: path.clone(),
                qr: String::new(),
                print: None,
            };
            subpages.push(SubPage {
                path: path.clone(),
                title: title.clone(),
                template: GROUP_TEMPLATE.to_string(),
                record: to_record(&page)?,
                search_text: String::new(),
                indexable: false,
            });
            page.qr = self.qr(&path, &title);
            page.print = Some(sheets::layout(
                chunk,
                &fields,
                data.names,
                page.categories.len(),
            ));
            subpages.push(SubPage {
                path: page.print_path.clone(),
                title: format!("Bản in – {title}"),
                template: PRINT_TEMPLATE.to_string(),
                record: to_record(&page)?,
                search_text: String::new(),
                indexable: false,
            });
        }
        Ok((TallyView::of(gname, tally, Some(gpath)), subpages))
    }
}

/// File name of a list's name lookup, written next to the list's page.
pub const LOOKUP_FILE: &str = "tra-cuu-ten.json";

/// The list-wide name lookup's data (`tra-cuu-ten.json`, read by `js/tra-cuu-ten.js`):
/// each entry's name exactly as the list's pages show it, its STT, its group and the group
/// page it is on. Nothing the list's pages do not already publish (no category, amount or
/// note), and compact for a cheap phone:
/// `{"groups": [name…], "pages": [url…], "rows": [[name, stt, group, page]…]}`.
pub fn lookup_json(data: &ListData, base: &str, config: &Config) -> Vec<u8> {
    let mut pages: Vec<String> = Vec::new();
    let mut page_index: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut seen_in_group: BTreeMap<usize, usize> = BTreeMap::new();
    let mut rows = Vec::with_capacity(data.entries.len());
    // Entries are listed on their group's pages in list order, ROWS_PER_PAGE a page.
    for e in &data.entries {
        let gi = data
            .groups
            .names
            .iter()
            .position(|g| *g == e.group)
            .unwrap_or(0);
        let n = seen_in_group.entry(gi).or_default();
        let k = *n / ROWS_PER_PAGE;
        *n += 1;
        let pi = *page_index.entry((gi, k)).or_insert_with(|| {
            let gname = &data.groups.names[gi];
            let gpath = format!("{base}/{}/", slugify(gname));
            pages.push(config.permalink(&page_path(&gpath, k)));
            pages.len() - 1
        });
        rows.push(serde_json::json!([data.names.apply(&e.name), e.no, gi, pi]));
    }
    let v = serde_json::json!({
        "groups": data.groups.names,
        "pages": pages,
        "rows": rows,
    });
    v.to_string().into_bytes()
}
