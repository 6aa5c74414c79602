import 'reflect-metadata';
import type { ConfigType } from '@nestjs/config';
import { createApp } from './app.factory';
import { AppModule } from './app.module';
import { LogFlusher } from './common/logging/logging.module';
import { ClientsService } from './clients/clients.service';
import { appConfig } from './config/app.config';
import { EnvironmentError, loadEnvironment } from './config/env.validation';
import { oauthConfig } from './config/oauth.config';
import { describeCause } from './database/data-source.options';
import { describeDemo, seedDemoData } from './demo-seed';
import { MaintenanceService } from './maintenance/maintenance.service';
import { MetricsServer } from './metrics/metrics-server';
import { UsersService } from './users/users.service';

async function bootstrap(): Promise<void> {
  let env;
  try {
    env = loadEnvironment();
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const app = await createApp(AppModule, env);
  const settings = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const oauth = app.get<ConfigType<typeof oauthConfig>>(oauthConfig.KEY);

  try {
    const demo = settings.isProduction ? null : await seedDemoData(app.get(UsersService), app.get(ClientsService));
    app.get(MaintenanceService).startSchedule();
    await app.listen(settings.port, settings.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    // Boot-time warnings first, then the line operators (and tests) wait for, then the demo banner.
    app.get(LogFlusher).flush();
    process.stdout.write(`Tollgate listening on ${settings.host}:${port}, issuer ${oauth.issuer}\n`);
    const metrics = app.get(MetricsServer).address;
    if (metrics) process.stdout.write(`Metrics at http://${formatHost(metrics.address)}:${metrics.port}/metrics\n`);
    if (demo) process.stdout.write(describeDemo(demo, oauth.baseUrl));
  } catch (error) {
    // Whatever the app logged before failing (a port in use, a failed seed) is written out first.
    app.get(LogFlusher).flush();
    throw error;
  }
}

/** An address as it goes in a URL: IPv6 literals in brackets. */
function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** A failed start in one JSON line on stderr: what failed and why, no stack (the cause says it). */
function reportFailedStart(error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  const line = {
    level: 60,
    time: Date.now(),
    msg: `Tollgate failed to start: ${describeCause(error)}`,
    ...(typeof code === 'string' ? { code } : {}),
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/** Starts the server (`node dist/main.js`); a failed start is one line on stderr and exit code 1. */
export async function startServer(): Promise<void> {
  try {
    await bootstrap();
  } catch (error) {
    reportFailedStart(error);
    process.exit(1);
  }
}
