// Adds up the vitest JSON reports that each package writes to test-results/vitest.json and prints
// one closing line for the whole run, so a reader (or CI) sees the total at the end.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const packages = [];

for (const group of ['packages', 'apps']) {
  if (!existsSync(join(root, group))) continue;
  for (const folder of readdirSync(join(root, group))) {
    const report = join(root, group, folder, 'test-results', 'vitest.json');
    if (!existsSync(report)) continue;
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    skipped += result.numPendingTests + (result.numTodoTests ?? 0);
    packages.push(`${group}/${folder}: ${result.numPassedTests}`);
  }
}

console.log(`\nper package: ${packages.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed > 0 || passed === 0) process.exit(1);
