import 'reflect-metadata';
import type { ConfigType } from '@nestjs/config';
import { createApp } from './app.factory';
import { AppModule } from './app.module';
import { LogFlusher } from './common/logging/logging.module';
import { ClientsService } from './clients/clients.service';
import { appConfig } from './config/app.config';
import { EnvironmentError, loadEnvironment } from './config/env.validation';
import { oauthConfig } from './config/oauth.config';
import { describeDemo, seedDemoData } from './demo-seed';
import { MaintenanceService } from './maintenance/maintenance.service';
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

  if (!settings.isProduction) {
    const demo = await seedDemoData(app.get(UsersService), app.get(ClientsService));
    if (demo) process.stdout.write(describeDemo(demo, oauth.baseUrl));
  }

  app.get(MaintenanceService).startSchedule();
  await app.listen(settings.port, settings.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  // Boot-time warnings first, then the line operators (and tests) wait for.
  app.get(LogFlusher).flush();
  process.stdout.write(`Tollgate listening on ${settings.host}:${port}, issuer ${oauth.issuer}\n`);
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Tollgate failed to start: ${message}\n`);
  process.exit(1);
});
