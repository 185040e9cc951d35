// The two-format export check. For every package under packages/ (found, not listed), in a fresh
// Node process from the package's folder, so it resolves exactly as a user's install would:
//
// 1. each entry point of its `exports` map loads with `import` and with `require`, and both expose
//    the same names;
// 2. its main entry point is *used* from ESM and from CommonJS (scripts/lib/smoke.mjs: start and
//    stop the dev tenant, build a client, verify a token, answer HTTP), because a CommonJS build
//    can load and list the right names yet fail when called (a default import of an ESM-only
//    dependency compiles to `require(...).default`);
// 3. nothing is written to stderr while doing so: a warning printed on every run is a defect;
// 4. every `bin` is a committed file, not a build output (pnpm links it before any build).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const smoke = new URL('./lib/smoke.mjs', import.meta.url).href;

/** Runs `code` in a fresh Node process in `dir`, as CommonJS (`-e`) or ESM (`--input-type`). */
async function node(format, code, dir) {
  const args = format === 'esm' ? ['--input-type=module', '-e', code] : ['-e', code];
  const { stdout, stderr } = await run(process.execPath, args, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (stderr.trim()) throw new Error(`wrote to stderr:\n${stderr.trim()}`);
  return stdout.trim();
}

const keysCode = (format, specifier) =>
  format === 'esm'
    ? `import(${JSON.stringify(specifier)}).then((m) => console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort())))`
    : `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()))`;

/** Loads the smoke checks (an ESM file either way) and runs them with this format's loader. */
const useCode = (format, name) => {
  const load = format === 'esm' ? '(s) => import(s)' : '(s) => Promise.resolve(require(s))';
  return `import(${JSON.stringify(smoke)}).then(({ run }) => run(${load}, [${JSON.stringify(name)}])).then((unchecked) => console.log(JSON.stringify(unchecked)), (error) => { console.log(error.stack); process.exit(1); })`;
};

const jobs = [];
for (const folder of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', folder);
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  // pnpm links a package's commands at install, before anything is built: a `bin` pointing into
  // dist/ fails on a fresh clone with "Failed to create bin" for every package that depends on it.
  for (const [command, target] of Object.entries(manifest.bin ?? {})) {
    if (!existsSync(join(dir, target)) || /^(\.\/)?dist\//.test(target)) {
      jobs.push(async () => {
        throw new Error(
          `${manifest.name}: bin ${command} is ${target}, which a fresh install does not have; point it at a committed file that imports the build`,
        );
      });
    }
  }
  if (manifest.private || !manifest.exports) continue;
  for (const subpath of Object.keys(manifest.exports)) {
    if (subpath.endsWith('.json')) continue;
    const specifier = manifest.name + subpath.slice(1);
    jobs.push(async () => {
      const [esm, cjs] = await Promise.all([
        node('esm', keysCode('esm', specifier), dir),
        node('cjs', keysCode('cjs', specifier), dir),
      ]);
      if (esm !== cjs) throw new Error(`ESM exports ${esm} but CJS exports ${cjs}`);
      if (esm === '[]') throw new Error('exports nothing');
      return `${specifier}: same names`;
    });
  }
  for (const format of ['esm', 'cjs']) {
    jobs.push(async () => {
      const output = await node(format, useCode(format, manifest.name), dir).catch((error) => {
        throw new Error(`used from ${format}: ${error.stdout?.trim() || error.message}`);
      });
      const unchecked = JSON.parse(output.split('\n').at(-1));
      return unchecked.length
        ? `${manifest.name}: loads from ${format}; no use of it is written in scripts/lib/smoke.mjs yet`
        : `${manifest.name}: used from ${format}`;
    });
  }
}

const failures = [];
const results = [];
let next = 0;
const worker = async () => {
  while (next < jobs.length) {
    const job = jobs[next++];
    try {
      results.push(await job());
    } catch (error) {
      failures.push(error.message.split('\n').slice(0, 12).join('\n'));
    }
  }
};
await Promise.all([worker(), worker(), worker()]);

for (const note of results.filter((result) => result.includes('no use of it'))) console.log(note);
if (failures.length > 0) {
  console.error(`check-exports: ${failures.length} check(s) failed\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log(
  `check-exports: ${results.length} check(s) passed: every entry point loads as ESM and CJS with the same names, and each package works from both`,
);
