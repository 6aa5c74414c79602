import {
  EntityManager,
  EntityMetadata,
  EntityTarget,
  FindOperator,
  FindOptionsWhere,
  LessThan,
  ObjectLiteral,
} from 'typeorm';
import { toSqlDatetime } from './sql-time';

/** The outcome of consuming a single-use row (a code, a refresh token, a device code…). */
export type Consumption<T> =
  /** This caller consumed it, and only this caller will. */
  | { status: 'consumed'; record: T }
  /** It was consumed before: a replay. */
  | { status: 'replayed'; record: T }
  /** Unknown, someone else's, expired or revoked. */
  | { status: 'invalid' };

export interface SingleUseRow<T extends ObjectLiteral> {
  entity: EntityTarget<T>;
  /** Finds the row, e.g. `{ codeHash }`. */
  where: FindOptionsWhere<T>;
  /** The column that records the use: null until then. */
  usedColumn: keyof T & string;
  /** What else a usable row satisfies: its owner, not revoked, not expired. */
  usable: FindOptionsWhere<T>;
  /** Whether a row found by `where` is the caller's at all; a replay by someone else is merely invalid. */
  isOwnedBy(record: T): boolean;
}

/** A condition of a hand-written statement: SQL with placeholders and its parameters. */
interface Condition {
  sql: string;
  parameters: unknown[];
}

function parameterOf(value: unknown): unknown {
  return value instanceof Date ? toSqlDatetime(value) : value;
}

/** `where` as SQL: equality, `IsNull()`, `MoreThan()` and `LessThan()`, the operators single-use rows need. */
function conditionsOf<T extends ObjectLiteral>(metadata: EntityMetadata, where: FindOptionsWhere<T>): Condition {
  const sql: string[] = [];
  const parameters: unknown[] = [];
  for (const [property, value] of Object.entries(where)) {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column ${property}`);
    const name = column.databaseName;
    if (!(value instanceof FindOperator)) {
      sql.push(`${name} = ?`);
      parameters.push(parameterOf(value));
    } else if (value.type === 'isNull') {
      sql.push(`${name} IS NULL`);
    } else if (value.type === 'moreThan' || value.type === 'lessThan') {
      sql.push(`${name} ${value.type === 'moreThan' ? '>' : '<'} ?`);
      parameters.push(parameterOf(value.value));
    } else {
      throw new Error(`unsupported condition ${value.type} on ${metadata.name}.${property}`);
    }
  }
  return { sql: sql.join(' AND '), parameters };
}

/** The row's entity from a raw row, converted as TypeORM converts what it reads (dates, JSON, booleans). */
function hydrate<T extends ObjectLiteral>(manager: EntityManager, metadata: EntityMetadata, raw: ObjectLiteral): T {
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    (entity as ObjectLiteral)[column.propertyName] = manager.connection.driver.prepareHydratedValue(
      raw[column.databaseName],
      column,
    );
  }
  return entity;
}

/**
 * Consumes a row exactly once across every instance: one conditional UPDATE decides (affected
 * rows), so racing requests, in this process or another, see at most one success (RFC 6749 §4.1.2,
 * RFC 9700 §4.14.2). Run it in the caller's transaction, so that a failure before the caller's
 * own writes are stored leaves the row usable. Both statements are hand-written: on every code
 * and refresh-token redemption, the query builder cost more than the database.
 */
export async function consumeOnce<T extends ObjectLiteral>(
  manager: EntityManager,
  row: SingleUseRow<T>,
  now = new Date(),
): Promise<Consumption<T>> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('consumeOnce runs in a transaction');
  const metadata = manager.connection.getMetadata(row.entity);
  const usedColumn = metadata.findColumnWithPropertyName(row.usedColumn)?.databaseName;
  if (!usedColumn) throw new Error(`${metadata.name} has no column ${row.usedColumn}`);
  const found = conditionsOf(metadata, row.where);
  const usable = conditionsOf(metadata, row.usable);
  const result = await runner.query(
    `UPDATE ${metadata.tableName} SET ${usedColumn} = ? WHERE ${found.sql} AND ${usable.sql} AND ${usedColumn} IS NULL`,
    [toSqlDatetime(now), ...found.parameters, ...usable.parameters],
    true,
  );
  const columns = metadata.columns.map((column) => column.databaseName).join(', ');
  const rows: ObjectLiteral[] = await runner.query(
    `SELECT ${columns} FROM ${metadata.tableName} WHERE ${found.sql}`,
    found.parameters,
  );
  const record = rows.length === 1 ? hydrate<T>(manager, metadata, rows[0]) : null;
  if (!record || !row.isOwnedBy(record)) return { status: 'invalid' };
  if (result.affected === 1) return { status: 'consumed', record };
  if (record[row.usedColumn] !== null) return { status: 'replayed', record };
  return { status: 'invalid' };
}

/** MySQL/MariaDB ER_DUP_ENTRY and SQLite's primary-key and unique violations. */
function isDuplicateKey(error: unknown): boolean {
  const failure = error as { code?: unknown; errno?: unknown; driverError?: { code?: unknown; errno?: unknown } };
  const code = failure?.driverError?.code ?? failure?.code;
  const errno = failure?.driverError?.errno ?? failure?.errno;
  return (
    errno === 1062 ||
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/**
 * Records a one-time value (a client assertion's `jti`) exactly once across every instance: the
 * primary key decides, so of racing inserts, here or elsewhere, one succeeds. A row whose value
 * has expired is removed first, so the same value may be used again once its first use could no
 * longer be replayed. Returns false for a replay.
 */
export async function recordOnce<T extends ObjectLiteral & { expiresAt: Date }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  row: T,
  key: keyof T & string,
  now = new Date(),
): Promise<boolean> {
  await manager.delete(entity, { [key]: row[key], expiresAt: LessThan(now) } as FindOptionsWhere<T>);
  try {
    await manager.insert(entity, row as never);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
