import type { LoggerService } from '@nestjs/common';
import type { Logger as PinoLoggerInstance } from 'pino';

/** Nest's start-up chatter (one line per module and route): worth seeing when debugging, noise at info. */
const CHATTY_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Nest passes the context as the last parameter. */
function contextOf(params: unknown[]): unknown {
  return params[params.length - 1];
}

/**
 * Nest's own messages, toned down: start-up chatter at debug; a failed start is reported once by
 * server.ts (Nest's copy would add a stack); a database retry is one warning line without a stack.
 */
export class FrameworkLogger implements LoggerService {
  constructor(private readonly target: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    // "Nest application successfully started" comes before listen(), even when listen then fails:
    // server.ts prints the line that tells the truth.
    if (contextOf(params) === 'NestApplication') return;
    if (CHATTY_CONTEXTS.has(contextOf(params) as string)) this.target.debug?.(message, ...params);
    else this.target.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    // A failed boot (ExceptionHandler) or listen (NestApplication, e.g. EADDRINUSE) is thrown to server.ts.
    if (context === 'ExceptionHandler' || context === 'NestApplication') return;
    if (context === 'TypeOrmModule') {
      this.target.warn(message, context);
      return;
    }
    this.target.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.target.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.target.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.target.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.target.fatal?.(message, ...params);
  }
}

/** A plain Nest logger over pino, for the boot, before the app's own logger exists. */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: PinoLoggerInstance) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: unknown[]) {
    const context = typeof contextOf(params) === 'string' ? contextOf(params) : undefined;
    if (typeof message === 'object' && message !== null) this.logger[level]({ ...message, context });
    else this.logger[level]({ context }, String(message));
  }
}
