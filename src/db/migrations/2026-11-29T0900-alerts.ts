import type { Kysely } from 'kysely';

/**
 * Early warning, second part (issue 4): alerts. A missed deadline or a duress check-in opens one;
 * the unique constraints make opening idempotent, so a restart or a second worker can never open
 * the same alert twice. The resolution note is sealed by the application.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('watch_id', 'text')
    .addColumn('person_id', 'text', (c) => c.notNull())
    // missed | duress | sos | manual | drill
    .addColumn('kind', 'text', (c) => c.notNull())
    // open | acknowledged | resolved
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    // The escalation tier last notified (1 until escalation runs).
    .addColumn('tier', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    // contact_restored | detained | disappeared
    .addColumn('outcome', 'text')
    .addColumn('note', 'text')
    // For a missed deadline: the deadline that passed. For a duress alert: the check-in.
    .addColumn('deadline_at', 'text')
    .addColumn('checkin_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // NULLs are distinct in both databases: the constraints bind only the alerts they are about.
    .addUniqueConstraint('alerts_deadline_once', ['watch_id', 'kind', 'deadline_at'])
    .addUniqueConstraint('alerts_checkin_once', ['checkin_id'])
    .execute();
  await db.schema.createIndex('alerts_case_idx').on('alerts').columns(['case_id', 'state', 'opened_at']).execute();
  await db.schema.createIndex('alerts_state_idx').on('alerts').columns(['state', 'opened_at']).execute();
  // The worker's other question: which duress check-ins have no alert yet.
  await db.schema.createIndex('checkins_kind_idx').on('checkins').columns(['kind', 'recorded_at']).execute();
}
