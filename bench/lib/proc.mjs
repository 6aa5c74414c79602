// Child processes of the benchmark: spawning (pinned to a core when possible), readiness, RSS, cleanup.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, existsSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import process from 'node:process';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set();

/** True when `taskset` exists and the machine has at least two cores. */
export function canPin() {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 && cpuCount() >= 2;
}

export function cpuCount() {
  try {
    const probe = spawnSync('nproc', [], { encoding: 'utf8' });
    const count = Number.parseInt(probe.stdout, 10);
    if (Number.isInteger(count) && count > 0) return count;
  } catch {
    // fall through
  }
  return 1;
}

/** A free TCP port on 127.0.0.1 (the kernel picks one; we release it just before the server binds). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node args...` (on core 0 when `pin`), output to `logFile`. The child is remembered so that
 * every exit path of the benchmark ends it.
 */
export function startNode(args, { env, cwd, logFile, pin }) {
  const command = pin ? 'taskset' : process.execPath;
  const argv = pin ? ['-c', '0', process.execPath, ...args] : args;
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.logFile = logFile;
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  children.add(child);
  return child;
}

/** Runs a command to completion (the admin CLI): stdout as text, throws with stderr on failure. */
export function runToCompletion(args, { env, cwd, timeoutMs = 60_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`node ${args.join(' ')} failed (${signal ?? code}): ${stderr.trim() || stdout.trim()}`));
    });
  });
}

function getStatus(url) {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'GET', timeout: 1000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Waits (at most `timeoutMs`) until `url` answers 200; fails early when the child exits. */
export async function waitReady(child, url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited during start-up (${tail(child.logFile)})`);
    if ((await getStatus(url)) === 200) return;
    await sleep(100);
  }
  throw new Error(`server not ready after ${timeoutMs} ms at ${url} (${tail(child.logFile)})`);
}

/** The last lines of a log file, for error messages. */
export function tail(file, lines = 15) {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    return `log ${file}:\n${text.slice(-lines).join('\n')}`;
  } catch {
    return `no log at ${file}`;
  }
}

/** Resident set size of a process in bytes (Linux /proc), or undefined elsewhere. */
export function rssOf(pid) {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return undefined;
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

let clockTicks;

/** CPU time (user + system, ms) a process has used so far (Linux /proc), or undefined elsewhere. */
export function cpuTimeOf(pid) {
  try {
    clockTicks ??= Number.parseInt(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout, 10) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; `stop()` returns the peak and the CPU time used. */
export function sampleRss(pid, everyMs = 250) {
  let peak = rssOf(pid) ?? 0;
  const cpuAtStart = cpuTimeOf(pid);
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== undefined && rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = rssOf(pid);
      if (rss !== undefined && rss > peak) peak = rss;
      const cpuAtEnd = cpuTimeOf(pid);
      const cpuMs = cpuAtStart !== undefined && cpuAtEnd !== undefined ? cpuAtEnd - cpuAtStart : undefined;
      return { peak, cpuMs };
    },
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
export async function stopChild(child, graceMs = 5000) {
  if (!children.has(child) || child.exitCode !== null || child.signalCode !== null) return child.exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const result = await child.exited;
  clearTimeout(timer);
  return result;
}

/** Ends every child still running (synchronous: safe inside an 'exit' handler). */
export function killAllChildren() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}
