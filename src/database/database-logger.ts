import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's own messages, through the application's log (JSON lines) instead of console.log. Only
 * what an operator acts on: statements that ran into DB_QUERY_TIMEOUT_MS and driver warnings. SQL
 * parameters are never logged (they may hold hashes of secrets and codes); failed queries surface as
 * errors where they are handled.
 */
export class DatabaseLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(): void {}

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ durationMs: time, query }, 'slow database query');
  }

  logSchemaBuild(): void {}

  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ detail: String(message) }, 'database driver warning');
  }
}
