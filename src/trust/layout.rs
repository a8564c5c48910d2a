//! Where the trust files live and what format they have; the history chain's format
//! is documented here once (the other `trust` files refer to it).
//!
//! # The history chain
//!
//! The verifiable history: an append-only hash chain of publications in `history/`, the
//! "Lịch sử thay đổi" page and the quarterly register "Danh mục thông tin đã công khai".
//!
//! Each entry `history/NNNN-YYYY-MM-DD.json` holds the items of one publication (the
//! manifest's `items`), their hash, and the SHA-256 of the previous entry's bytes (`prev`).
//! Only `congkhai publish` appends an entry (`build` and `serve` compute the same entry
//! and show it in their output, marked `unrecorded` in the manifest, but never write
//! `history/`), and only when the items or published bytes changed, so a rebuild of the
//! same input adds nothing and is byte-identical. Tables with a key column are kept, after privacy
//! filtering (exactly the published CSV), in `history/data/<sha256>.csv` so the history
//! page can show rows added, removed and changed. Those copies are never published: once
//! a table is withdrawn, its rows leave the site.
//!
//! A broken chain (an entry edited, removed, renamed, a data copy changed) stops every
//! build with a message naming the entry; the chain is never restarted silently.
//!
//! # Entry format
//!
//! An entry file `NNNN-YYYY-MM-DD.json` ([`ENTRY_FORMAT`], `trust::chain::Entry`) holds
//! `format`, `seq` (1, 2, … without gaps), `date` (the build date, never decreasing),
//! `prev` (SHA-256 of the previous entry file's bytes; absent in the first),
//! `items_sha256` (SHA-256 of the items' canonical JSON), `files_sha256` (SHA-256 of the
//! published file list, except [`chain_covered`](super::manifest::chain_covered) files)
//! and `items` (the manifest's items, `trust::manifest::Item`). The site publishes a copy
//! of the chain under [`SITE_CHAIN_DIR`]; the manifest ([`MANIFEST_PATH`]) names the
//! chain's head, so `congkhai verify` can check files → manifest → chain offline.
//!
//! Optional fields, absent in entries of older versions (which therefore keep their
//! bytes, hashes and signatures; a field is written only when it has a value):
//!
//! - `signing_key`: the minisign public key (base64, `RW…`) whose secret key signs this
//!   entry (`[signing] public_key` when it was recorded);
//! - `key_rotated_from`: set when `signing_key` differs from the previous entry's: the
//!   key it replaces (a rotation recorded in the chain);
//! - in each item, `inputs_sha256` (pages: SHA-256 over what staff supplied: the source
//!   without its `correction` line, attachments, data files named by `[record]`) and
//!   `correction` (the reason for a change of the record; carried unchanged while the
//!   inputs stay the same, a new one required when they change).
//!
//! # Signatures
//!
//! `NNNN-YYYY-MM-DD.json.minisig` beside each entry, in `history/` and in the site's copy:
//! a minisign signature (Ed25519, prehashed) of the entry file's bytes whose trusted
//! comment is `congkhai-history seq=N date=YYYY-MM-DD file=NAME sha256=HEX`
//! ([`super::signing::trusted_comment`]). An entry that names a key must be signed by it;
//! one that names none (recorded before the ward had a key, signed later by `congkhai
//! sign`) is checked with the first key named after it, else the site's key. The site
//! publishes the ward's key as `cong-khai/khoa-ky.pub` and every key the chain names as
//! `SITE_CHAIN_DIR/khoa-<KEYID>.pub`.

/// Format tag of a history entry file.
pub const ENTRY_FORMAT: &str = "congkhai-history/1";
/// Where the site publishes its copy of the chain.
pub const SITE_CHAIN_DIR: &str = "cong-khai/lich-su/chuoi";

/// Site-relative path of the manifest.
pub const MANIFEST_PATH: &str = "cong-khai/manifest.json";
/// Format tag of the manifest.
pub const MANIFEST_FORMAT: &str = "congkhai-manifest/1";
