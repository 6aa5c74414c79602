import type { ColumnOptions } from 'typeorm';

/** A point in time with milliseconds, written by the application clock (one time source). */
export function timestampColumn(name: string, options: { nullable?: boolean } = {}): ColumnOptions {
  return { name, type: 'datetime', precision: 3, nullable: options.nullable ?? false };
}
