import type { Kysely } from 'kysely';
import { reusableQuery } from '../db/reusable-query.ts';
import type { ApiTokenRow, Database } from '../db/schema.ts';

export async function insertToken(db: Kysely<Database>, row: ApiTokenRow): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export interface TokenWithUser extends ApiTokenRow {
  user_role: string | null;
  user_email: string | null;
  user_display_name: string | null;
  user_disabled_at: string | null;
}

// Every authenticated request runs this: one indexed lookup, with the user's current role and state.
const selectTokenWithUser = reusableQuery((db: Kysely<Database>, tokenHash: string) =>
  db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('api_tokens')
    .select(['users.role as user_role', 'users.email as user_email', 'users.display_name as user_display_name', 'users.disabled_at as user_disabled_at'])
    .where('api_tokens.token_hash', '=', tokenHash),
);

export async function findTokenWithUserByHash(db: Kysely<Database>, tokenHash: string): Promise<TokenWithUser | undefined> {
  return (await selectTokenWithUser(db, tokenHash))[0] as TokenWithUser | undefined;
}

export async function touchToken(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function findTokenOfUser(db: Kysely<Database>, userId: string, tokenId: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', tokenId).where('user_id', '=', userId).executeTakeFirst();
}

/** A user's tokens of the given kinds that are still in force at `now`, newest first. */
export async function listLiveTokensOfUser(db: Kysely<Database>, userId: string, kinds: readonly string[], now: string): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('kind', 'in', [...kinds])
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
}

/** Revokes one token; false when it was already revoked. */
export async function revokeTokenById(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function revokeTokenByHash(db: Kysely<Database>, tokenHash: string, at: string): Promise<string | null> {
  const row = await db.selectFrom('api_tokens').select('id').where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return null;
  return (await revokeTokenById(db, row.id, at)) ? row.id : null;
}

/** Ends every live token of some kinds of a user, but one; returns how many. */
export async function revokeTokensOfUser(db: Kysely<Database>, userId: string, kinds: readonly string[], at: string, exceptId: string | null = null): Promise<number> {
  let query = db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('kind', 'in', [...kinds]).where('revoked_at', 'is', null);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
