import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadEntry } from '../src/bundle-loader';

const BUNDLER = join(__dirname, '..', 'scripts', 'bundle.mjs');

/** A project whose compiled CLI uses what the real packages use: ESM, import.meta, import(), createRequire. */
const PROJECT: Record<string, string> = {
  'dist/.tsbuildinfo': '{}',
  'dist/server.js': 'exports.startServer = async () => "server";\n',
  'dist/cli/run.js': `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runCli = async () => {
  const esm = require("esm-pkg");
  const cjs = require("cjs-pkg");
  const withThis = require("cjs-this");
  return {
    defaultExport: esm.default,
    defaultOfMarkedCommonJs: esm.marked,
    url: esm.url,
    text: esm.text,
    isOneCopyThroughCreateRequire: esm.viaCreateRequire === cjs,
    isOneCopyThroughImport: (await esm.lazy()).default === cjs,
    isTopLevelThisKept: withThis.topThis === true,
    isOneCopyThroughImportInCommonJs: (await withThis.load()).default === cjs,
  };
};
`,
  'node_modules/esm-pkg/package.json': '{ "name": "esm-pkg", "type": "module", "main": "index.js" }',
  'node_modules/esm-pkg/index.js': `import marked from 'cjs-marked';
import { createRequire } from 'node:module';
import { value } from './other.js';
export const url = import.meta.url;
export const viaCreateRequire = createRequire(import.meta.url)('cjs-pkg');
export const lazy = () => import('cjs-pkg');
export const text = 'café — ✓';
export default value;
export { marked };
`,
  'node_modules/esm-pkg/other.js': 'export const value = 42;\n',
  'node_modules/cjs-pkg/index.js': 'module.exports = { name: "cjs-pkg" };\n',
  'node_modules/cjs-marked/index.js':
    'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = "inner";\nexports.named = "n";\n',
  'node_modules/cjs-this/index.js': 'this.topThis = true;\nexports.load = () => import("cjs-pkg");\n',
};

describe('scripts/bundle.mjs', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tollgate-bundler-'));
    for (const [path, text] of Object.entries(PROJECT)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    execFileSync(process.execPath, [BUNDLER, root], { stdio: 'pipe' });
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes ASCII only, so that V8 holds the bundle as a one-byte string', () => {
    expect(readFileSync(join(root, 'dist', 'cli.bundle.js'), 'utf8')).not.toMatch(/[^\t\n\r\x20-\x7e]/);
  });

  it('keeps Node semantics for ES modules, import.meta, import() and createRequire', async () => {
    const cli = loadEntry<{ runCli: () => Promise<unknown> }>(
      'cli',
      () => {
        throw new Error('the bundle was not used');
      },
      join(root, 'dist'),
    );
    await expect(cli.runCli()).resolves.toEqual({
      defaultExport: 42,
      // An ES module's default import of CommonJS is module.exports, even one marked __esModule.
      defaultOfMarkedCommonJs: { default: 'inner', named: 'n' },
      url: pathToFileURL(join(root, 'node_modules', 'esm-pkg', 'index.js')).href,
      text: 'café — ✓',
      isOneCopyThroughCreateRequire: true,
      isOneCopyThroughImport: true,
      isTopLevelThisKept: true,
      isOneCopyThroughImportInCommonJs: true,
    });
  });
});
