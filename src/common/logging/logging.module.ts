import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { destination as pinoDestination, type DestinationStream, type Logger as PinoLoggerInstance } from 'pino';
import { appConfig } from '../../config/app.config';
import { buildLoggerParams, createRootLogger } from './logger.options';

/** Where log lines go: stdout unless a test provides a stream. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');
/** The one pino instance every log line goes through. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

const rootLoggerProviders = [
  { provide: LOG_DESTINATION, useValue: undefined },
  {
    provide: ROOT_LOGGER,
    inject: [appConfig.KEY, LOG_DESTINATION],
    useFactory: (app: ConfigType<typeof appConfig>, destination?: DestinationStream): PinoLoggerInstance =>
      // Buffered, asynchronous writes: a synchronous write per line costs more than the request.
      createRootLogger(app.logLevel, destination ?? pinoDestination({ dest: 1, sync: false, minLength: 4096 })),
  },
];

@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: rootLoggerProviders,
      inject: [ROOT_LOGGER],
      useFactory: (logger: PinoLoggerInstance) => buildLoggerParams(logger),
    }),
  ],
})
export class LoggingModule {}
