// Aggregates the per-round runs into the table, the paired ratios and the target checks.
import { PHASES, PHASE_TITLES } from './phases.mjs';

const MB = 1024 * 1024;
const REQUEST_PHASES = ['client_credentials', 'introspection', 'bearer_me', 'refresh_rotation'];

/** The issue's targets: Tollgate / oidc-provider ratios, latency and memory. */
const RATIO_GOALS = [
  { phase: 'client_credentials', target: 'tollgate-sqlite', min: 2 },
  { phase: 'client_credentials', target: 'tollgate-mysql', min: 1.5 },
  { phase: 'bearer_me', target: 'tollgate-sqlite', min: 1.5 },
  { phase: 'bearer_me', target: 'tollgate-mysql', min: 1.5 },
  { phase: 'introspection', target: 'tollgate-sqlite', min: 1.5 },
  { phase: 'introspection', target: 'tollgate-mysql', min: 1.5 },
  { phase: 'refresh_rotation', target: 'tollgate-sqlite', min: 1.5 },
  { phase: 'refresh_rotation', target: 'tollgate-mysql', min: 1.5 },
];
const P99_GOAL_MS = 20;
const RSS_GOAL_MB = 200;

function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function pairedRatios(runs, phase, numerator, denominator) {
  const perRound = [];
  const rounds = [...new Set(runs.map((run) => run.round))].sort((a, b) => a - b);
  for (const round of rounds) {
    const top = runs.find((run) => run.round === round && run.phase === phase && run.target === numerator && run.ok);
    const bottom = runs.find(
      (run) => run.round === round && run.phase === phase && run.target === denominator && run.ok,
    );
    if (top && bottom && bottom.rps > 0) perRound.push(top.rps / bottom.rps);
  }
  return { phase, numerator, denominator, perRound, median: median(perRound) };
}

export function summarize(runs, options) {
  const rows = [];
  for (const phase of PHASES) {
    const targets = [...new Set(runs.filter((run) => run.phase === phase).map((run) => run.target))];
    for (const target of targets) {
      const mine = runs.filter((run) => run.phase === phase && run.target === target);
      const good = mine.filter((run) => run.ok);
      rows.push({
        phase,
        target,
        label: mine[0].label,
        kind: mine[0].kind,
        rounds: mine.length,
        ok: good.length === mine.length,
        rps: median(good.map((run) => run.rps)),
        rpsPerRound: mine.map((run) => (run.ok ? run.rps : null)),
        p50: median(good.map((run) => run.p50)),
        p99: median(good.map((run) => run.p99)),
        p99Worst: good.length ? Math.max(...good.map((run) => run.p99)) : undefined,
        errors: mine.reduce((sum, run) => sum + run.errors, 0),
        non2xx: mine.reduce((sum, run) => sum + run.non2xx, 0),
        rssMB: Math.max(0, ...mine.map((run) => (run.rssBytes ?? 0) / MB)),
        cpuMsPerRequest: median(good.map((run) => run.cpuMsPerRequest).filter((value) => value !== undefined)),
      });
    }
  }

  const tollgates = [...new Set(runs.filter((run) => run.kind === 'tollgate').map((run) => run.target))];
  const ratios = [];
  for (const phase of PHASES) {
    for (const tollgate of tollgates) {
      for (const other of ['oidc-provider', 'bare-nest']) {
        const ratio = pairedRatios(runs, phase, tollgate, other);
        if (ratio.perRound.length > 0) ratios.push(ratio);
      }
    }
  }

  const goals = [];
  for (const goal of RATIO_GOALS) {
    const ratio = ratios.find(
      (r) => r.phase === goal.phase && r.numerator === goal.target && r.denominator === 'oidc-provider',
    );
    if (!ratio) continue;
    goals.push({
      goal: `${goal.phase} ${goal.target} / oidc-provider ≥ ${goal.min}×`,
      value: ratio.median,
      unit: '×',
      met: ratio.median >= goal.min,
    });
  }
  for (const row of rows.filter((r) => r.kind === 'tollgate' && REQUEST_PHASES.includes(r.phase))) {
    if (row.p99Worst === undefined) continue;
    goals.push({
      goal: `${row.phase} ${row.target} p99 ≤ ${P99_GOAL_MS} ms at ${options.connections} connections`,
      value: row.p99Worst,
      unit: 'ms',
      met: row.p99Worst <= P99_GOAL_MS,
    });
  }
  for (const tollgate of tollgates) {
    const mine = rows.filter((r) => r.target === tollgate);
    const requests = mine.filter((r) => REQUEST_PHASES.includes(r.phase));
    const flows = mine.filter((r) => r.phase === 'auth_code_flow');
    for (const [which, group] of [
      ['request phases', requests],
      ['auth_code_flow (argon2 logins)', flows],
    ]) {
      if (group.length === 0) continue;
      const rss = Math.max(0, ...group.map((r) => r.rssMB));
      goals.push({
        goal: `${tollgate} RSS ≤ ${RSS_GOAL_MB} MB, ${which}`,
        value: rss,
        unit: 'MB',
        met: rss <= RSS_GOAL_MB,
      });
    }
  }
  return { rows, ratios, goals };
}

function cpuPerRequest(ms) {
  if (ms === undefined) return '—';
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

const fixed = (value, digits = 0) => (value === undefined || value === null ? '—' : value.toFixed(digits));

function table(header, lines) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...lines.map((line) => String(line[i]).length)));
  const format = (cells) => `| ${cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}

export function printReport(summary, { options, machine, failures, out }) {
  const write = (text = '') => out.write(`${text}\n`);
  write();
  write(
    `Machine: ${machine.nproc} CPU, ${machine.cpu}, Node ${machine.node}; ` +
      `${machine.pinned ? 'each server pinned to core 0, load generator on core 1' : 'not pinned'}.`,
  );
  write(
    `${options.rounds} round(s), ${options.duration} s per phase${options.smoke ? ` (peers ${options.peerDuration} s)` : ''} ` +
      `after ${options.warmup} s warm-up, ${options.connections} connections, ${options.flowConcurrency} concurrent browser flows.`,
  );
  if (machine.commit) {
    const dirty = machine.uncommittedSrcFiles ? ` + ${machine.uncommittedSrcFiles} uncommitted file(s) in src/` : '';
    write(`Code: commit ${machine.commit}${dirty}.`);
  }
  const busiest = Math.max(machine.loadAverageAtStart?.[0] ?? 0, machine.loadAverageAtEnd?.[0] ?? 0);
  write(`Load average (1 min) at start ${machine.loadAverageAtStart?.[0]}, at end ${machine.loadAverageAtEnd?.[0]}.`);
  if (busiest > machine.nproc * 0.75) {
    write(
      `WARNING: other work was running on this machine (load ${busiest} on ${machine.nproc} CPUs): numbers are noisy.`,
    );
  }
  write();
  write(
    table(
      ['phase', 'server', 'req/s (median)', 'p50 ms', 'p99 ms (worst)', 'errors / non-2xx', 'RSS MB (max)', 'CPU/req'],
      summary.rows.map((row) => [
        row.phase,
        row.label,
        row.ok ? fixed(row.rps, row.phase === 'auth_code_flow' ? 1 : 0) : `FAILED ${fixed(row.rps, 0)}`,
        fixed(row.p50, 1),
        `${fixed(row.p99, 1)} (${fixed(row.p99Worst, 1)})`,
        `${row.errors} / ${row.non2xx}`,
        fixed(row.rssMB, 0),
        cpuPerRequest(row.cpuMsPerRequest),
      ]),
    ),
  );
  if (summary.ratios.length > 0) {
    write();
    write(
      table(
        ['phase', 'ratio', 'per round', 'median'],
        summary.ratios.map((ratio) => [
          ratio.phase,
          `${ratio.numerator} / ${ratio.denominator}`,
          ratio.perRound.map((value) => value.toFixed(2)).join(', '),
          `${ratio.median.toFixed(2)}×`,
        ]),
      ),
    );
  }
  if (summary.goals.length > 0) {
    write();
    write(
      table(
        ['target', 'measured', 'met'],
        summary.goals.map((goal) => [
          goal.goal,
          `${fixed(goal.value, goal.unit === '×' ? 2 : 1)} ${goal.unit}`,
          goal.met ? 'yes' : 'NO',
        ]),
      ),
    );
  }
  if (failures.length > 0) {
    write();
    write('FAILED phases (a fast error is not throughput):');
    for (const failure of failures) {
      write(`  round ${failure.round ?? '-'} ${failure.target ?? ''} ${failure.phase}: ${failure.reason}`);
    }
  }
  write();
  write('Phases:');
  for (const phase of options.phases) write(`  ${phase}: ${PHASE_TITLES[phase]}`);
}
