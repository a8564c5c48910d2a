// Print checks for tests/e2e/run.sh: Chromium's print-to-PDF (playwright's page.pdf, A4)
// of printable pages, read back with poppler's pdftotext page by page. Prints one
// "ok - …" or "FAIL - …" line per check.
//
//   node tests/e2e/print.mjs real    BASE_URL CHROMIUM OUT_DIR PUBLIC_DIR
//   node tests/e2e/print.mjs drafts  BASE_URL CHROMIUM OUT_DIR PUBLIC_DIR
//
// real:   the demo's full beneficiary list print view and a poster: pages within the
//         bound (300 rows on at most 10 pages, and no more PDF pages than the view's
//         "Trang k/n" sheets), the national header on page 1, "Trang k/n" and the list's
//         SHA-256 on every page, no menu or web header text.
// drafts: a --drafts build: every HTML page under PUBLIC_DIR shows the draft mark in the
//         browser, and every printed page of the list print view and of a poster does.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'x.js'));
const { chromium } = require('playwright-core');

const [mode, base, executablePath, outDir, publicDir] = process.argv.slice(2);
const LIST = '/ho-tro/danh-sach-ho-tro-thu-nhap-2026/in/';
const DRAFT = 'BẢN NHÁP – CHƯA PHÊ DUYỆT';
// Text of the web chrome that must never be printed.
const CHROME = ['Bỏ qua, đến nội dung chính', 'Danh mục chính', 'Tìm kiếm trên trang', 'In trang này',
  'Lịch sử thay đổi', 'Cách nhận biết thông tin chính thức'];

let failures = 0;
function check(name, cond, detail = '') {
  if (cond) console.log(`ok   - ${name}`);
  else {
    failures++;
    console.log(`FAIL - ${name}${detail ? `: ${detail}` : ''}`);
  }
}

/** The text of each page of a PDF (pdftotext, one call per page). */
function pdfPages(file) {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const n = Number((info.match(/^Pages:\s+(\d+)/m) || [])[1] || 0);
  const pages = [];
  for (let k = 1; k <= n; k++) {
    pages.push(execFileSync('pdftotext', ['-f', String(k), '-l', String(k), '-layout', file, '-'], { encoding: 'utf8' })
      .normalize('NFC'));
  }
  return pages;
}

/** Every index.html under dir, as site paths ("/a/b/"). */
function sitePages(dir, prefix = '/') {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sitePages(full, `${prefix}${name}/`));
    else if (name.endsWith('.html')) out.push(name === 'index.html' ? prefix : `${prefix}${name}`);
  }
  return out;
}

/** The first poster (a page whose body is .poster-page) under publicDir. */
function firstPoster() {
  return sitePages(publicDir).find((p) => {
    const file = path.join(publicDir, p.endsWith('/') ? `${p}index.html` : p);
    return readFileSync(file, 'utf8').includes('poster-page');
  });
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

async function printPdf(page, sitePath, name) {
  await page.goto(`${base}${sitePath}`, { waitUntil: 'load' });
  const file = path.join(outDir, `${name}.pdf`);
  await page.pdf({ path: file, format: 'A4' });
  return file;
}

try {
  const page = await browser.newPage();
  if (mode === 'real') {
    // The view's own sheets, rows and checksum, from the page itself.
    await page.goto(`${base}${LIST}`, { waitUntil: 'load' });
    const view = await page.evaluate(() => ({
      sheets: document.querySelectorAll('section.sheet').length,
      rows: document.querySelectorAll('.sheet__table tbody tr').length,
      sha: (document.querySelector('.sheet__foot .hash') || {}).textContent || '',
    }));
    const pages = pdfPages(await printPdf(page, LIST, 'danh-sach'));
    const n = pages.length;
    const bound = Math.max(1, Math.ceil(view.rows / 30));
    check(`list print view: ${view.rows} rows print on ${n} A4 pages (at most ${bound})`, view.rows >= 300 && n <= bound,
      `${n} pages for ${view.rows} rows`);
    check('list print view: no sheet spills onto an extra page (PDF pages = sheets)', n === view.sheets,
      `${n} PDF pages, ${view.sheets} sheets`);
    check('list print view: the national header on page 1',
      /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/.test(pages[0] || '') && /Độc lập - Tự do - Hạnh phúc/.test(pages[0] || '')
      && /ỦY BAN NHÂN DÂN/.test(pages[0] || ''));
    const noNumber = pages.map((t, i) => (t.includes(`Trang ${i + 1}/${n}`) ? 0 : i + 1)).filter(Boolean);
    check(`list print view: "Trang k/n" on every page`, noNumber.length === 0, `missing on pages ${noNumber.join(', ')}`);
    // pdftotext may cut the 64-digit hash across lines: compare without white space.
    const noSha = pages.map((t, i) => (view.sha && t.replace(/\s+/g, '').includes(view.sha) ? 0 : i + 1)).filter(Boolean);
    check('list print view: the SHA-256 on every page', view.sha.length === 64 && noSha.length === 0,
      `missing on pages ${noSha.join(', ')}`);
    const chrome = pages.flatMap((t, i) => CHROME.filter((c) => t.includes(c)).map((c) => `page ${i + 1}: ${c}`));
    check('list print view: no menu, web header, button or footer text in print', chrome.length === 0, chrome.slice(0, 5).join('; '));
    const last = pages[n - 1] || '';
    check('list print view: the signature block on the last page', /Lê Thị Mẫu|\(Đã ký\)/.test(last));
    check('list print view: no draft mark in a real build', pages.every((t) => !t.includes(DRAFT)));

    const poster = firstPoster();
    const pp = pdfPages(await printPdf(page, poster, 'poster'));
    check(`poster ${poster}: one A4 page`, pp.length === 1, `${pp.length} pages`);
    check(`poster ${poster}: the national header and issuing body`,
      /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/.test(pp[0] || '') && /ỦY BAN NHÂN DÂN/.test(pp[0] || ''));
    const pchrome = CHROME.filter((c) => (pp[0] || '').includes(c));
    check(`poster ${poster}: no button or web chrome in print`, pchrome.length === 0, pchrome.join('; '));

    // An ordinary approved page printed: page numbers from the @page margin boxes.
    const doc = sitePages(publicDir).find((p) => p.startsWith('/van-ban/') && p.split('/').length === 4);
    if (doc) {
      const dp = pdfPages(await printPdf(page, doc, 'van-ban'));
      const missing = dp.map((t, i) => (t.includes(`Trang ${i + 1}/${dp.length}`) ? 0 : i + 1)).filter(Boolean);
      check(`document ${doc}: "Trang k/n" on every printed page`, missing.length === 0, `missing on ${missing.join(', ')}`);
      check(`document ${doc}: the national header when printed`, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/.test(dp[0] || ''));
      const dchrome = dp.flatMap((t) => CHROME.filter((c) => t.includes(c)));
      check(`document ${doc}: no menu or footer text in print`, dchrome.length === 0, dchrome.join('; '));
    }
  } else {
    // Every HTML page as served, parsed by the browser (DOMParser: a redirect page is
    // read, not followed).
    const all = sitePages(publicDir);
    const unmarked = [];
    for (const p of all) {
      const res = await page.request.get(`${base}${p}`);
      const text = await page.evaluate((h) => (new DOMParser().parseFromString(h, 'text/html').body || {}).textContent || '',
        await res.text());
      if (!res.ok() || !text.normalize('NFC').includes(DRAFT)) unmarked.push(`${p} (${res.status()})`);
    }
    check(`drafts: the draft mark on all ${all.length} HTML pages`, all.length > 50 && unmarked.length === 0,
      unmarked.slice(0, 5).join(', '));
    const pages = pdfPages(await printPdf(page, LIST, 'danh-sach-nhap'));
    const missing = pages.map((t, i) => (t.includes(DRAFT) ? 0 : i + 1)).filter(Boolean);
    check(`drafts: the draft mark on every printed page of the list (${pages.length})`, pages.length > 1 && missing.length === 0,
      `missing on pages ${missing.join(', ')}`);
    const poster = firstPoster();
    const pp = pdfPages(await printPdf(page, poster, 'poster-nhap'));
    check(`drafts: the draft mark on the printed poster ${poster}`, pp.length >= 1 && pp.every((t) => t.includes(DRAFT)));
    const doc = all.find((p) => p.startsWith('/van-ban/') && p.split('/').length === 4);
    if (doc) {
      const dp = pdfPages(await printPdf(page, doc, 'van-ban-nhap'));
      const dm = dp.map((t, i) => (t.includes(DRAFT) ? 0 : i + 1)).filter(Boolean);
      check(`drafts: the draft mark on every printed page of ${doc} (${dp.length})`, dm.length === 0, `missing on ${dm.join(', ')}`);
    }
  }
} catch (e) {
  check('print run completed', false, String(e && e.stack || e));
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
