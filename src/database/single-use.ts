import { EntityManager, EntityTarget, FindOptionsWhere, IsNull, LessThan, ObjectLiteral } from 'typeorm';

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

/**
 * Consumes a row exactly once across every instance: one conditional UPDATE decides (affected
 * rows), so racing requests, in this process or another, see at most one success (RFC 6749 §4.1.2,
 * RFC 9700 §4.14.2). Run it in the caller's transaction, so that a failure before the caller's
 * own writes are stored leaves the row usable.
 */
export async function consumeOnce<T extends ObjectLiteral>(
  manager: EntityManager,
  row: SingleUseRow<T>,
  now = new Date(),
): Promise<Consumption<T>> {
  const unused = { [row.usedColumn]: IsNull() } as FindOptionsWhere<T>;
  const result = await manager.update(row.entity, { ...row.where, ...row.usable, ...unused }, {
    [row.usedColumn]: now,
  } as never);
  const record = await manager.findOneBy(row.entity, row.where);
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
