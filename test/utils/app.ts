import { Writable } from 'node:stream';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { configureApp, createFastifyAdapter } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { LOG_DESTINATION } from '../../src/common/logging/logging.module';
import { loadEnvironment } from '../../src/config/env.validation';
import { createTestDatabase, TestDatabase } from './database';

export interface TestApp {
  app: NestFastifyApplication;
  /** The raw HTTP server, for supertest. */
  server: ReturnType<NestFastifyApplication['getHttpServer']>;
  dataSource: DataSource;
  database: TestDatabase;
  /** Every log line the app wrote, as text. */
  logs: string[];
  get<T>(token: string | symbol | (abstract new (...args: never[]) => T)): T;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Reuse a database (e.g. to restart on the same data); created fresh otherwise. */
  database?: TestDatabase;
  /** The root module; AppModule unless a test hosts protected APIs of its own (see appModuleMetadata). */
  module?: Type;
}

/**
 * Settings every test app starts from: no rate limits unless a spec turns them on, and the cheapest
 * password-hash cost the server accepts (specs that measure a login set the production cost).
 */
const TEST_DEFAULTS = {
  LOG_LEVEL: 'info',
  RATE_LIMIT_ENABLED: 'false',
  PASSWORD_HASH_MEMORY_KIB: '7168',
  PASSWORD_HASH_ITERATIONS: '1',
  // The metrics listener stays off unless a spec turns it on (test/metrics.e2e-spec.ts).
  METRICS_PORT: '0',
};

/** Boots the real AppModule (or options.module) with the real migrations on a fresh database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  // Settings are read while the module compiles; the environment is restored right after.
  const saved = { ...process.env };
  Object.assign(process.env, TEST_DEFAULTS, options.env, {
    DATABASE_URL: database.url,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  let builder = Test.createTestingModule({ imports: [options.module ?? AppModule] })
    .overrideProvider(LOG_DESTINATION)
    .useValue(destination);
  if (options.override) builder = options.override(builder);
  let env;
  let moduleRef;
  try {
    env = loadEnvironment();
    moduleRef = await builder.compile();
  } finally {
    process.env = saved;
  }
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(env), { bufferLogs: true });
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    server: app.getHttpServer(),
    dataSource: app.get(DataSource),
    database,
    logs,
    get: (token) => app.get(token as never),
    close: async () => {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
