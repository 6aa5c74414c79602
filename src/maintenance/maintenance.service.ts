import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ClientAssertionsService } from '../clients/client-assertions.service';
import { AuditService } from '../audit/audit.service';
import { RateLimitStore } from '../common/throttling/rate-limit.store';
import { appConfig } from '../config/app.config';
import { SessionCleanupService } from '../consent/session-cleanup.service';
import { KeysService } from '../tokens/keys/keys.service';
import { RegisteredClientsCleanup } from '../registration/registered-clients-cleanup.service';
import { TokenCleanupService } from '../tokens/token-cleanup.service';

export interface CleanupReport {
  deleted: Record<string, number>;
  batches: number;
  /** True when the run stopped at its batch budget with rows left over; the next run continues. */
  isPartial: boolean;
  /** Retired signing keys whose private part was erased (no token they signed can still be valid). */
  private_keys_erased: number;
}

/**
 * Deletes expired codes, tokens, sessions and rate-limit windows in bounded batches, and erases the
 * private part of signing keys retired for longer than any token lives.
 */
@Injectable()
export class MaintenanceService implements OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<CleanupReport>;

  constructor(
    private readonly tokens: TokenCleanupService,
    private readonly sessions: SessionCleanupService,
    private readonly rateLimits: RateLimitStore,
    private readonly keys: KeysService,
    private readonly clientAssertions: ClientAssertionsService,
    @Inject(appConfig.KEY) private readonly settings: ConfigType<typeof appConfig>,
    private readonly registered: RegisteredClientsCleanup,
    private readonly audit: AuditService,
  ) {}

  /** Runs batches until nothing expired is left or the batch budget is spent. */
  async cleanup(now = new Date()): Promise<CleanupReport> {
    const { cleanupBatchSize: batchSize, cleanupMaxBatches: maxBatches } = this.settings;
    const deleted: Record<string, number> = {};
    const erased = await this.keys.erasePrivatePartsOfExpiredKeys(now);
    let batches = 0;
    for (; batches < maxBatches; batches += 1) {
      const counts = {
        ...(await this.tokens.deleteExpired(now, batchSize)),
        ...(await this.sessions.deleteExpired(now, batchSize)),
        rate_limits: await this.rateLimits.deleteEnded(now.getTime(), batchSize),
        client_assertions: await this.clientAssertions.deleteExpired(now, batchSize),
        ...(await this.registered.deleteExpired(now, batchSize)),
        // Kept AUDIT_RETENTION_DAYS, then pruned like the rest.
        audit_events: await this.audit.deleteExpired(now, batchSize),
      };
      for (const [table, count] of Object.entries(counts)) deleted[table] = (deleted[table] ?? 0) + count;
      if (Object.values(counts).every((count) => count < batchSize)) {
        return { deleted, batches: batches + 1, isPartial: false, private_keys_erased: erased };
      }
    }
    return { deleted, batches, isPartial: true, private_keys_erased: erased };
  }

  /** Runs the cleanup every CLEANUP_INTERVAL_SECONDS on this instance (several instances may run it). */
  startSchedule(): void {
    if (this.timer || this.settings.cleanupIntervalSeconds === 0) return;
    this.timer = setInterval(() => void this.runScheduled(), this.settings.cleanupIntervalSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async runScheduled(): Promise<void> {
    if (this.running) return;
    this.running = this.cleanup();
    try {
      const report = await this.running;
      const total = Object.values(report.deleted).reduce((sum, count) => sum + count, 0);
      if (total > 0) this.logger.log({ deleted: report.deleted, isPartial: report.isPartial }, 'expired rows deleted');
    } catch (error) {
      this.logger.warn({ err: error }, 'cleanup failed; will retry at the next interval');
    } finally {
      this.running = undefined;
    }
  }
}
