// Screenshots of the demo portal for the README (docs/screenshots/), taken by
// docs/screenshots/make.sh: home, a consultation result, a beneficiary list, a service-day
// session and a poster, at phone (390×844) and desktop (1366×900) size, viewport only.
//
//   node tests/e2e/screenshots.mjs BASE_URL OUT_DIR CHROMIUM PUBLIC_DIR NOW
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'x.js'));
const { chromium } = require('playwright-core');

const [base, outDir, executablePath, publicDir, now] = process.argv.slice(2);

// The first session on or after the build date (folders are named YYYY-MM-DD-place).
const sessionsDir = path.join(publicDir, 'lich-ho-tro', 'nha-van-hoa');
const session = readdirSync(sessionsDir).filter((d) => /^\d{4}-\d{2}-\d{2}-/.test(d)).sort()
  .find((d) => d.slice(0, 10) >= now);
const poster = `in-${now.slice(0, 7)}`;

const shots = [
  ['trang-chu', '/'],
  ['ket-qua-lay-y-kien', '/sap-xep-to-dan-pho/ket-qua-lay-y-kien/'],
  ['danh-sach', '/ho-tro/danh-sach-ho-tro-thu-nhap-2026/'],
  ['buoi-ho-tro', `/lich-ho-tro/nha-van-hoa/${session}/`],
  ['ap-phich', `/lich-ho-tro/nha-van-hoa/${poster}/`],
];
const sizes = [['dien-thoai', 390, 844], ['may-tinh', 1366, 900]];

const browser = await chromium.launch({ executablePath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
let failed = 0;
try {
  for (const [size, width, height] of sizes) {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'vi-VN', deviceScaleFactor: 1 });
    const page = await context.newPage();
    for (const [name, p] of shots) {
      const res = await page.goto(`${base}${p}`, { waitUntil: 'load' });
      if (!res || !res.ok()) { failed++; console.log(`FAIL - ${p}: ${res && res.status()}`); continue; }
      const file = path.join(outDir, `${name}-${size}.png`);
      await page.screenshot({ path: file });
      console.log(`ok   - ${file}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
