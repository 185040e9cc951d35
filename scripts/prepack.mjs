// `prepack` of every published package: `npm pack`, `pnpm pack` and `pnpm publish` build the
// package (and the packages it depends on, through turbo, cached when nothing changed) and copy the
// root LICENSE beside it, so a tarball always holds `dist`, its types, the README and the LICENSE,
// whatever the state of the build before it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { name } = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
// The workspace's turbo directly (not through `pnpm exec`, one process less per package packed).
execFileSync(
  join(root, 'node_modules', '.bin', 'turbo'),
  ['run', 'build', `--filter=${name}...`, '--output-logs=errors-only'],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
copyFileSync(join(root, 'LICENSE'), join(process.cwd(), 'LICENSE'));
