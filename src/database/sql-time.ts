/**
 * A Date as a DATETIME(3) literal in UTC ("YYYY-MM-DD HH:MM:SS.SSS"): the form TypeORM writes on
 * SQLite, and one MySQL/MariaDB store as is. For hand-written statements on hot paths.
 */
export function toSqlDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A DATETIME read by a hand-written query: SQLite returns a UTC string, mysql2 (timezone 'Z') a Date. */
export function fromSqlDatetime(value: string | Date): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}
