import { Global, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { databaseConfig } from '../config/database.config';
import { DatabaseOpenError, resolveDataSourceOptions } from './data-source.options';
import { applyMysqlTimeLimits } from './time-limits';
import { TransactionsService } from './transactions.service';

/** host:port/database or the SQLite file, for messages. */
function describeOptions(options?: DataSourceOptions): string {
  if (options && 'host' in options) return `${options.host}:${options.port}/${options.database}`;
  return String(options?.database);
}

/** Puts the MySQL time limits on the connection once it is up (and its migrations have run). */
@Injectable()
export class DatabaseTimeLimits implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) private readonly db: ConfigType<typeof databaseConfig>,
  ) {}

  onModuleInit(): void {
    applyMysqlTimeLimits(this.dataSource, this.db);
  }
}

/** The connection and the unit-of-work helper every module writes through (global, like the connection). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: async (db: ConfigType<typeof databaseConfig>) => ({
        ...(await resolveDataSourceOptions(db)),
        autoLoadEntities: true,
        // Fail the boot after a few tries rather than hanging on an unreachable database.
        retryAttempts: 3,
        retryDelay: 1000,
        verboseRetryLog: true,
      }),
      // The error names the database and the cause, so the retry lines and the final one say why.
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const dataSource = new DataSource(options as DataSourceOptions);
        try {
          return await dataSource.initialize();
        } catch (error) {
          if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
          throw new DatabaseOpenError(describeOptions(options), error);
        }
      },
    }),
  ],
  providers: [TransactionsService, DatabaseTimeLimits],
  exports: [TransactionsService],
})
export class DatabaseModule {}
