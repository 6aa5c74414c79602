// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per package.
// Usage: node bench/lib/profile.mjs FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

function packageOf(url) {
  if (!url) return '(native/vm)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:core';
  if (url.includes('/dist/')) return `tollgate ${url.slice(url.indexOf('/dist/') + 1)}`;
  return url;
}

/**
 * The file a frame's code comes from. In dist/*.bundle.js (scripts/bundle.mjs) a `// <path>` line opens
 * each module, so a line number names its module: packages and Tollgate's own files count as such.
 */
const bundleModules = new Map();
function sourceOf(callFrame) {
  const url = callFrame.url.replace(/^file:\/\//, '');
  if (!url.endsWith('.bundle.js')) return url;
  if (!bundleModules.has(url)) {
    const starts = [];
    let lines = [];
    try {
      lines = readFileSync(url, 'utf8').split('\n');
    } catch {
      // the bundle was rebuilt or removed since the run: frames keep the bundle's name
    }
    const root = url.slice(0, url.lastIndexOf('/dist/') + 1);
    lines.forEach((line, index) => {
      const match = /^\/\/ ((?:dist|node_modules)\/\S+)$/.exec(line);
      if (match) starts.push([index, root + match[1]]);
    });
    bundleModules.set(url, starts);
  }
  const starts = bundleModules.get(url);
  let low = 0;
  let high = starts.length - 1;
  let found = url;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (starts[middle][0] <= callFrame.lineNumber) {
      found = starts[middle][1];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** Self time (ms) per function and per package, largest first. */
export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  // Start-up (module loading, migrations) is not the hot path: count from the first HTTP request on.
  const servesHttp = new Map();
  const isServing = (id) => {
    if (id === undefined) return false;
    if (!servesHttp.has(id)) {
      servesHttp.set(id, byId.get(id).callFrame.functionName === 'parserOnIncoming' || isServing(parents.get(id)));
    }
    return servesHttp.get(id);
  };
  const { samples, timeDeltas } = profile;
  let first = samples.findIndex((id) => isServing(id));
  if (first < 0) first = 0;
  const selfMicros = new Map();
  for (let i = first; i < samples.length; i += 1) {
    const delta = timeDeltas[i + 1] ?? 0;
    selfMicros.set(samples[i], (selfMicros.get(samples[i]) ?? 0) + delta);
  }
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0) || 1;
  const functions = new Map();
  const packages = new Map();
  for (const [id, micros] of selfMicros) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    const source = sourceOf(callFrame);
    const where = source ? `${source}:${callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + micros);
    const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : packageOf(source);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  }
  // Inclusive time of Tollgate's own functions (dist/): what each hot path costs with its callees.
  const inclusive = new Map();
  for (const [id, micros] of selfMicros) {
    const seen = new Set();
    for (let current = id; current !== undefined; current = parents.get(current)) {
      const { callFrame } = byId.get(current);
      const source = sourceOf(callFrame);
      if (!source.includes('/dist/')) continue;
      const key = `${callFrame.functionName || '(anonymous)'} ${source.slice(source.indexOf('/dist/') + 1)}:${callFrame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
    }
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), percent: (100 * micros) / total }));
  return {
    totalMs: Math.round(total / 1000),
    functions: rank(functions),
    packages: rank(packages),
    tollgateInclusive: rank(inclusive),
  };
}

export function formatSummary(summary) {
  const lines = [`total sampled: ${summary.totalMs} ms`, '', 'self time by package:'];
  for (const row of summary.packages) lines.push(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.name}`);
  lines.push('', 'self time by function:');
  for (const row of summary.functions) lines.push(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.name}`);
  if (summary.tollgateInclusive?.length) {
    lines.push('', 'inclusive time of Tollgate functions (dist/, with callees):');
    for (const row of summary.tollgateInclusive) lines.push(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.name}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/lib/profile.mjs FILE.cpuprofile [TOP]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatSummary(summarizeProfile(file, Number(top) || 25))}\n`);
}
