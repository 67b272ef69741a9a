import type { Kysely } from 'kysely';
import { reusableQuery } from '../db/reusable-query.ts';
import type { ApiTokenRow, Database } from '../db/schema.ts';

export async function insertToken(db: Kysely<Database>, row: ApiTokenRow): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

const selectActiveToken = reusableQuery((db: Kysely<Database>, tokenHash: string) =>
  db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null),
);

export async function findActiveTokenByHash(db: Kysely<Database>, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return (await selectActiveToken(db, tokenHash))[0];
}

export async function revokeTokenByHash(db: Kysely<Database>, tokenHash: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
}
