// Checks the commands the READMEs tell users to run. `npx <name>` asks the registry for a package
// called <name>: a bin name such as `gatehouse-dev-tenant` is not one (and an unscoped name that
// does not exist is anyone's to claim), so every `npx` must name a package we publish, directly or
// with `-p`/`--package`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const published = new Set();
const readmes = [join(root, 'README.md')];
for (const group of ['packages', 'apps']) {
  for (const folder of readdirSync(join(root, group))) {
    const dir = join(root, group, folder);
    if (existsSync(join(dir, 'README.md'))) readmes.push(join(dir, 'README.md'));
    if (!existsSync(join(dir, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (!manifest.private) published.add(manifest.name);
  }
}

const problems = [];
for (const readme of readmes) {
  const lines = readFileSync(readme, 'utf8').split('\n');
  lines.forEach((line, index) => {
    for (const match of line.matchAll(/\bnpx\s+((?:-[^\s]+\s+)*)([^\s`'"]+)/g)) {
      const flags = match[1].trim().split(/\s+/);
      const packageFlag = flags.findIndex((flag) => flag === '-p' || flag === '--package');
      const named = packageFlag >= 0 ? flags[packageFlag + 1] : match[2];
      if (packageFlag < 0 && !published.has(named) && named.startsWith('gatehouse')) {
        problems.push(
          `${readme.slice(root.length)}:${index + 1}: \`npx ${match[2]}\` asks the registry for a package named ${named}; write \`npx -p <package> ${match[2]}\``,
        );
      }
    }
  });
}
if (problems.length) {
  console.error(`check-readmes: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-readmes: ${readmes.length} README(s), every npx names a published package`);
