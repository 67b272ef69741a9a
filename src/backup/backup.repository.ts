import SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import type { DatabaseHandle, Dialect } from '../db/database.ts';
import { migrations } from '../db/migrations/index.ts';

/**
 * The SQL of backup and restore. Tables, columns, keys and migrations are read from the database's
 * own catalog, so a table added by a later migration is in every backup without anyone listing it.
 */

/** A table as a backup carries it: its name and its columns in the order its rows list them. */
export interface TableShape {
  name: string;
  columns: string[];
}

export interface ColumnInfo {
  name: string;
  /** `text`, `integer` or `bigint`: the only types whose values move between SQLite and PostgreSQL as they are. */
  type: string;
}

export interface ForeignKey {
  table: string;
  column: string;
  references: string;
}

const SUPPORTED_TYPES = new Set(['text', 'integer', 'bigint']);

/** Kysely's bookkeeping is not data: the target's own migrations recreate it. */
function isDataTable(name: string): boolean {
  return !name.startsWith('kysely_') && !name.startsWith('sqlite_');
}

/** Identifiers come from the catalog, never from a backup file; quoting guards the odd name. */
function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

export async function listDataTables(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db)).rows
      : (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db)
        ).rows;
  return rows.map((row) => row.name).filter(isDataTable);
}

export async function listColumns(db: Kysely<any>, dialect: Dialect, table: string): Promise<ColumnInfo[]> {
  const rows =
    dialect === 'sqlite'
      ? (await sql<{ name: string; type: string }>`select name, lower(type) as type from pragma_table_info(${table}) order by cid`.execute(db)).rows
      : (
          await sql<{ name: string; type: string }>`select column_name as name, data_type as type from information_schema.columns
            where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db)
        ).rows;
  for (const column of rows) {
    if (!SUPPORTED_TYPES.has(column.type)) throw new Error(`backup cannot carry ${table}.${column.name} of type ${column.type} (text, integer or bigint only)`);
  }
  return rows;
}

export async function listPrimaryKey(db: Kysely<any>, dialect: Dialect, table: string): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from pragma_table_info(${table}) where pk > 0 order by pk`.execute(db)).rows
      : (
          await sql<{ name: string }>`select a.attname as name
            from pg_index i
            join pg_class c on c.oid = i.indrelid
            join pg_namespace n on n.oid = c.relnamespace
            join lateral unnest(i.indkey) with ordinality as k(attnum, position) on true
            join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
            where i.indisprimary and n.nspname = current_schema() and c.relname = ${table}
            order by k.position`.execute(db)
        ).rows;
  return rows.map((row) => row.name);
}

export async function listForeignKeys(db: Kysely<any>, dialect: Dialect, tables: string[]): Promise<ForeignKey[]> {
  if (dialect === 'sqlite') {
    const keys: ForeignKey[] = [];
    for (const table of tables) {
      const rows = (await sql<{ column: string; references: string }>`select "from" as "column", "table" as "references" from pragma_foreign_key_list(${table})`.execute(db)).rows;
      keys.push(...rows.map((row) => ({ table, ...row })));
    }
    return keys;
  }
  const rows = (
    await sql<ForeignKey>`select src.relname as "table", a.attname as "column", dst.relname as "references"
      from pg_constraint c
      join pg_class src on src.oid = c.conrelid
      join pg_class dst on dst.oid = c.confrelid
      join pg_namespace n on n.oid = src.relnamespace
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
      where c.contype = 'f' and n.nspname = current_schema()`.execute(db)
  ).rows;
  return rows.filter((row) => tables.includes(row.table));
}

/** Counts a table's rows, stopping at `limit`: enough to tell an empty table from a full one. */
export async function countRowsUpTo(db: Kysely<any>, table: string, limit: number): Promise<number> {
  const row = (await sql<{ n: number | string }>`select count(*) as n from (select 1 from ${sql.table(table)} limit ${limit}) as rows`.execute(db)).rows[0];
  return Number(row?.n ?? 0);
}

/** Every row of a small table, as JSON text, sorted: for comparing seed rows across dialects. */
export async function readSmallTable(db: Kysely<any>, table: string, columns: string[]): Promise<string[]> {
  const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
  return rows.map((row) => JSON.stringify(columns.map((column) => (typeof row[column] === 'bigint' ? Number(row[column]) : row[column])))).sort();
}

export async function deleteAllRows(db: Kysely<any>, table: string): Promise<void> {
  await sql`delete from ${sql.table(table)}`.execute(db);
}

/** Names of the migrations run on this database, in order; empty when it was never migrated. */
export async function listExecutedMigrations(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db)).rows
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_name = 'kysely_migration'`.execute(db)).rows;
  if (tables.length === 0) return [];
  return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((row) => row.name);
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export function knownMigrations(): string[] {
  return Object.keys(migrations).sort();
}

/**
 * Migrates up to `target` (a migration's name, or the latest) on the caller's connection and
 * inside its transaction, so a restore that fails leaves not even the schema behind.
 */
export async function migrateWithin(conn: Kysely<any>, dialect: Dialect, target: string | 'latest'): Promise<void> {
  const schema = dialect === 'postgres' ? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(conn)).rows[0]?.schema : undefined;
  if (dialect === 'postgres' && !schema) throw new Error('the PostgreSQL search_path names no existing schema');
  const migrator = new Migrator({ db: conn, provider, disableTransactions: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error } = target === 'latest' ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/**
 * The rows a freshly migrated store holds (its seeds: the case counter at 0, the audit chain's
 * genesis head), table by table, from a throwaway in-memory database migrated as far as `target`.
 */
export async function readSeedRows(target: string): Promise<Map<string, { columns: string[]; rows: string[] }>> {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
  try {
    await migrateWithin(db, 'sqlite', target);
    const seeds = new Map<string, { columns: string[]; rows: string[] }>();
    for (const table of await listDataTables(db, 'sqlite')) {
      const columns = (await listColumns(db, 'sqlite', table)).map((column) => column.name);
      seeds.set(table, { columns, rows: await readSmallTable(db, table, columns) });
    }
    return seeds;
  } finally {
    await db.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a snapshot

/** A block of rows, each a JSON array of the table's columns, one per line. */
export interface RowBlock {
  text: string;
  rows: number;
}

/** One consistent view of the whole store, held open while a backup reads it. */
export interface Snapshot {
  dialect: Dialect;
  /** Queries that see the snapshot (catalog, migrations). */
  db: Kysely<any>;
  rowBlocks(table: TableShape, blockChars: number): AsyncIterable<RowBlock>;
}

// PostgreSQL's functions take at most 100 arguments; no Vigil table comes near.
const MAX_JSON_COLUMNS = 100;

/**
 * Runs `read` inside one read transaction: on SQLite (WAL) the connection's first read fixes the
 * snapshot while other connections go on writing; on PostgreSQL a REPEATABLE READ transaction does.
 * Rows are rendered as JSON by the database itself, which is several times faster than in JS.
 */
export async function withSnapshot<T>(handle: DatabaseHandle, read: (snapshot: Snapshot) => Promise<T>): Promise<T> {
  if (handle.sqlite) {
    const sqlite = handle.sqlite;
    return handle.db.connection().execute(async (conn) => {
      sqlite.exec('begin');
      try {
        return await read({
          dialect: 'sqlite',
          db: conn,
          async *rowBlocks(table, blockChars) {
            const rows = sqlite.prepare(`select json_array(${table.columns.map(quote).join(', ')}) from ${quote(table.name)}`).pluck();
            let parts: string[] = [];
            let size = 0;
            for (const line of rows.iterate() as IterableIterator<string>) {
              parts.push(line);
              size += line.length;
              if (size >= blockChars) {
                yield { text: `${parts.join('\n')}\n`, rows: parts.length };
                parts = [];
                size = 0;
              }
            }
            if (parts.length) yield { text: `${parts.join('\n')}\n`, rows: parts.length };
          },
        });
      } finally {
        sqlite.exec('rollback');
      }
    });
  }
  return handle.db.connection().execute(async (conn) => {
    await sql`begin isolation level repeatable read read only`.execute(conn);
    try {
      return await read({
        dialect: 'postgres',
        db: conn,
        async *rowBlocks(table, blockChars) {
          if (table.columns.length > MAX_JSON_COLUMNS) throw new Error(`backup cannot carry ${table.name}: more than ${MAX_JSON_COLUMNS} columns`);
          const columns = table.columns.map(quote).join(', ');
          await sql`declare backup_rows no scroll cursor for select json_build_array(${sql.raw(columns)})::text as line from ${sql.table(table.name)}`.execute(conn);
          // The next batch is asked for before this one is handed on, so the server renders it meanwhile.
          const fetchBatch = () => {
            const fetched = sql<{ line: string }>`fetch forward 5000 from backup_rows`.execute(conn);
            fetched.catch(() => {});
            return fetched;
          };
          let next = fetchBatch();
          try {
            let parts: string[] = [];
            let size = 0;
            for (;;) {
              const batch = (await next).rows;
              if (batch.length) next = fetchBatch();
              for (const { line } of batch) {
                parts.push(line);
                size += line.length;
              }
              if (size >= blockChars || (batch.length === 0 && parts.length)) {
                yield { text: `${parts.join('\n')}\n`, rows: parts.length };
                parts = [];
                size = 0;
              }
              if (batch.length === 0) break;
            }
          } finally {
            await next.catch(() => {});
            // After a failure the transaction is aborted and the rollback below closes the cursor.
            await sql`close backup_rows`.execute(conn).catch(() => {});
          }
        },
      });
    } finally {
      await sql`rollback`.execute(conn);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Writing rows

/**
 * Runs `write` in one transaction on one connection of the handle, committed only if it
 * returns; migrations run inside it too, so on PostgreSQL a failure leaves not even the tables.
 */
export async function withinTransaction<T>(handle: DatabaseHandle, write: (conn: Kysely<any>) => Promise<T>): Promise<T> {
  return handle.db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn);
    try {
      const result = await write(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw error;
    }
  });
}

export type RowValue = string | number | null;

/** Inserts rows into one table of the target, inside the restore's transaction. */
export interface RowWriter {
  insert(rows: RowValue[][]): Promise<void>;
  /** Sets one column of the rows with these primary keys (self-references, after the whole table is in). */
  update(column: string, primaryKey: string[], rows: Array<{ key: RowValue[]; value: RowValue }>): Promise<void>;
}

export function createRowWriter(handle: DatabaseHandle, conn: Kysely<any>, table: string, columns: ColumnInfo[]): RowWriter {
  const names = columns.map((column) => quote(column.name)).join(', ');
  if (handle.sqlite) {
    const sqlite = handle.sqlite;
    const insert = sqlite.prepare(`insert into ${quote(table)} (${names}) values (${columns.map(() => '?').join(', ')})`);
    return {
      async insert(rows) {
        for (const row of rows) insert.run(row);
      },
      async update(column, primaryKey, rows) {
        const update = sqlite.prepare(`update ${quote(table)} set ${quote(column)} = ? where ${primaryKey.map((key) => `${quote(key)} = ?`).join(' and ')}`);
        for (const row of rows) update.run([row.value, ...row.key]);
      },
    };
  }
  // One JSON parameter per batch, unpacked by PostgreSQL: no 65,535-parameter limit, one round trip.
  const values = columns.map((column, i) => `(r->>${i})::${column.type}`).join(', ');
  const typeOf = (name: string) => columns.find((column) => column.name === name)?.type ?? 'text';
  return {
    async insert(rows) {
      if (rows.length === 0) return;
      await sql`insert into ${sql.table(table)} (${sql.raw(names)}) select ${sql.raw(values)} from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) as r`.execute(conn);
    },
    async update(column, primaryKey, rows) {
      const keys = primaryKey.map((key, i) => `t.${quote(key)} = (r->>${i + 1})::${typeOf(key)}`).join(' and ');
      const payload = JSON.stringify(rows.map((row) => [row.value, ...row.key]));
      await sql`update ${sql.table(table)} as t set ${sql.raw(quote(column))} = (r->>0)::${sql.raw(typeOf(column))}
        from jsonb_array_elements(${payload}::jsonb) as r where ${sql.raw(keys)}`.execute(conn);
    },
  };
}
