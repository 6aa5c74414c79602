/**
 * A Date as a DATETIME(3) literal in UTC ("YYYY-MM-DD HH:MM:SS.SSS"): the form TypeORM writes on
 * SQLite, and one MySQL/MariaDB store as is. For hand-written statements on hot paths.
 */
export function toSqlDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
