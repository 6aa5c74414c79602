import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEntry, saveCodeCache } from './bundle-loader';

/** A dist/ with a one-module bundle, built (mtime) `ageSeconds` after the compile. */
function makeDist(ageSeconds: number): string {
  const root = mkdtempSync(join(tmpdir(), 'tollgate-bundle-'));
  const dist = join(root, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, '.tsbuildinfo'), '{}');
  const bundle = join(dist, 'cli.bundle.js');
  writeFileSync(bundle, "module.exports = { from: 'bundle', dirname: __dirname, main: require('node:path').sep };\n");
  const compiledAt = Date.now() / 1000 - 100;
  utimesSync(join(dist, '.tsbuildinfo'), compiledAt, compiledAt);
  utimesSync(bundle, compiledAt + ageSeconds, compiledAt + ageSeconds);
  return dist;
}

describe('loadEntry', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((dist) => rmSync(join(dist, '..'), { recursive: true, force: true })));

  it('runs a bundle built after the compile, and writes its code cache once', () => {
    const dist = makeDist(10);
    roots.push(dist);
    const entry = loadEntry('cli', () => ({ from: 'compiled' }), dist);
    expect(entry).toEqual({ from: 'bundle', dirname: dist, main: '/' });
    saveCodeCache();
    expect(readdirSync(dist).filter((file) => file.endsWith('.cache'))).toHaveLength(1);
    // Memoized: the same exports, not a second copy of the modules.
    expect(loadEntry('cli', () => ({ from: 'compiled' }), dist)).toBe(entry);
  });

  it('uses the compiled files when the bundle is older than the compile', () => {
    const dist = makeDist(-10);
    roots.push(dist);
    expect(loadEntry('cli', () => ({ from: 'compiled' }), dist)).toEqual({ from: 'compiled' });
  });

  it('uses the compiled files when there is no bundle', () => {
    const dist = makeDist(10);
    roots.push(dist);
    rmSync(join(dist, 'cli.bundle.js'));
    expect(loadEntry('cli', () => ({ from: 'compiled' }), dist)).toEqual({ from: 'compiled' });
  });
});
