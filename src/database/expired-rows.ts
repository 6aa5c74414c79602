import { In, LessThan, ObjectLiteral, Repository } from 'typeorm';

/**
 * Deletes up to `batchSize` rows whose `expiresAt` is before `before`, oldest first, through the
 * expires_at index; returns how many went. Small batches keep locks short on a busy database.
 */
export async function deleteExpiredBatch<T extends ObjectLiteral & { expiresAt: Date }>(
  repository: Repository<T>,
  before: Date,
  batchSize: number,
): Promise<number> {
  const key = repository.metadata.primaryColumns[0].propertyName;
  const rows = await repository.find({
    select: { [key]: true } as never,
    where: { expiresAt: LessThan(before) } as never,
    order: { expiresAt: 'ASC' } as never,
    take: batchSize,
  });
  if (rows.length === 0) return 0;
  const result = await repository.delete({ [key]: In(rows.map((row) => row[key])) } as never);
  return result.affected ?? rows.length;
}
