//! `congkhai init DIR [--type xã] [--name "Xã …"]`: a new portal from the embedded default
//! theme and starter site (`src/starter/`): every section the theme links to, one example
//! record of each kind with its approval block, and the unit's words (xã, phường, đặc
//! khu; thôn or tổ dân phố) filled in, so the new site builds with no dead link.

use std::fs;
use std::path::Path;

use crate::config::UnitType;
use crate::diagnostics::{Diagnostic, display_path};
use crate::templates::DEFAULT_THEME;

/// The starter site, with `@…@` placeholders (see [`fill`]).
static STARTER: include_dir::Dir<'_> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/src/starter");

/// What `init` was asked for.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// `--type`; when absent, taken from `--name`, else xã (most units are).
    pub unit: Option<String>,
    /// `--name "Xã Kon Braih"`; when absent, "Xã Mẫu" (or the type asked).
    pub name: Option<String>,
    /// `--province`.
    pub province: Option<String>,
    /// `--force` (as Zola): a folder that already has files is accepted; no existing
    /// file is ever overwritten.
    pub force: bool,
}

/// The resolved unit type and full name ("Xã Kon Braih").
pub fn resolve(opts: &InitOptions) -> Result<(UnitType, String), Diagnostic> {
    let asked = match opts.unit.as_deref() {
        Some(t) => Some(UnitType::parse(t).ok_or_else(|| {
            Diagnostic::error(format!("loại đơn vị không hợp lệ: --type {t}"))
                .hint("dùng --type xã, --type phường hoặc --type \"đặc khu\"")
        })?),
        None => None,
    };
    let name = opts
        .name
        .as_deref()
        .map(|n| crate::text::nfc(n.trim()))
        .filter(|n| !n.is_empty());
    let from_name = name.as_deref().and_then(UnitType::from_name);
    let unit = asked.or(from_name).unwrap_or(UnitType::Xa);
    let name = match name {
        // A name that already starts with a type keeps it; a bare name gets the type.
        Some(n) if from_name.is_some() => n,
        Some(n) => format!("{} {n}", unit.title()),
        None => format!("{} Mẫu", unit.title()),
    };
    if let (Some(a), Some(n)) = (asked, from_name)
        && a != n
    {
        return Err(Diagnostic::error(format!(
            "--type {} không khớp với tên \u{201c}{name}\u{201d}",
            a.word()
        ))
        .hint("bỏ --type, hoặc sửa --name cho cùng loại đơn vị"));
    }
    Ok((unit, name))
}

pub fn init(dir: &Path, opts: &InitOptions) -> Result<(UnitType, String), Diagnostic> {
    // As Zola: hidden entries (`.git`, `.editorconfig`) do not make a folder non-empty.
    let visible = |d: &Path| {
        fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .any(|e| !e.file_name().to_string_lossy().starts_with('.'))
            })
            .unwrap_or(true)
    };
    if dir.exists() && !dir.is_dir() {
        return Err(Diagnostic::error(format!(
            "{} đã có và không phải thư mục",
            display_path(dir)
        ))
        .hint("chọn tên thư mục khác cho trang mới"));
    }
    if dir.exists() && visible(dir) {
        if !opts.force {
            return Err(Diagnostic::error(format!(
                "thư mục {} đã có nội dung",
                display_path(dir)
            ))
            .hint("chọn một thư mục mới hoặc thư mục trống; hoặc thêm --force để tạo trang vào thư mục này mà không ghi đè tệp nào đã có"));
        }
        let mut taken = Vec::new();
        existing(&STARTER, dir, &mut taken);
        existing(&DEFAULT_THEME, &dir.join("themes/congkhai"), &mut taken);
        if let Some(first) = taken.first() {
            return Err(Diagnostic::error(format!(
                "thư mục {} đã có {} tệp trùng tên với tệp của trang mới (đầu tiên: {}); congkhai init không ghi đè tệp nào, kể cả với --force",
                display_path(dir),
                taken.len(),
                display_path(first)
            ))
            .hint("đổi tên hoặc chuyển các tệp đó đi, hoặc tạo trang vào một thư mục mới"));
        }
    }
    let (unit, name) = resolve(opts)?;
    let province = opts
        .province
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or("Tỉnh Mẫu");
    let words = Placeholders::new(unit, &name, province);
    let io = |e: std::io::Error| Diagnostic::error(format!("không tạo được trang mới: {e}"));
    fs::create_dir_all(dir.join("static")).map_err(io)?;
    write_dir(&STARTER, dir, Some(&words)).map_err(io)?;
    write_dir(&DEFAULT_THEME, &dir.join("themes/congkhai"), None).map_err(io)?;
    Ok((unit, name))
}

/// The words the starter's `@…@` placeholders stand for.
struct Placeholders(Vec<(&'static str, String)>);

impl Placeholders {
    fn new(unit: UnitType, name: &str, province: &str) -> Placeholders {
        let words = crate::config::UnitWords::new(unit, &[]);
        // "Xã Kon Braih" → "Kon Braih"; "xã Kon Braih" inside a sentence.
        let proper = name
            .split_whitespace()
            .skip(unit.word().split_whitespace().count())
            .collect::<Vec<_>>()
            .join(" ");
        let host: String = crate::text::slugify(&proper).replace('-', "");
        let khu = words.residential.clone();
        let mut khu_hoa = khu.clone();
        if let Some(first) = khu.chars().next() {
            khu_hoa = first.to_uppercase().collect::<String>() + &khu[first.len_utf8()..];
        }
        Placeholders(vec![
            ("@TEN@", name.to_string()),
            ("@ten@", format!("{} {proper}", unit.word())),
            ("@TENRIENG@", proper),
            ("@DONVI@", unit.word().to_string()),
            ("@TINH@", province.to_string()),
            ("@KHU_HOA@", khu_hoa),
            ("@KHU@", khu),
            ("@UBND@", words.ubnd.clone()),
            ("@CHUTICH@", words.chairman.clone()),
            (
                "@MIEN@",
                if host.is_empty() {
                    "tendonvi".into()
                } else {
                    host
                },
            ),
        ])
    }

    fn fill(&self, text: &str) -> String {
        let mut s = text.to_string();
        for (k, v) in &self.0 {
            s = s.replace(k, v);
        }
        s
    }
}

/// The files of `d` that already exist under `target`.
fn existing(d: &include_dir::Dir<'_>, target: &Path, out: &mut Vec<std::path::PathBuf>) {
    for f in d.files() {
        let p = target.join(f.path());
        if fs::symlink_metadata(&p).is_ok() {
            out.push(p);
        }
    }
    for sub in d.dirs() {
        existing(sub, target, out);
    }
}

fn write_dir(
    d: &include_dir::Dir<'_>,
    target: &Path,
    words: Option<&Placeholders>,
) -> std::io::Result<()> {
    for f in d.files() {
        let p = target.join(f.path());
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        match (words, f.contents_utf8()) {
            (Some(w), Some(text)) => fs::write(p, w.fill(text))?,
            _ => fs::write(p, f.contents())?,
        }
    }
    for sub in d.dirs() {
        write_dir(sub, target, words)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(unit: Option<&str>, name: Option<&str>) -> InitOptions {
        InitOptions {
            unit: unit.map(str::to_string),
            name: name.map(str::to_string),
            province: None,
            force: false,
        }
    }

    #[test]
    fn unit_and_name_resolved() {
        // (--type, --name, unit, full name)
        for (t, n, unit, full) in [
            (None, None, UnitType::Xa, "Xã Mẫu"),
            (Some("phường"), None, UnitType::Phuong, "Phường Mẫu"),
            (Some("xa"), Some("Kon Braih"), UnitType::Xa, "Xã Kon Braih"),
            (
                None,
                Some("Đặc khu Côn Đảo"),
                UnitType::DacKhu,
                "Đặc khu Côn Đảo",
            ),
            (
                Some("xã"),
                Some("Xã Kon Braih"),
                UnitType::Xa,
                "Xã Kon Braih",
            ),
        ] {
            assert_eq!(
                resolve(&opts(t, n)).unwrap(),
                (unit, full.to_string()),
                "{t:?} {n:?}"
            );
        }
        assert!(resolve(&opts(Some("huyện"), None)).is_err());
        assert!(resolve(&opts(Some("xã"), Some("Phường Hòa An"))).is_err());
    }

    #[test]
    fn placeholders_follow_the_unit() {
        let p = Placeholders::new(UnitType::Xa, "Xã Kon Braih", "Tỉnh Quảng Ngãi");
        assert_eq!(
            p.fill("@UBND@ @TENRIENG@, @ten@, @KHU_HOA@ 1, @KHU@, @MIEN@"),
            "Ủy ban nhân dân xã Kon Braih, xã Kon Braih, Thôn 1, thôn, konbraih"
        );
        let p = Placeholders::new(UnitType::Phuong, "Phường Hòa An", "T");
        assert_eq!(
            p.fill("@KHU_HOA@ 2 – @CHUTICH@"),
            "Tổ dân phố 2 – Chủ tịch UBND phường"
        );
    }

    #[test]
    fn every_starter_placeholder_is_known() {
        let p = Placeholders::new(UnitType::Xa, "Xã A", "T");
        fn walk(d: &include_dir::Dir<'_>, p: &Placeholders) {
            for f in d.files() {
                if let Some(t) = f.contents_utf8() {
                    let filled = p.fill(t);
                    // Only e-mail addresses keep an @ once filled.
                    for (i, _) in filled.match_indices('@') {
                        let after = &filled[i + 1..];
                        assert!(
                            after.starts_with('/') || after.starts_with("example"),
                            "{}: unknown placeholder near {:?}",
                            f.path().display(),
                            &after[..after.len().min(20)]
                        );
                    }
                }
            }
            for s in d.dirs() {
                walk(s, p);
            }
        }
        walk(&STARTER, &p);
    }
}
