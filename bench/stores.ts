import pg from 'pg';
import { openStore, type Store } from '../src/store.ts';

/** What the benches that keep a synthetic store share: its PostgreSQL admin connection and its opening. */

/** Runs `run` on a connection of its own to `url` (for schema drops and creates, analyze), closed after. */
export async function onAdmin<T>(url: string | undefined, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The bench's store: SQLite in `dataDir`, or PostgreSQL at `dbUrl` in its own `schema`. */
export function openBenchStore(dataDir: string, dbUrl: string | undefined, schema: string): Promise<Store> {
  return openStore({ dataDir, dbUrl }, { dbSchema: dbUrl ? schema : undefined });
}
