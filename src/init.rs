//! `congkhai init DIR`: a new portal from the embedded default theme.

use std::fs;
use std::path::Path;

use crate::diagnostics::{Diagnostic, display_path};
use crate::templates::DEFAULT_THEME;

const CONFIG: &str = r#"base_url = "https://tenphuong.tentinh.gov.vn"
title = "Cổng thông tin công khai"
description = "Thông tin công khai của phường theo Luật Thực hiện dân chủ ở cơ sở"
default_language = "vi"
theme = "congkhai"
minify_html = true
generate_sitemap = true
generate_robots_txt = true

# Có bảng [ward] thì đây là cổng công khai: mọi nội dung phải có thông tin phê duyệt.
[ward]
name = "Phường Mẫu"
province = "Tỉnh Mẫu"
address = "Số 1, đường Mẫu"
phone = "0200.0000.000"
email = "phuongmau@example.vn"
office_hours = "Thứ Hai – Thứ Sáu, 7 giờ 30 – 17 giờ"

[approval]
# Trang biên tập (trang chủ, giới thiệu) không cần phê duyệt; dữ liệu thì luôn cần.
exempt = ["_index.md"]
"#;

const HOME: &str = r#"+++
title = "Trang chủ"
+++
Chào mừng đến cổng thông tin công khai của phường.
"#;

pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(
            Diagnostic::error(format!("thư mục {} đã có nội dung", display_path(dir)))
                .hint("chọn một thư mục mới hoặc thư mục trống"),
        );
    }
    let io = |e: std::io::Error| Diagnostic::error(format!("không tạo được trang mới: {e}"));
    fs::create_dir_all(dir.join("content")).map_err(io)?;
    fs::create_dir_all(dir.join("data")).map_err(io)?;
    fs::create_dir_all(dir.join("static")).map_err(io)?;
    fs::write(dir.join("config.toml"), CONFIG).map_err(io)?;
    fs::write(dir.join("content/_index.md"), HOME).map_err(io)?;
    write_dir(&DEFAULT_THEME, &dir.join("themes/congkhai")).map_err(io)?;
    Ok(())
}

fn write_dir(d: &include_dir::Dir<'_>, target: &Path) -> std::io::Result<()> {
    for f in d.files() {
        let p = target.join(f.path());
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(p, f.contents())?;
    }
    for sub in d.dirs() {
        write_dir(sub, target)?;
    }
    Ok(())
}
