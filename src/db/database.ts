import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The raw SQLite connection, for bulk work that Kysely would slow down; null on PostgreSQL. */
  sqlite: SqliteDatabase.Database | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…`; absent means SQLite in the data directory. */
  url?: string | undefined;
  dataDir: string;
  /** PostgreSQL schema to use (tests give each run its own). */
  schema?: string | undefined;
}

// COUNT(*) and bigint columns come back as strings from pg; every value we store fits a double.
pg.types.setTypeParser(20, (value) => Number(value));

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqlite: null, close: () => db.destroy() };
  }
  if (options.url) throw new Error(`unsupported database URL (use postgres://…, or leave it out for SQLite)`);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SqliteDatabase(join(options.dataDir, 'vigil.db'));
  sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL survives a killed process; only power loss can drop the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 64 MB of page cache instead of 2 MB: reads at 10^6 persons stop going back to the OS for every page.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing is a
 * large share of a small query's cost. Bounded, since `in (?, ?, …)` lists vary in length.
 */
function withStatementCache(sqlite: SqliteDatabase.Database) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(query: string) {
      let statement = statements.get(query);
      if (!statement) {
        if (statements.size >= 1000) statements.clear();
        statement = sqlite.prepare(query);
        statements.set(query, statement);
      }
      return statement;
    },
    close() {
      sqlite.close();
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; safe to run on every start. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const dialect: Dialect = db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
  // Kysely looks for its migration tables in every schema unless told which; with several
  // Vigil schemas in one PostgreSQL database it would find another store's tables.
  const schema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
