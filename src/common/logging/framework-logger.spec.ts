import type { LoggerService } from '@nestjs/common';
import { FrameworkLogger } from './framework-logger';

function recordingLogger(): { target: LoggerService; calls: Array<[string, ...unknown[]]> } {
  const calls: Array<[string, ...unknown[]]> = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      calls.push([level, ...args]);
  return {
    calls,
    target: { log: record('log'), error: record('error'), warn: record('warn'), debug: record('debug') },
  };
}

describe(FrameworkLogger.name, () => {
  it("moves Nest's route and module lines to debug and keeps the application's at info", () => {
    const { target, calls } = recordingLogger();
    const logger = new FrameworkLogger(target);
    logger.log('Mapped {/oauth/token, POST} route', 'RouterExplorer');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('expired rows deleted', 'MaintenanceService');
    expect(calls.map(([level, , context]) => [level, context])).toEqual([
      ['debug', 'RouterExplorer'],
      ['debug', 'InstanceLoader'],
      ['log', 'MaintenanceService'],
    ]);
  });

  it('drops the start-up claim and the failures server.ts reports itself', () => {
    const { target, calls } = recordingLogger();
    const logger = new FrameworkLogger(target);
    logger.log('Nest application successfully started', 'NestApplication');
    logger.error('Error: listen EADDRINUSE', 'NestApplication');
    logger.error('connect ECONNREFUSED', 'Error: connect ECONNREFUSED\n    at …', 'ExceptionHandler');
    expect(calls).toEqual([]);
  });

  it('turns a database retry into one warning without the stack', () => {
    const { target, calls } = recordingLogger();
    new FrameworkLogger(target).error('Unable to connect. Retrying (1)...', 'Error: x\n    at y', 'TypeOrmModule');
    expect(calls).toEqual([['warn', 'Unable to connect. Retrying (1)...', 'TypeOrmModule']]);
  });
});
