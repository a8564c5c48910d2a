// Runs the real generator on a small portal, then queries its index with tim-kiem.js.
// CONGKHAI_BIN names the binary (set by `cargo test --test search`); otherwise
// $CARGO_TARGET_DIR/debug/congkhai or target/debug/congkhai.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const js = require('../../themes/congkhai/static/js/tim-kiem.js');

const APPROVAL = '[approval]\nby = "Trần Văn Mẫu"\nrole = "Chủ tịch UBND phường"\ndecision = "Quyết định số 1/QĐ-UBND"\ndate = 2026-06-01\n';
const page = (title, date, body, extra = '') =>
  `+++\ntitle = "${title}"\ndate = ${date}\n${extra}${APPROVAL}+++\n\n${body}\n`;
const FILES = {
  'config.toml': 'base_url = "https://phuong.example.vn"\ntitle = "Cổng thử"\ntheme = "congkhai"\n[ward]\nname = "Phường Thử"\nprovince = "Tỉnh Mẫu"\n[approval]\nexempt = ["_index.md"]\n',
  'content/_index.md': '+++\ntitle = "Trang chủ"\n+++\n',
  'content/tin/_index.md': '+++\ntitle = "Tin tức"\n+++\n',
  'content/tin/ho-ngheo.md': page('Hỗ trợ hộ nghèo', '2026-06-10', 'Danh sách hộ nghèo khu Đống Đa được <b>rà soát</b>.'),
  'content/tin/rai-rac.md': page('Hộ kinh doanh', '2026-06-11', 'Hộ gia đình ở xa. Người nghèo được hỗ trợ.'),
  'content/tin/duong.md': page('Sửa đường Lê Lợi', '2026-06-01', 'Thi công đường và vỉa hè.'),
  'content/tin/rieng.md': page('Danh sách riêng', '2026-06-01', 'Người nhận riengtuxyz.', 'noindex = true\n'),
};

let root, meta, load;
before(() => {
  const bin = process.env.CONGKHAI_BIN ||
    join(process.env.CARGO_TARGET_DIR || join(dirname(new URL(import.meta.url).pathname), '../../target'), 'debug/congkhai');
  assert.ok(existsSync(bin), `congkhai binary not found at ${bin}: run cargo build, or set CONGKHAI_BIN`);
  root = mkdtempSync(join(tmpdir(), 'tk-'));
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  execFileSync(bin, ['--root', root, 'build', '--now', '2026-11-23'], { stdio: 'pipe' });
  const dir = join(root, 'public/tim-kiem/');
  meta = JSON.parse(readFileSync(dir + 'meta.json', 'utf8'));
  load = (p) => Promise.resolve(JSON.parse(readFileSync(dir + p, 'utf8')));
});

async function titles(q) {
  const r = await js.search(q, meta, load);
  const d = await js.docs(r.ids, meta, load);
  return { titles: d.map((x) => x[1]), partial: r.partial, docs: d };
}

test('"ho ngheo" finds "hộ nghèo", the phrase first', async () => {
  const r = await titles('ho ngheo');
  assert.equal(r.titles[0], 'Hỗ trợ hộ nghèo');
  assert.ok(r.titles.includes('Hộ kinh doanh'), 'both words, apart, still match');
  assert.ok(!r.titles.includes('Sửa đường Lê Lợi'));
  assert.equal(r.partial, false);
});

test('diacritics and case in the query do not matter', async () => {
  assert.deepEqual(await titles('HỘ NGHÈO'), await titles('ho ngheo'));
  assert.deepEqual((await titles('dong da')).titles, ['Hỗ trợ hộ nghèo']);
  assert.deepEqual((await titles('duong')).titles, ['Sửa đường Lê Lợi']);
});

test('the last syllable matches as a prefix', async () => {
  assert.deepEqual((await titles('sua duo')).titles, ['Sửa đường Lê Lợi']);
  assert.ok((await titles('ngh')).titles.includes('Hỗ trợ hộ nghèo'));
});

test('no page has every word: partial results, flagged', async () => {
  const r = await titles('duong ngheo');
  assert.equal(r.partial, true);
  assert.equal(r.titles.length, 3);
  assert.deepEqual((await titles('xyzzy')).titles, []);
  assert.deepEqual((await titles('  !! ')).titles, []);
});

test('noindex pages are not found', async () => {
  assert.deepEqual((await titles('riengtuxyz')).titles, []);
  assert.deepEqual((await titles('danh sach rieng')).titles.filter((t) => t === 'Danh sách riêng'), []);
});

test('results link to the page, relative to /tim-kiem/', async () => {
  const r = await titles('duong');
  assert.equal(r.docs[0][0], 'tin/duong/');
  assert.equal(r.docs[0][3], 'Tin tức');
  assert.equal(r.docs[0][4], '2026-06-01');
});

test('highlight marks folded matches and escapes HTML', () => {
  assert.equal(js.highlight('Hộ nghèo <b>x</b> & "y"', ['ho', 'ngheo']),
    '<mark>Hộ</mark> <mark>nghèo</mark> &#60;b&#62;x&#60;/b&#62; &#38; &#34;y&#34;');
  assert.equal(js.highlight('Đường Đống Đa', ['dong']), 'Đường <mark>Đống</mark> Đa');
  assert.equal(js.highlight('nghèo', ['ng']), '<mark>ng</mark>hèo');
  assert.equal(js.highlight('<script>', []), '&#60;script&#62;');
});

test('shard routing matches Rust (longest key, safe file names)', () => {
  assert.equal(js.keyFor('ho ngheo', ['h', 'ho', 'ho n']), 'ho n');
  assert.equal(js.keyFor('x', ['h']), null);
  assert.equal(js.fileName('ho n'), 'ho-n');
  assert.equal(js.fileName('中'), '_4e2d_');
});
