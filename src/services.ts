import type { Kysely } from 'kysely';
import type { AuditLog } from './audit/audit.service.ts';
import type { Dialect } from './db/database.ts';
import type { Database } from './db/schema.ts';
import type { FieldCipher } from './keys/field-cipher.ts';
import type { Clock } from './lib/clock.ts';

/** What every service needs, passed in explicitly: no hidden globals. */
export interface ServiceContext {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  /** Seals and opens sensitive columns (src/keys). */
  cipher: FieldCipher;
  /** The hash-chained audit log (src/audit). */
  audit: AuditLog;
}
