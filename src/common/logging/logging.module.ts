import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { destination as pinoDestination, type DestinationStream } from 'pino';
import { appConfig } from '../../config/app.config';
import { buildLoggerParams } from './logger.options';

/** Where log lines go: stdout unless a test provides a stream. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useValue: undefined }],
      inject: [appConfig.KEY, LOG_DESTINATION],
      useFactory: (app: ConfigType<typeof appConfig>, destination?: DestinationStream) =>
        // Buffered, asynchronous writes: a synchronous write per request line costs more than the request.
        buildLoggerParams(app.logLevel, destination ?? pinoDestination({ dest: 1, sync: false, minLength: 4096 })),
    }),
  ],
})
export class LoggingModule {}
