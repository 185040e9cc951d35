// Runs after tsup in each package's `build`, on what it wrote to `dist/`:
//
// 1. Source maps name their sources (and `file`) relative to the map. tsup writes some absolute
//    paths (the CommonJS build of a split bundle names its own output file), which would publish
//    the build machine's folders and point nowhere on a user's.
// 2. A type augmentation (`declare global { namespace Express ... }`, `declare module 'fastify'`)
//    is declared once, in the ESM declaration file. tsup writes it into both `index.d.ts` and
//    `index.d.cts`, with types from each format's own copies of our other packages; a program that
//    loads both (a `.cts` file beside `.ts` files, or a CommonJS tool in an ESM app) then fails
//    with TS2717 ("Property 'auth' must be of type 'RequestAuth'"). The CommonJS file references
//    the ESM one instead, so both formats see the one declaration.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';

const dist = join(process.cwd(), 'dist');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** Top-level `declare global { ... }` and `declare module '...' { ... }` blocks of a d.ts text. */
const AUGMENTATION = /^declare (?:global|module ['"][^'"]+['"]) \{\n[\s\S]*?^\}\n/gm;

let maps = 0;
let shared = 0;
for (const path of files(dist)) {
  if (path.endsWith('.map')) {
    const map = JSON.parse(readFileSync(path, 'utf8'));
    let changed = false;
    map.sources = map.sources.map((source) => {
      if (!isAbsolute(source)) return source;
      changed = true;
      return relative(
        dirname(path),
        source.replace(/^.*?\/packages\/[^/]+\//, `${process.cwd()}/`),
      );
    });
    if (typeof map.file === 'string' && isAbsolute(map.file)) {
      map.file = relative(dirname(path), map.file);
      changed = true;
    }
    if (changed) {
      writeFileSync(path, JSON.stringify(map));
      maps += 1;
    }
  } else if (path.endsWith('.d.cts')) {
    const text = readFileSync(path, 'utf8');
    if (!text.match(AUGMENTATION)) continue;
    const esm = `./${path.slice(dirname(path).length + 1).replace(/\.d\.cts$/, '.d.ts')}`;
    const reference = `/// <reference path="${esm}" />\n`;
    const stripped = text.replace(AUGMENTATION, '');
    writeFileSync(path, reference + stripped);
    shared += 1;
  }
}
if (maps + shared > 0) {
  console.log(`after-build: ${maps} source map(s) made relative, ${shared} augmentation(s) shared`);
}
