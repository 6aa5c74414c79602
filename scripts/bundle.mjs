// `npm run build` step after tsc: the CLI and the server as one file each (dist/<name>.bundle.js),
// which src/bundle-loader.ts runs when it is newer than the build and the install. Loading hundreds of
// separate files (resolution, stat calls, the ESM loader) was most of a CLI command's time and of the
// server's start. Without @swc/core (a production install) nothing is bundled and dist/ runs as compiled.
//
// Why not esbuild: Nest 12's ES modules load peers through `createRequire(import.meta.url)` and `import()`
// of computed names (@nestjs/terminus' TypeORM health indicator, @nestjs/mapped-types' class-transformer
// storage). esbuild leaves both to Node (evanw/esbuild#1828), which loads a second copy of a bundled
// package from node_modules: tried, the health check then failed (two TypeORMs), and marking those packages
// external pulls @nestjs/core out twice. Here every require, createRequire and import() resolves to the
// bundle's one copy of a module (the runtime below), with swc only turning each module into CommonJS.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';

/** The project: this script's parent, or the directory given (test/bundle.e2e-spec.ts). */
const ROOT = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
const DIST = join(ROOT, 'dist');
/** Entry (compiled) → bundle name, as src/bundle-loader.ts looks them up. */
const ENTRIES = { cli: 'cli/run.js', server: 'server.js' };
/** Native addons and the drivers only one database needs: loaded from node_modules when required. */
const EXTERNAL_PACKAGES = new Set(['better-sqlite3', 'argon2', 'mysql2']);
const BUILTINS = new Set(builtinModules);

/** Newest of what a bundle is made from: the compiled build, the installed packages, this script. */
function sourcesTime() {
  const inputs = [join(DIST, '.tsbuildinfo'), join(ROOT, 'node_modules', '.package-lock.json'), import.meta.filename];
  return Math.max(...inputs.filter((file) => existsSync(file)).map((file) => statSync(file).mtimeMs));
}

let swc;
try {
  swc = await import('@swc/core');
} catch {
  process.stderr.write('scripts/bundle.mjs: @swc/core is not installed, dist/ runs unbundled\n');
  process.exit(0);
}

const packageTypes = new Map();
/** Whether a .js file is an ES module: the `type` of the nearest package.json. */
function isEsmPackage(directory) {
  if (packageTypes.has(directory)) return packageTypes.get(directory);
  const manifest = join(directory, 'package.json');
  let isEsm;
  if (existsSync(manifest)) isEsm = JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
  else isEsm = dirname(directory) === directory ? false : isEsmPackage(dirname(directory));
  packageTypes.set(directory, isEsm);
  return isEsm;
}

function formatOf(file) {
  if (file.endsWith('.json')) return 'json';
  if (file.endsWith('.mjs')) return 'esm';
  if (file.endsWith('.cjs')) return 'cjs';
  return isEsmPackage(dirname(file)) ? 'esm' : 'cjs';
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const TRANSFORM = {
  swcrc: false,
  configFile: false,
  isModule: true,
  jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022', output: { charset: 'ascii' } },
};

/** A module as a CommonJS function body: ES modules and dynamic import() become require(). */
function toCommonJs(file, format) {
  let code = readFileSync(file, 'utf8');
  if (format === 'json') return `module.exports = ${code};`;
  if (code.startsWith('#!')) code = `//${code}`;
  // One non-ASCII character makes V8 keep the whole bundle as a two-byte string: slower to read and parse.
  if (/[^\t\n\r\x20-\x7e]/.test(code)) {
    try {
      code = swc.minifySync(code, {
        compress: false,
        mangle: false,
        module: format === 'esm',
        format: { comments: false, asciiOnly: true },
      }).code;
    } catch {
      process.stderr.write(`scripts/bundle.mjs: kept non-ASCII text of ${relative(ROOT, file)}\n`);
    }
  }
  if (format === 'esm') {
    code = code
      .replace(/\bimport\.meta\.url\b/g, '__importMetaUrl')
      .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
      .replace(/\bimport\.meta\.filename\b/g, '__filename');
    code = swc.transformSync(code, {
      ...TRANSFORM,
      filename: file,
      // `import()` too: a vm script cannot import() without --experimental-vm-modules.
      module: { type: 'commonjs', importInterop: 'swc', ignoreDynamic: false, strict: false, strictMode: true },
    }).code;
    if (code.includes('__importMetaUrl')) {
      code = `"use strict";\nvar __importMetaUrl = require('node:url').pathToFileURL(__filename).href;\n${code}`;
    }
  } else if (/\bimport\s*\(/.test(code)) {
    // Inside a function, so that the module transform leaves the top-level `this` (module.exports) alone.
    try {
      code = swc.transformSync(`function __commonJsModule() {\n${code}\n}`, {
        ...TRANSFORM,
        filename: file,
        module: { type: 'commonjs', importInterop: 'swc', ignoreDynamic: false, strict: false, strictMode: false },
      }).code;
      code = `${code}\nreturn __commonJsModule.call(this);`;
    } catch {
      process.stderr.write(`scripts/bundle.mjs: kept import() in ${relative(ROOT, file)}\n`);
    }
  }
  return code;
}

/** Every module `entry` requires with a literal specifier, depth first; the entry is module 0. */
function collect(entry) {
  const ids = new Map();
  const modules = [];
  const add = (file) => {
    if (ids.has(file)) return ids.get(file);
    const id = modules.length;
    ids.set(file, id);
    const format = formatOf(file);
    const module = { file, format, code: toCommonJs(file, format), dependencies: {} };
    modules.push(module);
    const resolveFrom = createRequire(file);
    for (const [, , specifier] of module.code.matchAll(/\brequire\(\s*(['"])([^'"\n]+)\1\s*\)/g)) {
      if (specifier in module.dependencies || specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
      if (EXTERNAL_PACKAGES.has(packageName(specifier))) continue;
      let resolved;
      try {
        resolved = resolveFrom.resolve(specifier);
      } catch {
        continue; // optional peers that are not installed: left to the runtime, as without a bundle
      }
      if (BUILTINS.has(resolved) || resolved.endsWith('.node')) continue;
      module.dependencies[specifier] = resolved;
    }
    for (const [specifier, resolved] of Object.entries(module.dependencies)) {
      module.dependencies[specifier] = add(resolved);
    }
    return id;
  };
  add(entry);
  return modules;
}

/** The loader inside a bundle: CommonJS semantics over the module table, node_modules for the rest. */
const RUNTIME = String.raw`
const __path = require('node:path');
const __url = require('node:url');
const __nodeModule = require('node:module');
const __root = __path.join(__dirname, '..');
const __byFile = new Map(__files.map((file, id) => [__path.join(__root, file), id]));
const __cache = [];

// An ES module sees module.exports as the default export of a CommonJS module, even one marked __esModule.
function __esmView(exports) {
  if (!exports || !exports.__esModule || exports.__esmView) return exports;
  const view = { __esModule: true, __esmView: true, default: exports };
  for (const key of Object.keys(exports)) {
    if (key !== 'default' && key !== '__esModule') Object.defineProperty(view, key, { enumerable: true, get: () => exports[key] });
  }
  return view;
}

// A require that finds bundled modules by resolved path: one copy of each package, bundled or not.
function __requireFrom(from) {
  const real = __nodeModule.createRequire(from);
  const bundledRequire = (specifier) => {
    let id;
    try { id = __byFile.get(real.resolve(specifier)); } catch {}
    return id === undefined ? real(specifier) : __load(id);
  };
  return Object.assign(bundledRequire, { resolve: real.resolve, cache: real.cache, main: require.main });
}

// createRequire(import.meta.url) in a bundled module must reach the bundled packages too.
function __moduleShim(filename, own) {
  return new Proxy(__nodeModule, {
    get(target, key) {
      if (key !== 'createRequire') return target[key];
      return (from) => {
        const file = String(from).startsWith('file:') ? __url.fileURLToPath(from) : String(from);
        return file === filename ? own : __requireFrom(file);
      };
    },
  });
}

function __load(id) {
  const cached = __cache[id];
  if (cached) return cached.exports;
  const filename = __path.join(__root, __files[id]);
  const module = { exports: {}, filename, id: filename, loaded: false, children: [], paths: [] };
  __cache[id] = module;
  const dependencies = __dependencies[id];
  const isEsm = __esm[id] === 1;
  let fallback;
  const moduleRequire = (specifier) => {
    if (specifier === 'module' || specifier === 'node:module') return __moduleShim(filename, moduleRequire);
    const dependency = dependencies[specifier];
    let exports;
    if (dependency !== undefined) exports = __load(dependency);
    else exports = (fallback ??= __requireFrom(filename))(specifier);
    return isEsm && (dependency === undefined || __esm[dependency] !== 1) ? __esmView(exports) : exports;
  };
  moduleRequire.resolve = (specifier, options) => (fallback ??= __requireFrom(filename)).resolve(specifier, options);
  moduleRequire.cache = require.cache;
  moduleRequire.main = require.main;
  __modules[id].call(module.exports, module.exports, moduleRequire, module, filename, __path.dirname(filename));
  module.loaded = true;
  return module.exports;
}

module.exports = __load(0);
`;

function writeBundle(name, entry) {
  const modules = collect(entry);
  const parts = [
    `const __files = ${JSON.stringify(modules.map((module) => relative(ROOT, module.file)))};\n`,
    `const __esm = ${JSON.stringify(modules.map((module) => (module.format === 'esm' ? 1 : 0)))};\n`,
    `const __dependencies = ${JSON.stringify(modules.map((module) => module.dependencies))};\n`,
    'const __modules = [\n',
  ];
  for (const module of modules) {
    parts.push(`// ${relative(ROOT, module.file)}\nfunction (exports, require, module, __filename, __dirname) {\n`);
    parts.push(module.code, '\n},\n');
  }
  parts.push('];\n', RUNTIME);
  const bundle = join(DIST, `${name}.bundle.js`);
  // Code caches of an older bundle (src/bundle-loader.ts keys them by the bundle's mtime).
  for (const file of readdirSync(DIST)) if (file.startsWith(`${name}.bundle.js.`)) rmSync(join(DIST, file));
  writeFileSync(bundle, parts.join(''));
  return modules.length;
}

const builtFrom = sourcesTime();
for (const [name, entry] of Object.entries(ENTRIES)) {
  const bundle = join(DIST, `${name}.bundle.js`);
  if (existsSync(bundle) && statSync(bundle).mtimeMs > builtFrom) continue;
  try {
    const count = writeBundle(name, join(DIST, entry));
    process.stderr.write(`dist/${name}.bundle.js: ${count} modules\n`);
  } catch (error) {
    // A package the bundler cannot read must not stop `npm start`: the compiled files run instead.
    rmSync(bundle, { force: true });
    process.stderr.write(`scripts/bundle.mjs: no ${name} bundle, dist/ runs unbundled: ${error}\n`);
  }
}
