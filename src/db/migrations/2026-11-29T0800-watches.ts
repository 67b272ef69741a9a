import type { Kysely } from 'kysely';

/**
 * Early warning, first part (issue 4): watches over at-risk persons and their check-ins. PINs and
 * the check-in link are stored only as hashes (the PIN hashes also sealed); webhook secrets, escalation
 * recipients and check-in notes are sealed by the application.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('watches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    // ISO 8601 as given, and in seconds for the arithmetic.
    .addColumn('check_interval', 'text', (c) => c.notNull())
    .addColumn('check_interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('grace', 'text', (c) => c.notNull())
    .addColumn('grace_seconds', 'integer', (c) => c.notNull())
    // JSON array of person ids who may report contact on the person's behalf.
    .addColumn('proxies', 'text', (c) => c.notNull())
    // Sealed scrypt hashes.
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('duress_pin_hash', 'text', (c) => c.notNull())
    // SHA-256 of the secret in /c/{secret}; the secret itself is shown once, at creation.
    .addColumn('checkin_secret_hash', 'text', (c) => c.notNull().unique())
    // Sealed JSON of the escalation tiers (recipients and webhook secrets inside).
    .addColumn('escalation', 'text', (c) => c.notNull())
    .addColumn('last_contact_at', 'text')
    .addColumn('next_deadline', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    // PIN guessing on the check-in page: failures in a row, and the lock they earned.
    .addColumn('failed_pins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('retracted_at', 'text')
    .addColumn('retraction_reason', 'text')
    .execute();
  // The worker's question: which active watches ran out, soonest first.
  await db.schema.createIndex('watches_deadline_idx').on('watches').columns(['state', 'next_deadline']).execute();
  await db.schema.createIndex('watches_case_idx').on('watches').columns(['case_id', 'next_deadline']).execute();
  await db.schema.createIndex('watches_person_idx').on('watches').columns(['person_id']).execute();

  await db.schema
    .createTable('checkins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('watch_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    // When the contact happened (a proxy may report a call hours later), and when it was recorded.
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('by_person_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('checkins_watch_idx').on('checkins').columns(['watch_id', 'recorded_at']).execute();
}
