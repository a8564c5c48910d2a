//! CSV bytes in any encoding → table. Must return a table or diagnostics, never panic,
//! and never take memory out of proportion to the input.
#![no_main]

use std::path::Path;

use congkhai::data::{FieldSpec, LoadOptions, load_csv_bytes};
use libfuzzer_sys::fuzz_target;

const FIELDS: &[FieldSpec] = &[
    FieldSpec::required("full_name", &["họ và tên", "họ tên"]),
    FieldSpec::optional("group", &["tổ dân phố", "tổ"]),
    FieldSpec::optional("amount_vnd", &["số tiền", "mức hỗ trợ"]),
    FieldSpec::optional("note", &["ghi chú"]),
];

fuzz_target!(|data: &[u8]| {
    let private = vec!["số cccd".to_string(), "điện thoại".to_string()];
    let mut opts = LoadOptions::new(FIELDS);
    opts.private_columns = &private;
    let _ = load_csv_bytes(data, Path::new("data/danh-sach.csv"), &opts);
});
