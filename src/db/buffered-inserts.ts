import { CompiledQuery, Kysely, type DatabaseConnection, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';

/** Rows a merged insert carries at most, and parameters (SQLite allows 32,766, PostgreSQL 65,535). */
const MAX_ROWS = 500;
const MAX_PARAMETERS = 30_000;

/** An insert of given values only, as Kysely compiles one: `insert into "t" ("a", "b") values (?, ?), (?, ?)`. */
const PLAIN_INSERT = /^insert into "([a-z_]+)" \(([^()]*)\) values ((?:\((?:\?|\$\d+)(?:, (?:\?|\$\d+))*\)(?:, )?)+)$/;

const tableNames = new Map<string, RegExp>();

/** Whether a statement names a table, quoted as Kysely writes it or not as raw SQL may. */
function names(statement: string, table: string): boolean {
  let pattern = tableNames.get(table);
  if (!pattern) tableNames.set(table, (pattern = new RegExp(`(^|[^a-z_])${table}([^a-z_]|$)`)));
  return pattern.test(statement);
}

interface Pending {
  table: string;
  head: string;
  /** Each row's placeholders, as `(?, ?)` or numbered from 1 within the row's own parameters on PostgreSQL. */
  rows: Array<{ tuple: string; parameters: readonly unknown[] }>;
}

/**
 * A connection that holds back plain inserts into the given tables and sends them as multi-row
 * inserts: when a statement names one of those tables (it might read them), before it; and at the
 * end. Each table's rows go in the order they were written, the tables in the order they were first
 * written to, inside the same transaction: what is committed is what the statements one by one would
 * have committed. Only for tables whose rows no other held-back row refers to (the person they
 * belong to is written at once), so that flushing one table before another is safe.
 */
class BufferedInsertConnection implements DatabaseConnection {
  readonly #inner: DatabaseConnection;
  readonly #tables: ReadonlySet<string>;
  readonly #postgres: boolean;
  readonly #pending = new Map<string, Pending>();

  constructor(inner: DatabaseConnection, tables: ReadonlySet<string>, postgres: boolean) {
    this.#inner = inner;
    this.#tables = tables;
    this.#postgres = postgres;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const insert = PLAIN_INSERT.exec(query.sql);
    if (insert && this.#tables.has(insert[1]!)) {
      this.#hold(insert[1]!, `insert into "${insert[1]}" (${insert[2]}) values `, insert[3]!, query.parameters);
      return { rows: [], numAffectedRows: BigInt(insert[3]!.split('), (').length) };
    }
    await this.flush((table) => names(query.sql, table));
    return this.#inner.executeQuery<R>(query);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    await this.flush((table) => names(query.sql, table));
    yield* this.#inner.streamQuery<R>(query, chunkSize);
  }

  #hold(table: string, head: string, values: string, parameters: readonly unknown[]): void {
    const pending = this.#pending.get(head) ?? { table, head, rows: [] };
    this.#pending.set(head, pending);
    const tuples = values.split('), (');
    const width = parameters.length / tuples.length;
    tuples.forEach((tuple, index) => {
      const own = parameters.slice(index * width, (index + 1) * width);
      const text = `(${tuple.replace(/^\(|\)$/g, '')})`;
      // On PostgreSQL each row's placeholders are numbered again from 1, to be renumbered when merged.
      pending.rows.push({ tuple: this.#postgres ? text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) - index * width}`) : text, parameters: own });
    });
  }

  /** Sends the held rows of the tables `which` selects (all by default), in the order they were first written to. */
  async flush(which: (table: string) => boolean = () => true): Promise<void> {
    for (const [head, pending] of [...this.#pending]) {
      if (!which(pending.table)) continue;
      this.#pending.delete(head);
      const width = pending.rows[0]!.parameters.length;
      const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / Math.max(1, width))));
      for (let start = 0; start < pending.rows.length; start += perStatement) {
        const rows = pending.rows.slice(start, start + perStatement);
        const tuples = rows.map((row, index) => (this.#postgres ? row.tuple.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + index * width}`) : row.tuple));
        await this.#inner.executeQuery(CompiledQuery.raw(`${head}${tuples.join(', ')}`, rows.flatMap((row) => row.parameters)));
      }
    }
  }
}

/**
 * Runs `work` with a handle on the transaction `trx` whose plain inserts into `tables` are sent as
 * multi-row inserts (BufferedInsertConnection), all of them before this returns. For writing many
 * records in one transaction (an import batch) with fewer statements and the same result. Inside
 * `work`, use only the handle given: `trx` itself waits for its connection, held until this returns.
 */
export async function withBufferedInserts<T>(trx: Kysely<Database>, dialect: 'sqlite' | 'postgres', tables: string[], work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const executor = trx.getExecutor();
  return executor.provideConnection(async (connection) => {
    const buffered = new BufferedInsertConnection(connection, new Set(tables), dialect === 'postgres');
    const db = new Kysely<Database>({
      // Only the executor is used: this handle runs statements, it opens no connection or transaction.
      config: { dialect: {} },
      dialect: {},
      driver: {},
      executor: executor.withConnectionProvider({ provideConnection: (consumer) => consumer(buffered) }),
    } as never);
    const result = await work(db);
    await buffered.flush();
    return result;
  });
}
