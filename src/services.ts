import type { Kysely } from 'kysely';
import type { Dialect } from './db/database.ts';
import type { Database } from './db/schema.ts';
import type { Clock } from './lib/clock.ts';

/** What every service needs, passed in explicitly: no hidden globals. */
export interface ServiceContext {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
}
