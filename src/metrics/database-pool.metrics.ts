import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** The parts of a mysql2 pool its gauges read (internal fields: mysql2 has no public pool statistics). */
interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

function poolOf(dataSource: DataSource): Mysql2Pool | undefined {
  const driver = dataSource.driver as unknown as { pool?: Mysql2Pool };
  return driver.pool;
}

/**
 * Gauges of the database connection pool, read at scrape time: connections in use, idle, the pool's
 * size limit, and requests waiting for a connection. MySQL/MariaDB only: SQLite has one connection
 * and no pool, so no gauge pretends otherwise.
 */
export function registerDatabasePoolMetrics(registry: Registry, dataSource: DataSource): void {
  const type = dataSource.options.type;
  if (type !== 'mysql' && type !== 'mariadb') return;
  const read = (pick: (pool: Mysql2Pool) => number | undefined) => () => {
    const pool = poolOf(dataSource);
    return pool ? (pick(pool) ?? 0) : 0;
  };
  const inUse = read((pool) => (pool._allConnections?.length ?? 0) - (pool._freeConnections?.length ?? 0));
  const gauges: Array<[string, string, () => number]> = [
    ['tollgate_db_pool_connections_in_use', 'Database connections lent out by the pool', inUse],
    [
      'tollgate_db_pool_connections_idle',
      'Open database connections waiting in the pool',
      read((pool) => pool._freeConnections?.length),
    ],
    [
      'tollgate_db_pool_connections_max',
      'Size limit of the pool (DB_POOL_SIZE)',
      read((pool) => pool.config?.connectionLimit),
    ],
    [
      'tollgate_db_pool_requests_waiting',
      'Queries waiting for a free database connection',
      read((pool) => pool._connectionQueue?.length),
    ],
  ];
  for (const [name, help, value] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value());
      },
    });
  }
}
