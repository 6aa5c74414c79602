// `npm run bench`: Tollgate against oidc-provider and a bare Nest app, one server at a time, in one run.
// See bench/README.md for what each phase measures and how to read the table.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { clearTimeout, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { closeConnections } from './lib/http.mjs';
import { PHASES, prepareTokens, runAutocannon, runFlows, seedRefreshChains } from './lib/phases.mjs';
import { canPin, cpuCount, killAllChildren, sampleRss, tail } from './lib/proc.mjs';
import { formatSummary, summarizeProfile } from './lib/profile.mjs';
import { BareNestTarget, OidcProviderTarget, TollgateTarget } from './lib/targets.mjs';
import { printReport, summarize } from './lib/report.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH_DIR, '..');
const TARGET_NAMES = ['tollgate-sqlite', 'tollgate-mysql', 'oidc-provider', 'bare-nest'];

const USAGE = `usage: npm run bench -- [options]
  --duration SECONDS     measured time per phase (default 10; 3 with --smoke)
  --warmup SECONDS       warm-up before each measured phase (default 2; none with --smoke)
  --rounds N             rounds, targets alternating within each (default 3; 1 with --smoke)
  --connections N        concurrent connections for the request phases (default 32)
  --user-tokens N        distinct user access tokens bearer_me cycles through (default 1000; 20 with --smoke)
  --flow-concurrency N   concurrent browser flows in auth_code_flow (default 8; 2 with --smoke)
  --phases a,b           subset of ${PHASES.join(',')}
  --targets a,b          subset of ${TARGET_NAMES.join(',')}
  --database URL         also run Tollgate on MySQL/MariaDB (mysql://user:pass@127.0.0.1:3306/tollgate_bench);
                         the database is created fresh and dropped at the end
  --smoke                3-second phases, 1 round, peers 1 second: checks every phase answers 2xx
  --profile              run Tollgate under --cpu-prof and print the top self-time functions
  --output FILE          results JSON (default bench/results/latest.json)
  --tollgate-node-options "FLAGS"  extra node flags for Tollgate (experiments, e.g. "--max-semi-space-size=32")
`;

const STARTED = Date.now();

function log(message) {
  const elapsed = ((Date.now() - STARTED) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${elapsed}s] ${message}\n`);
}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      'user-tokens': { type: 'string' },
      'flow-concurrency': { type: 'string' },
      phases: { type: 'string' },
      targets: { type: 'string' },
      database: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      output: { type: 'string' },
      'tollgate-node-options': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const number = (name, fallback, { min, max, integer = true }) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}")`);
    }
    return value;
  };
  const list = (name, allowed) => {
    if (values[name] === undefined) return allowed;
    const items = values[name]
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length > 0 || items.length === 0) {
      throw new Error(`--${name}: unknown ${unknown.join(', ') || '(empty)'}; choose from ${allowed.join(', ')}`);
    }
    return allowed.filter((item) => items.includes(item));
  };
  const smoke = values.smoke;
  const database = values.database ?? process.env.BENCH_DATABASE_URL;
  if (database !== undefined && !/^(mysql|mariadb):\/\/[^/]+\/\w+$/.test(database)) {
    throw new Error('--database must look like mysql://user:pass@127.0.0.1:3306/tollgate_bench');
  }
  let targets = list('targets', TARGET_NAMES);
  if (!database) targets = targets.filter((name) => name !== 'tollgate-mysql');
  const duration = number('duration', smoke ? 3 : 10, { min: 1, max: 600 });
  return {
    smoke,
    duration,
    peerDuration: smoke ? Math.min(duration, 1) : duration,
    warmup: number('warmup', smoke ? 0 : 2, { min: 0, max: 120, integer: false }),
    rounds: number('rounds', smoke ? 1 : 3, { min: 1, max: 20 }),
    connections: number('connections', 32, { min: 1, max: 1024 }),
    userTokens: number('user-tokens', smoke ? 20 : 1000, { min: 1, max: 100_000 }),
    flowConcurrency: number('flow-concurrency', smoke ? 2 : 8, { min: 1, max: 256 }),
    phases: list('phases', PHASES),
    targets,
    database,
    profile: values.profile,
    tollgateNodeOptions: (values['tollgate-node-options'] ?? '').split(' ').filter(Boolean),
    output: resolve(values.output ?? join(BENCH_DIR, 'results', 'latest.json')),
  };
}

/** Re-runs this script on core 1 so that core 0 is the server's alone. Resolves the child's exit code. */
function reexecPinned() {
  return new Promise((resolvePromise) => {
    const child = spawn(
      'taskset',
      ['-c', '1', process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      {
        stdio: 'inherit',
        env: { ...process.env, BENCH_PINNED: '1' },
      },
    );
    const forward = (signal) => () => child.kill(signal);
    process.on('SIGINT', forward('SIGINT'));
    process.on('SIGTERM', forward('SIGTERM'));
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 + 2 : 1)));
  });
}

function machine(pinned) {
  const cpu = cpus()[0]?.model ?? 'unknown';
  return {
    nproc: cpus().length || cpuCount(),
    cpu: cpu.trim(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    pinned,
    loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
    ...gitState(),
  };
}

/** Which code was measured: the commit, and whether src/ had uncommitted changes when dist/ was built. */
function gitState() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return {};
  const changes = git('status', '--porcelain', '--', 'src').stdout.split('\n').filter(Boolean).length;
  return { commit: head.stdout.trim(), uncommittedSrcFiles: changes };
}

function makeTargets(options, workRoot, pin) {
  const made = [];
  const common = (name) => ({ name, workDir: join(workRoot, name), pin, root: ROOT });
  for (const name of options.targets) {
    if (name === 'tollgate-sqlite') {
      made.push(
        new TollgateTarget({
          ...common(name),
          label: 'Tollgate (SQLite)',
          nodeOptions: options.tollgateNodeOptions,
          cpuProfileDir: options.profile ? join(BENCH_DIR, 'results', 'profiles', name) : undefined,
        }),
      );
    } else if (name === 'tollgate-mysql') {
      made.push(
        new TollgateTarget({
          ...common(name),
          label: 'Tollgate (MySQL)',
          nodeOptions: options.tollgateNodeOptions,
          databaseUrl: options.database,
          cpuProfileDir: options.profile ? join(BENCH_DIR, 'results', 'profiles', name) : undefined,
        }),
      );
    } else if (name === 'oidc-provider') {
      made.push(new OidcProviderTarget({ ...common(name), label: 'oidc-provider 9' }));
    } else if (name === 'bare-nest') {
      made.push(new BareNestTarget({ ...common(name), label: 'bare Nest (ceiling)' }));
    }
  }
  return made;
}

async function runPhase(target, phase, prepared, options, duration) {
  // Refresh chains are seeded before each run, outside the measured time and CPU.
  const seed = async () => {
    if (phase === 'refresh_rotation') {
      prepared.refreshTokens = await seedRefreshChains(target, prepared, options.connections);
    }
  };
  const run = (seconds) =>
    phase === 'auth_code_flow'
      ? runFlows(target, { concurrency: options.flowConcurrency, duration: seconds })
      : runAutocannon(target, phase, prepared, { connections: options.connections, duration: seconds });
  if (options.warmup > 0) {
    await seed();
    const warm = await run(options.warmup);
    // A warm-up that completed nothing is not a failure by itself (a busy machine); a wrong answer is.
    if (warm.errors > 0 || warm.non2xx > 0) return { ...warm, failedIn: 'warm-up' };
  }
  await seed();
  const usage = sampleRss(target.child.pid);
  const measured = await run(duration);
  const { peak, cpuMs } = usage.stop();
  // Server CPU time per answered request: unlike req/s, it barely moves when other work shares the core.
  const cpuMsPerRequest = cpuMs !== undefined && measured.requests > 0 ? cpuMs / measured.requests : undefined;
  return { ...measured, rssBytes: peak, cpuMs, cpuMsPerRequest };
}

function describeFailure(result) {
  const parts = [];
  if (result.non2xx > 0) parts.push(`${result.non2xx} non-2xx (${JSON.stringify(result.statusCodes ?? {})})`);
  if (result.errors > 0)
    parts.push(`${result.errors} errors${result.failures ? `: ${result.failures.join(' | ')}` : ''}`);
  if (result.requests === 0) parts.push('no successful request');
  return `${result.failedIn ? `${result.failedIn}: ` : ''}${parts.join('; ')}`;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const pinnedByUs = process.env.BENCH_PINNED === '1';
  if (!pinnedByUs && canPin()) process.exit(await reexecPinned());
  const pin = pinnedByUs;
  if (!pin) log('note: taskset or a second core is missing: servers and load generator share the CPUs');

  const workRoot = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const targets = makeTargets(options, workRoot, pin);
  let failed = false;

  let cleaning;
  const cleanup = () =>
    (cleaning ??= (async () => {
      killAllChildren();
      closeConnections();
      for (const target of targets) {
        try {
          await target.teardown();
        } catch (error) {
          log(`cleanup of ${target.label}: ${error.message}`);
        }
      }
    })());
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      log(`\n${signal}: stopping servers and cleaning up`);
      const timer = setTimeout(() => process.exit(130), 10_000);
      cleanup().finally(() => {
        clearTimeout(timer);
        process.exit(130);
      });
    });
  }

  const info = machine(pin);
  log(
    `Tollgate benchmark: ${info.nproc} CPU (${info.cpu}), Node ${info.node}, ${pin ? 'servers on core 0, load on core 1' : 'unpinned'}`,
  );
  log(
    `phases ${options.phases.join(', ')}; targets ${targets.map((t) => t.name).join(', ')}; ` +
      `${options.rounds} round(s) of ${options.duration} s after ${options.warmup} s warm-up; ${options.connections} connections`,
  );
  if (!options.database) log('note: no --database given: Tollgate on MySQL/MariaDB is not measured in this run');

  const runs = [];
  const failures = [];
  try {
    for (const target of targets) {
      log(`setting up ${target.label}`);
      await target.setup();
    }
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const target of targets) {
        const phases = options.phases.filter((phase) => target.phases.has(phase));
        if (phases.length === 0) continue;
        log(`round ${round}/${options.rounds}: ${target.label}`);
        await target.start();
        try {
          const prepared = await prepareTokens(target, phases, { userTokens: options.userTokens });
          const duration = target.kind === 'tollgate' ? options.duration : options.peerDuration;
          for (const phase of phases) {
            const result = await runPhase(target, phase, prepared, options, duration);
            const ok = !result.failedIn && result.errors === 0 && result.non2xx === 0 && result.requests > 0;
            runs.push({ round, target: target.name, label: target.label, kind: target.kind, phase, ok, ...result });
            const figures = `${result.rps.toFixed(1)}/s p50 ${result.p50.toFixed(1)} ms p99 ${result.p99.toFixed(1)} ms`;
            if (ok) {
              const cpu =
                result.cpuMsPerRequest === undefined ? '' : `, server CPU ${cpuFigure(result.cpuMsPerRequest)}/req`;
              log(`  ${phase.padEnd(18)} ${figures}, RSS ${Math.round((result.rssBytes ?? 0) / 1048576)} MB${cpu}`);
            } else {
              failed = true;
              const reason = describeFailure(result);
              failures.push({ round, target: target.name, phase, reason });
              log(`  ${phase.padEnd(18)} FAILED: ${reason}`);
            }
          }
        } catch (error) {
          failed = true;
          failures.push({ round, target: target.name, phase: 'set-up', reason: error.message });
          log(`  FAILED before the phases: ${error.message}\n${tail(target.child?.logFile ?? '')}`);
        } finally {
          await target.stop();
          closeConnections();
        }
      }
    }
  } catch (error) {
    failed = true;
    failures.push({ phase: 'set-up', reason: error.message });
    log(`FAILED: ${error.message}`);
  } finally {
    await cleanup();
  }

  info.loadAverageAtEnd = loadavg().map((value) => Number(value.toFixed(2)));
  const summary = summarize(runs, options);
  printReport(summary, { options, machine: info, failures, out: process.stdout });

  const profiles = [];
  if (options.profile) {
    for (const target of targets.filter((t) => t.cpuProfileDir)) {
      for (const file of safeList(target.cpuProfileDir).filter((name) => name.endsWith('.cpuprofile'))) {
        const path = join(target.cpuProfileDir, file);
        const profileSummary = summarizeProfile(path, 20);
        profiles.push({ target: target.name, file: path, ...profileSummary });
        process.stdout.write(`\nCPU profile of ${target.label} (${path}):\n${formatSummary(profileSummary)}\n`);
      }
    }
  }

  mkdirSync(dirname(options.output), { recursive: true });
  const { output: _output, ...shownOptions } = options;
  writeFileSync(
    options.output,
    `${JSON.stringify({ date: new Date().toISOString(), machine: info, options: { ...shownOptions, database: options.database ? redact(options.database) : undefined }, failures, ...summary, runs, profiles }, null, 2)}\n`,
  );
  log(`results written to ${options.output}`);
  if (failed) {
    log(`logs kept in ${workRoot}`);
    log(options.smoke ? 'smoke FAILED: a phase did not answer 2xx' : 'benchmark FAILED: see the failures above');
    process.exitCode = 1;
  } else {
    rmSync(workRoot, { recursive: true, force: true });
    if (options.smoke) log('smoke passed: every phase answered 2xx');
  }
}

function cpuFigure(ms) {
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

main().catch((error) => {
  killAllChildren();
  log(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
