// The browser fold must equal crate::text::fold on every row of the golden file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { fold, syllables } = require('../../themes/congkhai/static/js/tim-kiem.js');
const golden = readFileSync(new URL('../fixtures/fold_golden.tsv', import.meta.url), 'utf8');

test('fold matches the golden file', () => {
  let n = 0;
  for (const line of golden.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [input, want] = line.split('\t');
    assert.equal(fold(input), want, `fold(${JSON.stringify(input)})`);
    n++;
  }
  assert.ok(n >= 20, `golden rows: ${n}`);
});

test('syllables split like Rust', () => {
  assert.deepEqual(syllables('Quyết định số 40/QĐ-UBND'), ['quyet', 'dinh', 'so', '40', 'qd', 'ubnd']);
  assert.deepEqual(syllables('  “Hộ  cận nghèo”, '), ['ho', 'can', 'ngheo']);
  assert.deepEqual(syllables('!!!'), []);
});
