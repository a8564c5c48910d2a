// Browser checks for tests/e2e/run.sh: Debian's chromium driven by playwright-core, axe
// for accessibility. Prints one "ok - …" or "FAIL - …" line per check.
//
//   node tests/e2e/browser.mjs BASE_URL SHOT_DIR CHROMIUM CONFIG_TOML
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'x.js'));
const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');

const [base, shots, executablePath, configPath] = process.argv.slice(2);
const origin = new URL(base).origin;

// The ward name from config.toml's [ward] table (name = "…").
const config = readFileSync(configPath, 'utf8');
const wardBlock = config.split(/^\[ward\]\s*$/m)[1] || '';
const wardName = (wardBlock.match(/^name\s*=\s*"([^"]+)"/m) || [])[1];

let failures = 0;
function check(name, cond, detail = '') {
  if (cond) console.log(`ok   - ${name}`);
  else {
    failures++;
    console.log(`FAIL - ${name}${detail ? `: ${detail}` : ''}`);
  }
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Every request any page makes, to prove nothing leaves 127.0.0.1.
const requests = [];
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
context.on('request', (r) => requests.push(r.url()));
const page = await context.newPage();
const consoleErrors = [];
page.on('console', (m) => {
  // Failed loads are reported below by URL (the 404 check requests a missing page on purpose).
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
});
const missingUrl = `${base}/khong-co-trang-nay/`;
const brokenLoads = [];
context.on('response', (r) => { if (r.status() >= 400 && r.url() !== missingUrl) brokenLoads.push(`${r.status()} ${r.url()}`); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

async function axe(name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`axe: no serious/critical violations on ${name}`, bad.length === 0,
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('; '));
}

try {
  // Home page.
  const home = await page.goto(`${base}/`, { waitUntil: 'load' });
  check('home page answers 200', home && home.status() === 200, home && String(home.status()));
  const body = await page.locator('body').innerText();
  check(`home page shows the ward name (${wardName})`, !!wardName && body.includes(wardName));
  const lang = await page.getAttribute('html', 'lang');
  check('html lang="vi"', lang === 'vi', String(lang));
  await page.screenshot({ path: path.join(shots, 'home-desktop.png') });
  await page.screenshot({ path: path.join(shots, 'home-desktop-full.png'), fullPage: true });
  await axe('home page');

  // Navigation: home → the documents section → a document, by clicking links.
  const sectionLink = page.locator('a[href$="/van-ban/"]').first();
  check('home links to the documents section', (await sectionLink.count()) > 0);
  await Promise.all([page.waitForLoadState('load'), sectionLink.click()]);
  check('section page reached by clicking', new URL(page.url()).pathname === '/van-ban/', page.url());
  await axe('section page /van-ban/');
  const docLink = page.locator('main a[href*="/van-ban/"]:not([href$="/van-ban/"])').first();
  check('section lists a document', (await docLink.count()) > 0);
  const docHref = await docLink.getAttribute('href');
  await Promise.all([page.waitForURL((u) => u.pathname !== '/van-ban/'), docLink.click()]);
  await page.waitForLoadState('load');
  const docPath = new URL(page.url()).pathname;
  check('document page reached by clicking', docPath.startsWith('/van-ban/') && docPath !== '/van-ban/',
    `${page.url()} (link ${docHref})`);
  const h1 = (await page.locator('h1').first().innerText()).trim();
  check('document page has a title', h1.length > 0);
  await page.screenshot({ path: path.join(shots, 'document-desktop.png') });
  await page.screenshot({ path: path.join(shots, 'document-desktop-full.png'), fullPage: true });
  await axe(`document page ${docPath}`);

  // 404 for a missing URL, with the site's own page.
  const nf = await page.goto(missingUrl, { waitUntil: 'load' });
  check('missing URL answers 404', nf && nf.status() === 404, nf && String(nf.status()));
  const nfText = await page.locator('body').innerText();
  check('404 page is the site\'s (Vietnamese) page', /không tìm thấy/i.test(nfText), nfText.slice(0, 120));

  // Mobile: 360×640, no horizontal scroll, body text ≥ 16px.
  const mobile = await browser.newContext({
    viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN',
  });
  mobile.on('request', (r) => requests.push(r.url()));
  const m = await mobile.newPage();
  await m.goto(`${base}/`, { waitUntil: 'load' });
  const dims = await m.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    font: parseFloat(getComputedStyle(document.body).fontSize),
  }));
  check('mobile 360px: no horizontal scroll on home', dims.scroll <= dims.client, `${dims.scroll} > ${dims.client}`);
  check('mobile: body font-size ≥ 16px', dims.font >= 16, `${dims.font}px`);
  await m.screenshot({ path: path.join(shots, 'home-mobile.png') });
  await m.screenshot({ path: path.join(shots, 'home-mobile-full.png'), fullPage: true });
  await m.goto(`${base}${docPath}`, { waitUntil: 'load' });
  const docDims = await m.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  check('mobile 360px: no horizontal scroll on the document page', docDims.scroll <= docDims.client,
    `${docDims.scroll} > ${docDims.client}`);
  await m.screenshot({ path: path.join(shots, 'document-mobile.png') });
  await m.screenshot({ path: path.join(shots, 'document-mobile-full.png'), fullPage: true });
  await mobile.close();

  // Nothing requested from any other host.
  const foreign = requests.filter((u) => {
    try {
      const url = new URL(u);
      return !(url.protocol === 'data:' || url.protocol === 'blob:' || url.origin === origin);
    } catch { return true; }
  });
  check(`all ${requests.length} requests stay on ${origin}`, foreign.length === 0, [...new Set(foreign)].slice(0, 5).join(', '));
  check('no broken links to resources (4xx/5xx)', brokenLoads.length === 0, brokenLoads.slice(0, 5).join(', '));
  check('no JavaScript errors in the console', consoleErrors.length === 0, consoleErrors.slice(0, 3).join(' | '));
} catch (e) {
  check('browser run completed', false, String(e && e.stack || e));
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
