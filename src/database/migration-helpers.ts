import { QueryRunner, TableColumnOptions, TableForeignKey } from 'typeorm';

/**
 * Column builders for migrations that run on SQLite and MySQL/MariaDB alike.
 * On MySQL every string column compares byte-exact: the default collations fold case, accents and
 * trailing spaces, which would let `Client`, `client ` or `clïent` match `client` (SECURITY-CASES HY-06).
 */
export class ColumnKit {
  private constructor(private readonly exactCollation: string | undefined) {}

  static async for(queryRunner: QueryRunner): Promise<ColumnKit> {
    if (queryRunner.connection.options.type !== 'mysql' && queryRunner.connection.options.type !== 'mariadb') {
      return new ColumnKit(undefined);
    }
    const rows: Array<{ version: string }> = await queryRunner.query('SELECT VERSION() AS version');
    // MariaDB's utf8mb4_nopad_bin and MySQL 8's utf8mb4_0900_bin both compare bytes with no padding.
    const isMariaDb = /mariadb/i.test(rows[0]?.version ?? '');
    return new ColumnKit(isMariaDb ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin');
  }

  string(name: string, length: number, options: { nullable?: boolean; primary?: boolean } = {}): TableColumnOptions {
    return {
      name,
      type: 'varchar',
      length: String(length),
      isNullable: options.nullable ?? false,
      isPrimary: options.primary ?? false,
      ...this.collation(),
    };
  }

  text(name: string, options: { nullable?: boolean } = {}): TableColumnOptions {
    return { name, type: 'text', isNullable: options.nullable ?? false, ...this.collation() };
  }

  timestamp(name: string, options: { nullable?: boolean } = {}): TableColumnOptions {
    return { name, type: 'datetime', precision: 3, isNullable: options.nullable ?? false };
  }

  boolean(name: string): TableColumnOptions {
    return { name, type: 'boolean', isNullable: false, default: 0 };
  }

  private collation(): Partial<TableColumnOptions> {
    return this.exactCollation ? { charset: 'utf8mb4', collation: this.exactCollation } : {};
  }
}

/**
 * A foreign key that deletes the child rows with their parent. `onUpdate` is spelled out: it is the
 * entities' default, and without it MySQL reports RESTRICT and the schema diff sees drift.
 */
export function cascadeForeignKey(name: string, column: string, table: string, referenced: string): TableForeignKey {
  return new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: [referenced],
    onDelete: 'CASCADE',
    onUpdate: 'NO ACTION',
  });
}
