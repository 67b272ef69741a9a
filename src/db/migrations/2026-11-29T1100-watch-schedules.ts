import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Watch schedules (issue 4): fixed check-in times in the person's time zone instead of an interval
 * (so the interval becomes nullable), rest periods, travel mode (its note sealed by the application),
 * and the moment the count began when that is not a contact (creation, resumption). The deadline
 * the worker reads stays the one column next_deadline, with its index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table watches alter column check_interval drop not null`.execute(db);
    await sql`alter table watches alter column check_interval_seconds drop not null`.execute(db);
  } else {
    // SQLite cannot drop NOT NULL in place; rebuilding the table would have to know every column
    // other migrations add to it, so each column is replaced by a nullable copy instead.
    for (const [column, type] of [['check_interval', 'text'], ['check_interval_seconds', 'integer']] as const) {
      await db.schema.alterTable('watches').addColumn(`${column}_nullable`, type).execute();
      await sql`update watches set ${sql.ref(`${column}_nullable`)} = ${sql.ref(column)}`.execute(db);
      await db.schema.alterTable('watches').dropColumn(column).execute();
      await db.schema.alterTable('watches').renameColumn(`${column}_nullable`, column).execute();
    }
  }
  // JSON array of local times (HH:MM), sorted; null for an interval schedule.
  await db.schema.alterTable('watches').addColumn('check_times', 'text').execute();
  await db.schema.alterTable('watches').addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC')).execute();
  // JSON array of {from, to} local times.
  await db.schema.alterTable('watches').addColumn('rest_periods', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('watches').addColumn('travel_started_at', 'text').execute();
  await db.schema.alterTable('watches').addColumn('travel_until', 'text').execute();
  await db.schema.alterTable('watches').addColumn('travel_interval', 'text').execute();
  await db.schema.alterTable('watches').addColumn('travel_interval_seconds', 'integer').execute();
  await db.schema.alterTable('watches').addColumn('travel_note', 'text').execute();
  await db.schema.alterTable('watches').addColumn('counting_from', 'text').execute();
  await sql`update watches set counting_from = created_at`.execute(db);
}
