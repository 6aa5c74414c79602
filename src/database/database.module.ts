import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from '../config/database.config';
import { resolveDataSourceOptions } from './data-source.options';
import { TransactionsService } from './transactions.service';

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
      }),
    }),
  ],
  providers: [TransactionsService],
  exports: [TransactionsService],
})
export class DatabaseModule {}
