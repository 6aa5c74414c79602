import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SharedWindow {
  hits: number;
  windowEndsMs: number;
}

/**
 * Where rate-limit windows live so that every instance counts the same hits: the database by
 * default, or Redis (RATE_LIMIT_STORE=redis). Injected by this abstract class.
 */
export abstract class RateLimitStore {
  /** Adds hits to the key's window (starting a new window if it ended) atomically. */
  abstract increment(key: string, windowSeconds: number, now: number, by?: number): Promise<SharedWindow>;

  abstract delete(key: string): Promise<void>;

  /** Removes ended windows, at most `batchSize`; returns how many went. */
  abstract deleteEnded(now: number, batchSize: number): Promise<number>;
}

/** Rate-limit windows in the `rate_limits` table. */
@Injectable()
export class DatabaseRateLimitStore extends RateLimitStore {
  private readonly isMysql: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    this.isMysql = dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
  }

  /** Adds hits to the key's window (starting a new window if it ended) in one atomic statement. */
  async increment(key: string, windowSeconds: number, now: number, by = 1): Promise<SharedWindow> {
    const windowEndsMs = now + windowSeconds * 1000;
    if (this.isMysql) {
      await this.dataSource.query(
        `INSERT INTO rate_limits (limit_key, hits, window_ends_ms) VALUES (?, ?, ?)
         ON DUPLICATE KEY UPDATE
           hits = IF(window_ends_ms <= ?, VALUES(hits), hits + VALUES(hits)),
           window_ends_ms = IF(window_ends_ms <= ?, VALUES(window_ends_ms), window_ends_ms)`,
        [key, by, windowEndsMs, now, now],
      );
      const rows: Array<{ hits: number | string; window_ends_ms: number | string }> = await this.dataSource.query(
        'SELECT hits, window_ends_ms FROM rate_limits WHERE limit_key = ?',
        [key],
      );
      return { hits: Number(rows[0]?.hits ?? by), windowEndsMs: Number(rows[0]?.window_ends_ms ?? windowEndsMs) };
    }
    const rows: Array<{ hits: number; window_ends_ms: number }> = await this.dataSource.query(
      `INSERT INTO rate_limits (limit_key, hits, window_ends_ms) VALUES (?, ?, ?)
       ON CONFLICT (limit_key) DO UPDATE SET
         hits = CASE WHEN window_ends_ms <= ? THEN excluded.hits ELSE hits + excluded.hits END,
         window_ends_ms = CASE WHEN window_ends_ms <= ? THEN excluded.window_ends_ms ELSE window_ends_ms END
       RETURNING hits, window_ends_ms`,
      [key, by, windowEndsMs, now, now],
    );
    return { hits: Number(rows[0].hits), windowEndsMs: Number(rows[0].window_ends_ms) };
  }

  async delete(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limits WHERE limit_key = ?', [key]);
  }

  /** Removes ended windows, at most `batchSize` rows; returns how many went. */
  async deleteEnded(now: number, batchSize: number): Promise<number> {
    const sql = this.isMysql
      ? 'DELETE FROM rate_limits WHERE window_ends_ms <= ? LIMIT ?'
      : 'DELETE FROM rate_limits WHERE limit_key IN (SELECT limit_key FROM rate_limits WHERE window_ends_ms <= ? LIMIT ?)';
    const runner = this.dataSource.createQueryRunner();
    try {
      return (await runner.query(sql, [now, batchSize], true)).affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}
