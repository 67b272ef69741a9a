import type { Kysely } from 'kysely';

/**
 * Follow-up reminders (issue 7): interventions already sent or acknowledged before follow-ups
 * existed, or moved there past `sent`, have no follow-up day and so were never chased. Each gets
 * its own day (else the day it was recorded) plus a week for an urgent type, two otherwise — the
 * rule of src/interventions/follow-up.ts as of this migration, copied so that it stays fixed. The
 * day arithmetic is done here, not in SQL, so that it is the same on SQLite and PostgreSQL.
 * Revisions are not written: this fills a derived reminder, not anything a person recorded.
 */
const URGENT_TYPES = new Set(['wgeid_urgent', 'letter_to_authorities']);

function plusDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export async function up(db: Kysely<any>): Promise<void> {
  const rows: Array<{ id: string; type: string; date_earliest: string | null; created_at: string }> = await db
    .selectFrom('interventions')
    .select(['id', 'type', 'date_earliest', 'created_at'])
    .where('status', 'in', ['sent', 'acknowledged'])
    .where('follow_up_on', 'is', null)
    .execute();
  for (const row of rows) {
    const from = row.date_earliest ?? row.created_at.slice(0, 10);
    const followUp = plusDays(from, URGENT_TYPES.has(row.type) ? 7 : 14);
    await db.updateTable('interventions').set({ follow_up_on: followUp }).where('id', '=', row.id).execute();
  }
}
