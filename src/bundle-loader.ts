import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** Entry points that `npm run build` also writes as one file (scripts/bundle.mjs). */
export type BundledEntry = 'cli' | 'server';

interface LoadedBundle {
  script: Script;
  cacheFile: string;
  isCacheUsed: boolean;
}

let loaded: LoadedBundle | undefined;

/** Each entry's exports by bundle path, so that a second call never runs a second copy of its modules. */
const entries = new Map<string, unknown>();

/** A bundle counts only if built after the last compile and the last `npm install`; else it may be stale. */
function isFresh(bundle: string, directory: string): boolean {
  if (!existsSync(bundle)) return false;
  const builtAt = statSync(bundle).mtimeMs;
  const buildInfo = join(directory, '.tsbuildinfo');
  if (!existsSync(buildInfo) || statSync(buildInfo).mtimeMs > builtAt) return false;
  const installed = join(directory, '..', 'node_modules', '.package-lock.json');
  return !existsSync(installed) || statSync(installed).mtimeMs <= builtAt;
}

/**
 * The entry's exports from dist/<name>.bundle.js when a fresh one exists, otherwise from `unbundled`
 * (the compiled files, as in tests and installs without @swc/core). The bundle is compiled with the V8
 * code cache that saveCodeCache() left beside it: on Node 20 neither module.enableCompileCache nor
 * NODE_COMPILE_CACHE exists, and a cache skips parsing 10 MB of JavaScript at every start.
 */
export function loadEntry<T>(name: BundledEntry, unbundled: () => T, directory = __dirname): T {
  const bundle = join(directory, `${name}.bundle.js`);
  if (!entries.has(bundle)) entries.set(bundle, loadBundle<T>(bundle, directory) ?? unbundled());
  return entries.get(bundle) as T;
}

function loadBundle<T>(bundle: string, directory: string): T | undefined {
  if (!isFresh(bundle, directory)) return undefined;
  // The mtime in the name: V8 checks only the source's length before trusting a cache.
  const cacheFile = `${bundle}.${Math.trunc(statSync(bundle).mtimeMs)}.cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // Decoding the Buffer is about twice as fast as readFileSync(bundle, 'utf8') for 10 MB on Node 20.
  const source = readFileSync(bundle).toString('utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  loaded = { script, cacheFile, isCacheUsed: cachedData !== undefined && script.cachedDataRejected === false };
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    module.exports,
    module.exports,
    createRequire(bundle),
    module,
    bundle,
    directory,
  );
  return module.exports;
}

/**
 * Writes the bundle's code cache once its work is done (it then holds the functions that ran), if
 * there was none or V8 refused it. A read-only dist/ only means no cache.
 */
export function saveCodeCache(): void {
  if (!loaded || loaded.isCacheUsed) return;
  const { script, cacheFile } = loaded;
  loaded = undefined;
  const partial = `${cacheFile}.${process.pid}`;
  try {
    writeFileSync(partial, script.createCachedData());
    // Renamed into place: processes starting at the same time never read half a file.
    renameSync(partial, cacheFile);
  } catch {
    // no cache this time
  }
}
