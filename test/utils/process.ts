import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMysqlRun } from './database';

const ROOT = join(__dirname, '..', '..');

/**
 * How long a spawned process may take to boot (compile, migrate, listen) or to run to its end. On a
 * busy 2-core machine ts-node alone can take tens of seconds: wait generously, fail with the output.
 */
export const READY_TIMEOUT_MS = 120_000;

/** Jest timeout for tests and hooks that spawn processes: above READY_TIMEOUT_MS, so the spawner reports first. */
export const SPAWNING_TEST_TIMEOUT_MS = 180_000;

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** One running Tollgate process. */
export interface TollgateProcess {
  name: string;
  /** http://127.0.0.1:<port>, known once `listening()` has resolved. */
  baseUrl: string;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the base URL once the server says it listens; rejects if it exits first or takes too long. */
  listening(): Promise<string>;
  /** Resolves when the process has exited; kills it and rejects if it takes too long. */
  exited(): Promise<ProcessResult>;
  /** Sends a signal (SIGTERM unless told) and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<ProcessResult>;
}

/** How to run an entry point: the real build in the MySQL suite, this run's build, or ts-node. */
function scriptOf(entry: 'main' | 'cli'): string[] {
  if (isMysqlRun) {
    const dist = join(ROOT, 'dist', `${entry}.js`);
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first`);
    return [dist];
  }
  // global-setup.ts compiles src/ once per run: far quicker than ts-node compiling it at every start.
  const build = process.env.TOLLGATE_TEST_BUILD;
  if (build && existsSync(join(build, `${entry}.js`))) return [join(build, `${entry}.js`)];
  return ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', `${entry}.ts`)];
}

/**
 * The one spawner: runs `node dist/<entry>.js` in the MySQL suite (which builds first), otherwise
 * src/<entry>.ts compiled with the test's own SWC options (see scriptOf). Only PATH is inherited
 * from the test's environment.
 */
export function spawnTollgate(
  entry: 'main' | 'cli',
  options: { name?: string; args?: string[]; env?: Record<string, string> } = {},
): TollgateProcess {
  const name = options.name ?? entry;
  const child = spawn(process.execPath, [...scriptOf(entry), ...(options.args ?? [])], {
    cwd: ROOT,
    // No metrics listener unless a spec asks for one: several spawned servers would share its port.
    env: { PATH: process.env.PATH ?? '', TS_NODE_SWC: 'true', METRICS_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  const exit = new Promise<ProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  exit.catch(() => undefined); // reported by exited() and listening(), whichever the test awaits
  const waitingForOutput = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
    for (const check of waitingForOutput) check();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });

  /** Waits for `event` to settle within READY_TIMEOUT_MS; on timeout kills the process and reports its output. */
  const withDeadline = <T>(what: string, event: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not ${what} within ${READY_TIMEOUT_MS / 1000} s:\n${output}`));
      }, READY_TIMEOUT_MS);
    });
    return Promise.race([event, deadline]).finally(() => clearTimeout(timer));
  };

  const handle: TollgateProcess = {
    name,
    baseUrl: '',
    output: () => output,
    listening: () =>
      withDeadline(
        'start listening',
        new Promise<string>((resolve, reject) => {
          const check = () => {
            const port = /listening on [^:]+:(\d+)/.exec(stdout)?.[1];
            if (!port) return;
            waitingForOutput.delete(check);
            handle.baseUrl = `http://127.0.0.1:${port}`;
            resolve(handle.baseUrl);
          };
          waitingForOutput.add(check);
          check();
          const early = (reason: unknown) =>
            reject(new Error(`${name} exited (${String(reason)}) before listening:\n${output}`));
          exit.then(({ code, signal }) => early(code ?? signal), early);
        }),
      ),
    exited: () => withDeadline('exit', exit),
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return handle.exited();
    },
  };
  return handle;
}

/**
 * Starts the server (src/main.ts) on a free port of 127.0.0.1 and waits until it listens: as in
 * production (NODE_ENV, quiet logs) unless `env` says otherwise.
 */
export async function startServer(name: string, env: Record<string, string>): Promise<TollgateProcess> {
  const server = spawnTollgate('main', {
    name,
    env: { NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
  });
  await server.listening();
  return server;
}
