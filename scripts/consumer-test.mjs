// Consumer tests: what a user gets from the registry, tried as a user would, outside the workspace.
//
// 1. `pnpm pack` every package under packages/ (found, not listed), its `dist` removed first so
//    that `prepack` must build it, and check each tarball: `dist`, every file its `exports`,
//    `main`, `types` and `bin` name, README, LICENSE, `repository`/`homepage`, no `workspace:`
//    ranges, source maps without absolute paths.
// 2. Install all tarballs with npm into one throwaway app in a temp folder (shared by every check,
//    so npm runs once), beside Express 4 with @types/express@4, ioredis 5 and Fastify 5, and check
//    that none of our packages brings its own copy of @types/express or ioredis (peers).
// 3. Run there: an ESM and a CommonJS program using every package (scripts/lib/smoke.mjs), the
//    `gatehouse-dev-tenant` command, and a TypeScript app (Express 4 quick start, the Redis
//    own-client snippet, a `.cts` file with Fastify) type-checked with skipLibCheck: false under
//    moduleResolution node16 and bundler, then compiled and started.
import { execFile, execFileSync as execFileSyncImpl } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const here = new URL('./consumer/', import.meta.url).pathname;
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/** What the consumer app installs beside our packages: the versions we promise to work with. */
const THIRD_PARTY = {
  express: '^4.21.2',
  '@types/express': '^4.17.21',
  ioredis: '^5.4.2',
  fastify: '^5.6.0',
  '@types/node': '^20.19.0',
};

async function sh(command, args, options = {}) {
  try {
    return await exec(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    const output = `${error.stdout ?? ''}\n${error.stderr ?? ''}`.trim();
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd ?? '.'}:\n${output}`);
  }
}

const failures = [];
const fail = (message) => failures.push(message);

const work = mkdtempSync(join(tmpdir(), 'gatehouse-consumers-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tarballs);
mkdirSync(app);

try {
  // 1. Pack. Sequential: each prepack runs turbo, which serialises on its own daemon anyway.
  const packages = [];
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', folder);
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (manifest.private) continue;
    // Whatever the state of the build: `prepack` must bring back what a tarball needs.
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    rmSync(join(dir, 'LICENSE'), { force: true });
    const before = new Set(readdirSync(tarballs));
    await sh('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir });
    const file = readdirSync(tarballs).find((name) => !before.has(name));
    packages.push({ name: manifest.name, folder, file: join(tarballs, file) });
  }
  console.log(`consumer: packed ${packages.map((p) => p.name).join(', ')} (${seconds()})`);

  for (const pkg of packages) checkTarball(pkg);

  // 2. One install for every app.
  const dependencies = { ...THIRD_PARTY };
  for (const pkg of packages) dependencies[pkg.name] = `file:${pkg.file}`;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      { name: 'gatehouse-consumer', private: true, type: 'module', dependencies },
      null,
      2,
    ),
  );
  await sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], {
    cwd: app,
  });
  console.log(`consumer: installed the tarballs with npm (${seconds()})`);
  const installed = (name) =>
    JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
  for (const [name, major] of [
    ['@types/express', '4'],
    ['express', '4'],
    ['ioredis', '5'],
  ]) {
    if (!installed(name).startsWith(`${major}.`))
      fail(`${name}: expected ${major}.x, got ${installed(name)}`);
  }
  for (const name of ['@types/express', 'ioredis']) {
    // A second copy under one of our packages means it is a dependency, not a peer.
    for (const pkg of packages) {
      try {
        const nested = installed(`${pkg.name}/node_modules/${name}`);
        fail(`${pkg.name} installs its own ${name}@${nested} beside the app's: make it a peer`);
      } catch {}
    }
  }

  // 3. The apps.
  copyFileSync(join(root, 'scripts', 'lib', 'smoke.mjs'), join(app, 'smoke.mjs'));
  const names = JSON.stringify(packages.map((pkg) => pkg.name));
  writeFileSync(
    join(app, 'esm.mjs'),
    `import { run } from './smoke.mjs';\nconst unchecked = await run((s) => import(s), ${names});\nconsole.log('esm app: ok', unchecked.length ? \`(only loaded: \${unchecked})\` : '');\n`,
  );
  writeFileSync(
    join(app, 'cjs.cjs'),
    `import('./smoke.mjs').then(({ run }) => run((s) => Promise.resolve(require(s)), ${names})).then(\n  (unchecked) => console.log('commonjs app: ok', unchecked.length ? \`(only loaded: \${unchecked})\` : ''),\n  (error) => { console.error(error); process.exit(1); },\n);\n`,
  );
  copyFileSync(join(here, 'app.ts'), join(app, 'app.ts'));
  copyFileSync(join(here, 'app-cjs.cts'), join(app, 'app-cjs.cts'));
  const compilerOptions = {
    target: 'ES2022',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    lib: ['ES2023', 'DOM'],
  };
  const tsconfig = (name, options, files) =>
    writeFileSync(
      join(app, name),
      JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files }),
    );
  tsconfig(
    'tsconfig.node16.json',
    { module: 'node16', moduleResolution: 'node16', outDir: 'out' },
    ['app.ts', 'app-cjs.cts'],
  );
  tsconfig(
    'tsconfig.bundler.json',
    { module: 'preserve', moduleResolution: 'bundler', noEmit: true },
    ['app.ts'],
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

  const runs = [
    ['esm app', () => clean(sh(process.execPath, ['esm.mjs'], { cwd: app, timeout: 60_000 }))],
    ['commonjs app', () => clean(sh(process.execPath, ['cjs.cjs'], { cwd: app, timeout: 60_000 }))],
    [
      'the gatehouse-dev-tenant command',
      async () => {
        const bin = join(app, 'node_modules', '.bin', 'gatehouse-dev-tenant');
        const out = await clean(sh(bin, ['--help'], { cwd: app }));
        if (!out.includes('Usage: gatehouse-dev-tenant')) throw new Error(`--help printed: ${out}`);
      },
    ],
    [
      'typescript (bundler resolution)',
      () => sh(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], { cwd: app }),
    ],
    [
      'typescript (node16 resolution), then run',
      async () => {
        await sh(process.execPath, [tsc, '-p', 'tsconfig.node16.json'], { cwd: app });
        await clean(sh(process.execPath, ['out/app.js'], { cwd: app, timeout: 60_000 }));
        await clean(sh(process.execPath, ['out/app-cjs.cjs'], { cwd: app, timeout: 60_000 }));
      },
    ],
  ];
  await Promise.all(
    runs.map(async ([name, step]) => {
      try {
        await step();
      } catch (error) {
        fail(`${name}: ${error.message}`);
      }
    }),
  );
  console.log(`consumer: ran the ESM, CommonJS and TypeScript apps (${seconds()})`);
} catch (error) {
  fail(error.message);
} finally {
  if (!process.env.KEEP_CONSUMERS) rmSync(work, { recursive: true, force: true });
  else console.log(`consumer: kept ${work}`);
}

if (failures.length > 0) {
  console.error(`consumer tests: ${failures.length} failure(s)\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log(`consumer tests: passed in ${seconds()}`);

/** A program's output, failing if it wrote anything to stderr (warnings included). */
async function clean(result) {
  const { stdout, stderr } = await result;
  if (stderr.trim()) throw new Error(`wrote to stderr:\n${stderr.trim()}`);
  return stdout;
}

/** What a published tarball must hold. */
function checkTarball({ name, file }) {
  const listing = execFileSyncText('tar', ['-tzf', file]).split('\n').filter(Boolean);
  const files = new Set(listing.map((entry) => entry.replace(/^package\//, '')));
  const manifest = JSON.parse(execFileSyncText('tar', ['-xzOf', file, 'package/package.json']));
  const problems = [];
  for (const required of ['README.md', 'LICENSE', 'package.json']) {
    if (!files.has(required)) problems.push(`no ${required}`);
  }
  if (![...files].some((path) => path.startsWith('dist/'))) problems.push('no dist/');
  const targets = new Set();
  const collect = (value) => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  collect(manifest.main);
  collect(manifest.types);
  collect(manifest.bin);
  for (const target of targets)
    if (!files.has(target)) problems.push(`names ${target}, not in the tarball`);
  if (!manifest.repository || !manifest.homepage) problems.push('no repository/homepage field');
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${dep} is ${range}`);
    }
  }
  const license = files.has('LICENSE')
    ? execFileSyncText('tar', ['-xzOf', file, 'package/LICENSE'])
    : '';
  if (license && !license.startsWith('MIT License'))
    problems.push('LICENSE is not the MIT license');
  for (const map of [...files].filter((path) => path.endsWith('.map'))) {
    const text = execFileSyncText('tar', ['-xzOf', file, `package/${map}`]);
    const { sources = [], file: mapFile } = JSON.parse(text);
    if (
      [...sources, mapFile ?? ''].some((path) => path.startsWith('/') || /^[A-Za-z]:\\/.test(path))
    ) {
      problems.push(`${map} holds an absolute path`);
    }
  }
  if (problems.length) fail(`${name} tarball: ${problems.join('; ')}`);
}

function execFileSyncText(command, args) {
  return execFileSyncImpl(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
