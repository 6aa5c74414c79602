#!/usr/bin/env node
// `npx tollgate <command>`: the admin CLI with JSON, and only JSON, on stdout (`npm run cli` adds npm's
// own banner lines there unless run as `npm run -s cli`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  // A fresh clone: build once, as `npm run build` does. The build reports on stderr, never into the JSON.
  const stdio = ['ignore', process.stderr, process.stderr];
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
    stdio,
  });
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { stdio });
}
process.exitCode = await require(cli).runCli(process.argv.slice(2));
