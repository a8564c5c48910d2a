//! XLSX/ODS/XLS bytes → table, through the same loader a build uses (it reads from a
//! file, so each input is written to a temporary site first). The first byte picks the
//! extension. Zip bombs and huge dimensions must give a diagnostic, not an allocation.
#![no_main]

use std::path::Path;

use congkhai::data::{FieldSpec, LoadOptions, load_table};
use libfuzzer_sys::fuzz_target;

const FIELDS: &[FieldSpec] = &[
    FieldSpec::required("full_name", &["họ và tên", "họ tên"]),
    FieldSpec::optional("amount_vnd", &["số tiền"]),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let ext = ["xlsx", "ods", "xls"][usize::from(pick) % 3];
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let rel = format!("data/bang.{ext}");
    if std::fs::create_dir_all(dir.path().join("data")).is_err()
        || std::fs::write(dir.path().join(&rel), bytes).is_err()
    {
        return;
    }
    let _ = load_table(dir.path(), Path::new(&rel), &LoadOptions::new(FIELDS));
});
