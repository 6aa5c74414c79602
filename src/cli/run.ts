import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CliModule } from './cli.module';
import { CliError, COMMANDS, READ_ONLY_COMMANDS, USAGE } from './commands';
import { OAuthError } from '../common/oauth/oauth.error';
import { toDatabaseConfig } from '../config/database.config';
import { EnvironmentError, loadEnvironment } from '../config/env.validation';
import { assertDatabaseReady, DatabaseNotReadyError } from '../database/database-readiness';

/** Runs one admin command: JSON on stdout, a message on stderr and exit 1 on failure. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name) {
    // No command is a mistake: usage goes where errors go, so a pipe never reads it as output.
    process.stderr.write(USAGE);
    return 1;
  }
  if (name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${USAGE}`);
    return 1;
  }
  let env;
  try {
    env = loadEnvironment();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  if (READ_ONLY_COMMANDS.has(name)) {
    try {
      await assertDatabaseReady(toDatabaseConfig(env));
    } catch (error) {
      if (!(error instanceof DatabaseNotReadyError)) throw error;
      process.stderr.write(`${name}: ${error.message}\n`);
      return 1;
    }
  }
  let app;
  try {
    app = await NestFactory.createApplicationContext(CliModule, { logger: false, abortOnError: false });
  } catch (error) {
    process.stderr.write(`cannot open the database: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    const result = await command(app, args);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliError || error instanceof OAuthError || error instanceof EnvironmentError) {
      process.stderr.write(`${name}: ${error.message}\n`);
    } else {
      process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 1;
  } finally {
    await app.close();
  }
}
