import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { destination as pinoDestination, type DestinationStream, type Logger as PinoLoggerInstance } from 'pino';
import { appConfig } from '../../config/app.config';
import { buildLoggerParams, createRootLogger } from './logger.options';

/** Where log lines go: stdout unless a test provides a stream. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');
/** The one pino instance every log line goes through. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** The stream log lines are written to (LOG_DESTINATION, or buffered stdout). */
const LOG_STREAM = Symbol('LOG_STREAM');

/**
 * Writes out buffered log lines: when the app has started (so boot warnings are seen at once) and at
 * shutdown, before Nest re-raises the signal and the process ends without an exit flush.
 */
@Injectable()
export class LogFlusher implements OnApplicationShutdown {
  constructor(@Inject(LOG_STREAM) private readonly stream: DestinationStream & { flushSync?: () => void }) {}

  flush(): void {
    try {
      this.stream.flushSync?.();
    } catch {
      // Not open yet, or already closed: nothing buffered can be written anyway.
    }
  }

  onApplicationShutdown(): void {
    this.flush();
  }
}

const rootLoggerProviders = [
  { provide: LOG_DESTINATION, useValue: undefined },
  {
    provide: LOG_STREAM,
    inject: [LOG_DESTINATION],
    // Buffered, asynchronous writes: a synchronous write per line costs more than the request.
    useFactory: (destination?: DestinationStream): DestinationStream =>
      destination ?? pinoDestination({ dest: 1, sync: false, minLength: 4096 }),
  },
  {
    provide: ROOT_LOGGER,
    inject: [appConfig.KEY, LOG_STREAM],
    useFactory: (app: ConfigType<typeof appConfig>, stream: DestinationStream): PinoLoggerInstance =>
      createRootLogger(app.logLevel, stream),
  },
  LogFlusher,
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
