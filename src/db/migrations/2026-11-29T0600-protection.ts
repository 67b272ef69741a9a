import { sql, type Kysely } from 'kysely';

/**
 * Protection of the record: users with two-factor sign-in, tokens that belong to a user, per-case
 * membership and break-glass, notices, the hash-chained audit log, and the wrapped data keys.
 * Persons gain `case_id`: a case's own person has its own id there; a relative created inside a
 * case carries that case's id, so that case's members cover it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    // Sealed by the application (DESIGN §5): a dump shows no TOTP secret.
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enabled_at', 'text')
    // JSON array of SHA-256 hashes of the unused recovery codes.
    .addColumn('recovery_codes', 'text')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    // A one-time sign-in link (hash) for a user added without a password.
    .addColumn('setup_token_hash', 'text')
    .addColumn('setup_expires_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();

  await db.schema.alterTable('api_tokens').addColumn('user_id', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('kind', 'text', (c) => c.notNull().defaultTo('api')).execute();
  await db.schema.alterTable('api_tokens').addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('api_tokens').addColumn('last_used_at', 'text').execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').columns(['user_id']).execute();
  // Tokens made before users existed each become a service user of their own, keeping their role.
  const tokens = await db.selectFrom('api_tokens').select(['id', 'name', 'role', 'created_at']).execute();
  for (const token of tokens as Array<{ id: string; name: string | null; role: string; created_at: string }>) {
    await db
      .insertInto('users')
      .values({ id: token.id, email: `token-${token.id}@service.invalid`, display_name: token.name, role: token.role, created_at: token.created_at, updated_at: token.created_at })
      .execute();
    await db.updateTable('api_tokens').set({ user_id: token.id }).where('id', '=', token.id).execute();
  }

  await db.schema.alterTable('persons').addColumn('case_id', 'text').execute();
  await sql`update persons set case_id = id`.execute(db);
  await db.schema.createIndex('persons_case_idx').on('persons').columns(['case_id', 'case_seq']).execute();

  await db.schema
    .createTable('case_members')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_members_pk', ['case_id', 'user_id'])
    .execute();
  await db.schema.createIndex('case_members_user_idx').on('case_members').columns(['user_id', 'case_id']).execute();

  await db.schema
    .createTable('break_glass')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('break_glass_user_idx').on('break_glass').columns(['user_id', 'case_id', 'expires_at']).execute();

  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    // Sealed: may quote a break-glass reason.
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notices_user_idx').on('notices').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('audit_entries')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('entity', 'text')
    .addColumn('entity_id', 'text')
    // Small JSON of identifiers and counts; never a request body or a secret value.
    .addColumn('detail', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_entries_case_idx').on('audit_entries').columns(['case_id', 'seq']).execute();
  // One row: the chain's head. Appenders lock it, so the chain stays a chain across processes.
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);

  await db.schema
    .createTable('data_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The data key, encrypted (AES-256-GCM) under the deployment key.
    .addColumn('wrapped', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
