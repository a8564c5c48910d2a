// Browser checks for tests/e2e/run.sh: Debian's chromium driven by playwright-core, axe
// for accessibility. Prints one "ok - …" or "FAIL - …" line per check.
//
//   node tests/e2e/browser.mjs BASE_URL SHOT_DIR CHROMIUM CONFIG_TOML [PUBLIC_DIR]
//
// With PUBLIC_DIR (the built site), one page of every page type is found by its markup and
// checked at 320, 390 and 1366 px: no sideways overflow, the <h1> on the first screen at
// 390×844, axe without any violation (any impact), the phone menu and the desktop menu bar.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'x.js'));
const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');

const [base, shots, executablePath, configPath, publicDir] = process.argv.slice(2);
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

async function axe(name, on = page) {
  const res = await new AxeBuilder({ page: on }).analyze();
  // Every violation fails, whatever its impact (minor and moderate too: issue 14).
  const bad = res.violations;
  check(`axe: no violations of any impact on ${name}`, bad.length === 0,
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('; '));
}

// One page of every page type, found in the built site by markup its template alone
// writes (the demo's content may change; the theme's markup is what is under test).
// Output HTML is minified, so attribute quotes are optional.
const attr = (name, value) => new RegExp(`${name}=["']?(?:[^"'>]*\\s)?${value}(?=[\\s"'>])`);
const PAGE_TYPES = [
  ['home', { path: '/' }],
  ['section list', { path: '/van-ban/', has: [attr('class', 'items')] }],
  ['document', { has: [attr('id', 'thong-tin-van-ban')] }],
  ['merger plan', { has: [attr('class', 'merger-table')] }],
  ['merger plan group', { has: [attr('class', 'group-facts')] }],
  ['consultation', { has: [attr('class', 'result-table')] }],
  ['beneficiary list', { has: [attr('class', 'notice--privacy'), attr('class', 'list-facts')] }],
  ['beneficiary list group', { has: [attr('class', 'list-facts'), attr('id', 'tong-theo-dien')], not: [attr('class', 'notice--privacy'), attr('class', 'print-sheet')] }],
  ['beneficiary list print view', { has: [attr('class', 'print-sheet')] }],
  ['service days', { has: [attr('id', 'dia-diem')] }],
  ['service days place', { has: [attr('id', 'sap-toi')], not: [attr('id', 'dia-diem')] }],
  ['service days session', { has: [attr('id', 'thong-tin-buoi')] }],
  ['service days poster', { has: [attr('class', 'poster__free')] }],
  ['warning', { has: [attr('class', 'warning-box')] }],
  ['warning poster', { has: [attr('class', 'poster__level')] }],
  ['timeline', { has: [attr('id', 'timeline-table')] }],
  ['donations', { has: [attr('id', 'nguon-luc')] }],
  ['programme', { has: [attr('id', 'thong-tin-chuong-trinh')] }],
  ['search', { has: [attr('class', 'tk')] }],
  ['history', { has: [attr('class', 'page--history')] }],
  ['open data', { has: [attr('class', 'page--open-data')] }],
  ['404', { missing: true }],
];

function htmlPages(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.html')) out.push(full);
    }
  };
  walk(dir);
  return out.map((f) => {
    const rel = path.relative(dir, f).split(path.sep).join('/');
    const url = '/' + rel.replace(/(^|\/)index\.html$/, '$1');
    return { url, html: readFileSync(f, 'utf8') };
  }).sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

function findPageTypes(dir) {
  const pages = htmlPages(dir).filter((p) => !/<meta http-equiv=["']?refresh/i.test(p.html));
  return PAGE_TYPES.map(([name, rule]) => {
    if (rule.missing) return { name, url: '/khong-co-trang-nay/', status: 404 };
    const hit = pages.find((p) => (!rule.path || p.url === rule.path)
      && (rule.has || []).every((re) => re.test(p.html)) && !(rule.not || []).some((re) => re.test(p.html)));
    return { name, url: hit && hit.url, status: 200 };
  });
}

// Measured in the page: sideways overflow, the <h1>'s box, the menus, the banner.
function measure() {
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const shown = getComputedStyle(el).display !== 'none' && r.width > 0 && r.height > 0;
    return { top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right, height: r.height, shown };
  };
  const de = document.documentElement;
  const links = [...document.querySelectorAll('.site-nav a')].map((a) => {
    const r = a.getBoundingClientRect();
    const cs = getComputedStyle(a);
    return { top: Math.round(r.top), textLeft: r.left + parseFloat(cs.paddingLeft), height: r.height };
  });
  const main = document.querySelector('main');
  const mainLeft = main ? main.getBoundingClientRect().left + parseFloat(getComputedStyle(main).paddingLeft) : 0;
  return {
    scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, innerWidth,
    h1: box(document.querySelector('h1')), h1count: document.querySelectorAll('h1').length,
    summary: box(document.querySelector('.menu > summary')), desktopNav: box(document.querySelector('.site-nav')),
    banner: box(document.querySelector('.alert[role=region]')), links, mainLeft,
  };
}

const WIDTHS = [320, 390, 1366];
const FIRST_SCREEN = { width: 390, height: 844 };

async function pageTypes() {
  const types = findPageTypes(publicDir);
  for (const t of types) check(`page type "${t.name}" found in the built site`, !!t.url);
  const found = types.filter((t) => t.url);
  const firstScreen = [];
  for (const width of WIDTHS) {
    const phone = width < 1000;
    const ctx = await browser.newContext({
      viewport: { width, height: phone ? FIRST_SCREEN.height : 768 }, locale: 'vi-VN',
      isMobile: phone, hasTouch: phone, deviceScaleFactor: phone ? 2 : 1,
    });
    ctx.on('request', (r) => requests.push(r.url()));
    const p = await ctx.newPage();
    p.on('pageerror', (e) => consoleErrors.push(String(e)));
    const wide = [];
    for (const t of found) {
      const res = await p.goto(`${base}${t.url}`, { waitUntil: 'load' });
      const status = res ? res.status() : 0;
      if (status !== t.status) check(`${t.name} ${t.url} answers ${t.status}`, false, String(status));
      const m = await p.evaluate(measure);
      // On a phone (isMobile) an overflowing page widens the layout viewport, so compare
      // with the width asked for, not only with innerWidth.
      const over = Math.max(m.scrollWidth, m.innerWidth) - width;
      if (over > 0) wide.push(`${t.name} ${t.url}: ${Math.max(m.scrollWidth, m.innerWidth)} px`);
      const shot = `${t.name.replace(/\s+/g, '-')}-${width}.png`;
      await p.screenshot({ path: path.join(shots, shot) });
      if (width === FIRST_SCREEN.width) {
        const h1 = m.h1;
        firstScreen.push(`${t.name} ${h1 ? Math.round(h1.top) : '–'}`);
        check(`390×844: ${t.name} ${t.url} has one <h1>`, m.h1count === 1, String(m.h1count));
        check(`390×844: ${t.name}: the <h1> starts on the first screen`, !!h1 && h1.top < FIRST_SCREEN.height,
          h1 ? `top ${Math.round(h1.top)} px` : 'no h1');
        check(`390×844: ${t.name}: the whole <h1> fits on the first screen`, !!h1 && h1.bottom <= FIRST_SCREEN.height,
          h1 ? `bottom ${Math.round(h1.bottom)} px` : 'no h1');
        if (m.banner && m.banner.shown) {
          check(`390×844: ${t.name}: the warning banner is short (≤ 90 px)`, m.banner.height <= 90, `${Math.round(m.banner.height)} px`);
        }
        if (m.summary) {
          check(`390×844: ${t.name}: menu folded behind "Danh mục", desktop bar hidden`,
            m.summary.shown && !(m.desktopNav && m.desktopNav.shown));
        }
        await axe(`${t.name} ${t.url} at ${width} px`, p);
      }
      if (width === 320) await axe(`${t.name} ${t.url} at ${width} px`, p);
      if (width === 1366) {
        if (m.links.length) {
          const rows = [...new Set(m.links.map((l) => l.top))];
          const firstInRow = rows.map((top) => m.links.find((l) => l.top === top));
          const misaligned = firstInRow.filter((l) => Math.abs(l.textLeft - m.mainLeft) > 2);
          check(`1366 px: ${t.name}: menu bar shown, each row starts at the content's left edge`,
            !(m.summary && m.summary.shown) && misaligned.length === 0 && m.links.every((l) => l.height >= 44),
            `rows at ${firstInRow.map((l) => Math.round(l.textLeft)).join('/')} px, content at ${Math.round(m.mainLeft)} px`);
        }
        await axe(`${t.name} ${t.url} at ${width} px`, p);
      }
    }
    check(`${width} px: no sideways overflow on ${found.length} page types`, wide.length === 0, wide.join('; '));
    await ctx.close();
  }
  console.log(`note - top of <h1> at 390×844 (px): ${firstScreen.join(', ')}`);

  // The phone menu works without JavaScript, from the keyboard.
  const ctx = await browser.newContext({ viewport: FIRST_SCREEN, locale: 'vi-VN', javaScriptEnabled: false });
  const p = await ctx.newPage();
  await p.goto(`${base}/`, { waitUntil: 'load' });
  const summary = p.locator('details.menu > summary');
  if (await summary.count()) {
    const name = (await summary.innerText()).trim();
    check('phone menu button says "Danh mục"', name === 'Danh mục', name);
    const firstLink = p.locator('details.menu nav a').first();
    check('phone menu starts closed', !(await firstLink.isVisible()));
    await summary.focus();
    const ring = await summary.evaluate((el) => getComputedStyle(el).outlineStyle !== 'none' || getComputedStyle(el).boxShadow !== 'none');
    check('phone menu button shows keyboard focus', ring);
    await p.keyboard.press('Enter');
    check('Enter opens the phone menu (no JavaScript)', await firstLink.isVisible());
    await p.keyboard.press('Tab');
    const focused = await p.evaluate(() => document.activeElement && document.activeElement.closest('details.menu nav') !== null);
    check('Tab moves from the menu button into the menu', focused);
    await p.emulateMedia({ media: 'print' });
    const printed = await p.evaluate(() => ['details.menu', '.site-nav'].map((s) => document.querySelector(s))
      .filter((el) => el && getComputedStyle(el).display !== 'none').length);
    check('print: neither menu is printed', printed === 0);
  } else {
    check('phone menu (details.menu > summary) present', false);
  }
  await ctx.close();
}

// The answers people come for (issue 14): consultation results legible on a phone and whole
// on a desktop.
async function answers(types) {
  // "Am I on the list?": type a name without diacritics on the list page, see its row.
  const list = types.find((t) => t.name === 'beneficiary list' && t.url);
  if (list) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN', isMobile: true, hasTouch: true });
    const p = await ctx.newPage();
    await p.goto(`${base}${list.url}`, { waitUntil: 'load' });
    const box = p.locator('.name-lookup__box');
    if (await box.count()) {
      // The first name the list's group pages show, typed folded ("Bùi Hồng Nhung" → "bui hong nhung").
      const data = await p.evaluate(async () => (await fetch(document.querySelector('[data-lookup]').dataset.lookup)).json());
      const name = data.rows[0][0];
      const typed = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
      await p.fill('#tra-cuu-ten', typed);
      const hit = p.locator('.name-lookup__results li a', { hasText: name }).first();
      await hit.waitFor({ timeout: 5000 }).catch(() => {});
      const found = await hit.count();
      check(`name lookup: "${typed}" finds "${name}" on the list page`, found > 0, await p.locator('.name-lookup__status').innerText());
      if (found) {
        const href = await hit.getAttribute('href');
        await p.goto(href, { waitUntil: 'load' });
        const rows = await p.locator('tbody th[scope=row]').allInnerTexts();
        check('name lookup: the link opens the group page that lists the name', rows.map((r) => r.trim()).includes(name), href);
      }
      await p.goto(`${base}/tim-kiem/?q=${encodeURIComponent(typed)}`, { waitUntil: 'load' });
      await p.locator('#tk-hint:not([hidden])').waitFor({ timeout: 5000 }).catch(() => {});
      const hint = await p.locator('#tk-hint:not([hidden]) a').count();
      check(`search for a name ("${typed}") points to the list's name lookup`, hint > 0);
    } else {
      check('name lookup on the beneficiary list page', false, list.url);
    }
    await ctx.close();
  }
  const consultation = types.find((t) => t.name === 'consultation' && t.url);
  if (!consultation) return;
  for (const width of [390, 1366]) {
    const ctx = await browser.newContext({ viewport: { width, height: 844 }, locale: 'vi-VN', isMobile: width < 1000 });
    const p = await ctx.newPage();
    await p.goto(`${base}${consultation.url}`, { waitUntil: 'load' });
    const r = await p.evaluate(() => {
      const svg = document.querySelector('svg.bar-chart');
      const scale = svg ? svg.getScreenCTM().a : 0;
      const fonts = [...document.querySelectorAll('svg.bar-chart text')]
        .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
      const table = document.querySelector('.result-table');
      const wrap = table && table.closest('.table-wrap');
      const cells = table ? [...table.querySelectorAll('tbody tr:first-child > *')] : [];
      const right = wrap ? wrap.getBoundingClientRect().right : 0;
      return {
        minFont: fonts.length ? Math.min(...fonts) : 0, labels: fonts.length,
        hidden: cells.filter((c) => c.getBoundingClientRect().right > right + 1).map((c) => c.textContent.trim()),
        cards: table ? getComputedStyle(table.querySelector('tbody td')).display === 'block' : false,
        headline: (document.querySelector('.verdict__headline') || {}).textContent || '',
      };
    });
    if (width === 390) {
      check(`390 px: consultation chart labels render at ≥ 12 px`, r.labels > 0 && r.minFont >= 12, `${r.minFont.toFixed(1)} px over ${r.labels} labels`);
      check('390 px: consultation rows are stacked cards', r.cards);
    } else {
      check('1366 px: no consultation column hidden off the right edge', r.hidden.length === 0, r.hidden.join(', '));
    }
    check(`${width} px: the consultation leads with its verdict`, /đạt/.test(r.headline), r.headline);
    await ctx.close();
  }
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
  // :visible — the menu is in the page twice (phone disclosure, desktop bar), one shown.
  const sectionLink = page.locator('a[href$="/van-ban/"]:visible').first();
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

  // Every page type at phone and desktop widths.
  if (publicDir) await pageTypes();
  if (publicDir) await answers(findPageTypes(publicDir));

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
