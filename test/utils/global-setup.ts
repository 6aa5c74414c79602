import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Options, transformFileSync } from '@swc/core';

const ROOT = join(__dirname, '..', '..');

/**
 * Compiles src/ once per run, with the options Jest compiles it with, so that spawned servers start
 * from JavaScript instead of compiling every file again through ts-node (see process.ts). The
 * MySQL suite runs the real build in dist/ instead. Inside node_modules so packages resolve.
 */
export default function globalSetup(
  _globalConfig: unknown,
  projectConfig: { transform: Array<[string, string, unknown]> },
): void {
  if ((process.env.TEST_DATABASE_URL ?? '').startsWith('mysql://')) return;
  const options = projectConfig.transform.find(([, transformer]) => transformer.includes('@swc/jest'))?.[2];
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'tollgate-test-build-'));
  const compile = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      const target = join(out, relative(join(ROOT, 'src'), path));
      if (entry.isDirectory()) {
        compile(path);
      } else if (!entry.name.endsWith('.ts')) {
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(path, target);
      } else if (!entry.name.endsWith('.spec.ts')) {
        const { code } = transformFileSync(path, { ...(options as Options), filename: path });
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target.replace(/\.ts$/, '.js'), code);
      }
    }
  };
  compile(join(ROOT, 'src'));
  process.env.TOLLGATE_TEST_BUILD = out;
}
