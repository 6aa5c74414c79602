import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A failure counter shared by every instance: one fixed window per key. */
@Entity({ name: 'rate_limits' })
export class RateLimitEntity {
  @PrimaryColumn({ name: 'limit_key', type: 'varchar', length: 200 })
  key: string;

  @Column({ name: 'hits', type: 'integer' })
  hits: number;

  /**
   * Window end in epoch milliseconds: an integer lets one portable statement reset or increment the
   * window atomically on both SQLite and MySQL.
   */
  @Index('idx_rate_limits_window_end')
  @Column({ name: 'window_ends_ms', type: 'bigint' })
  windowEndsMs: string;
}
