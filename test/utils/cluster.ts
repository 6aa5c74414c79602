import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CliModule } from '../../src/cli/cli.module';

/**
 * Helpers for tests against spawned servers (see process.ts): the admin slice of the app on the
 * servers' database to set up data, and HTTP over the network instead of supertest.
 */

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

/** POSTs a form to a spawned server with fetch and returns status, headers and parsed JSON. */
export async function fetchForm(
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
