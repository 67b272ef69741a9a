import type { Kysely } from 'kysely';

/**
 * Follow-up reminders (issue 7): the day an intervention should be chased if nothing came back
 * (YYYY-MM-DD). The dashboard reads the due ones by status and day, so one index holds both.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('interventions').addColumn('follow_up_on', 'text').execute();
  await db.schema.createIndex('interventions_follow_up_idx').on('interventions').columns(['status', 'follow_up_on']).execute();
}
