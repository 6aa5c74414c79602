import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CliModule } from '../../src/cli/cli.module';
import { isMysqlRun } from './database';

const ROOT = join(__dirname, '..', '..');
const DIST_MAIN = join(ROOT, 'dist', 'main.js');

/** One Tollgate process. */
export interface Instance {
  name: string;
  baseUrl: string;
  output(): string;
  /** Sends a signal and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node dist/main.js` (the MySQL suite builds first) — or, in the SQLite run where there may
 * be no build, the same entry point through ts-node. Every instance shares ISSUER, as behind a load balancer.
 */
export function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const useDist = isMysqlRun;
  if (useDist && !existsSync(DIST_MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first');
  const args = useDist ? [DIST_MAIN] : ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TS_NODE_SWC: 'true',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start:\n${output}`));
    }, 30000);
    exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on [^:]+:(\d+)/.exec(output);
      if (match && timer) {
        clearTimeout(timer);
        resolve({
          name,
          baseUrl: `http://127.0.0.1:${match[1]}`,
          output: () => output,
          stop: async (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
}

/** The admin slice of the app (services, no HTTP) on the cluster's database, for setting up data. */
export async function openControl(databaseUrl: string): Promise<INestApplicationContext> {
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;
  try {
    return await NestFactory.createApplicationContext(CliModule, { logger: false });
  } finally {
    process.env.DATABASE_URL = saved;
  }
}

/** Sends a form POST and returns status, headers and parsed JSON. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}
