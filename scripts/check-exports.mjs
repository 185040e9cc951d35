// Checks that every built package loads both as ESM (import) and as CommonJS (require), through its
// own `exports` map, and that both formats expose the same names. Each load runs in a fresh Node
// process from the package's folder, so it resolves exactly as a user's install would.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const failures = [];
let checked = 0;

for (const folder of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', folder);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private || !manifest.exports) continue;
  for (const subpath of Object.keys(manifest.exports)) {
    if (subpath.endsWith('.json')) continue;
    const specifier = manifest.name + subpath.slice(1);
    const keys = (format) => {
      const code =
        format === 'esm'
          ? `import(${JSON.stringify(specifier)}).then((m) => console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort())))`
          : `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()))`;
      return execFileSync(process.execPath, ['-e', code], { cwd: dir, encoding: 'utf8' }).trim();
    };
    try {
      const esm = keys('esm');
      const cjs = keys('cjs');
      if (esm !== cjs) failures.push(`${specifier}: ESM exports ${esm} but CJS exports ${cjs}`);
      if (esm === '[]') failures.push(`${specifier}: exports nothing`);
      checked += 1;
    } catch (error) {
      failures.push(`${specifier}: ${error.message.split('\n').slice(0, 6).join('\n')}`);
    }
  }
}

if (failures.length > 0) {
  console.error(`check-exports: ${failures.length} entry point(s) failed\n${failures.join('\n')}`);
  process.exit(1);
}
console.log(`check-exports: ${checked} entry point(s) load as ESM and CJS with the same exports`);
