import { sql, type Kysely } from 'kysely';

/**
 * Early warning, third part (issue 4): escalation and delivery. An alert knows when its next tier
 * falls due; each notice to each recipient is a row, recorded with its idempotency key before it
 * is sent, leased by the worker that sends it, retried with back-off. A watch may carry a
 * pre-authorised dossier, released when an alert has run its delay unless two coordinators veto.
 * Targets, acknowledgement links, delivery errors, statements and released content are sealed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // How many tiers were notified, and when the next one falls due (null: none left, or stopped).
  await db.schema.alterTable('alerts').addColumn('notified_tiers', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('alerts').addColumn('next_step_at', 'text').execute();
  await db.schema.createIndex('alerts_next_step_idx').on('alerts').columns(['state', 'next_step_at']).execute();
  // Alerts already open when this runs are due for their first tier at once.
  await db.updateTable('alerts').set({ next_step_at: sql`opened_at` }).where('state', '=', 'open').execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    // tier: an escalation tier's notice; dossier: a released dossier (tier 0).
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('tier', 'integer', (c) => c.notNull())
    .addColumn('target_index', 'integer', (c) => c.notNull())
    // email | webhook
    .addColumn('channel', 'text', (c) => c.notNull())
    // Sealed JSON of the target as it was when the tier fell due (webhook secret inside).
    .addColumn('target', 'text', (c) => c.notNull())
    // Sent with every attempt (Message-ID, Idempotency-Key), so a receiver can tell a repeat.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('drill', 'integer', (c) => c.notNull())
    // pending | sending | sent | failed | cancelled
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    // Sealed: an SMTP answer can name the address.
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    // The recipient's one-use acknowledgement link: sealed for the message, hashed for the lookup.
    .addColumn('ack_token', 'text', (c) => c.notNull())
    .addColumn('ack_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('notifications_once', ['alert_id', 'tier', 'target_index'])
    .execute();
  // The worker's question: what is due to be sent, or was left half-sent by a worker that died.
  await db.schema.createIndex('notifications_due_idx').on('notifications').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('notifications_alert_idx').on('notifications').columns(['alert_id', 'tier']).execute();

  await db.schema
    .createTable('dossiers')
    .addColumn('watch_id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    // Sealed: the statement, and the recipients (webhook secrets inside).
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    // JSON array of the person and event ids the dossier carries.
    .addColumn('records', 'text', (c) => c.notNull())
    .addColumn('release_after', 'text', (c) => c.notNull())
    .addColumn('release_after_seconds', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('dossier_releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One release per alert, whichever worker schedules it.
    .addColumn('alert_id', 'text', (c) => c.notNull().unique())
    .addColumn('watch_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('release_at', 'text', (c) => c.notNull())
    // scheduled | vetoed | released | cancelled
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('drill', 'integer', (c) => c.notNull())
    // Sealed JSON of what went out (subject, text), kept as released.
    .addColumn('content', 'text')
    .addColumn('released_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dossier_releases_due_idx').on('dossier_releases').columns(['state', 'release_at']).execute();

  await db.schema
    .createTable('dossier_vetoes')
    .addColumn('release_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    // Sealed.
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dossier_vetoes_pk', ['release_id', 'user_id'])
    .execute();
}
