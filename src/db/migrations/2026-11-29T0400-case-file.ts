import { sql, type Kysely } from 'kysely';

/**
 * The case file: persons and everything recorded about them. Every row carries `case_id` (the
 * person whose case it belongs to, where there is one) so that per-case membership can filter
 * any table without joins, and `version` for optimistic concurrency. Dates are stored as EDTF
 * text plus the earliest/latest day they may mean; times as ISO 8601 UTC text, which sorts.
 * Nothing is deleted: rows are retracted with a reason.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const versioned = <T extends { addColumn: any }>(table: T): T =>
    table
      .addColumn('version', 'integer', (c: any) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c: any) => c.notNull())
      .addColumn('updated_at', 'text', (c: any) => c.notNull())
      .addColumn('retracted_at', 'text')
      .addColumn('retraction_reason', 'text');

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();

  await versioned(
    db.schema
      .createTable('persons')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_seq', 'bigint', (c) => c.notNull().unique())
      .addColumn('case_number', 'text', (c) => c.notNull().unique())
      .addColumn('sex', 'text')
      .addColumn('birth', 'text')
      .addColumn('birth_earliest', 'text')
      .addColumn('ethnicity', 'text')
      .addColumn('citizenships', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('hometown', 'text')
      .addColumn('residence', 'text')
      .addColumn('occupation', 'text')
      .addColumn('father_name', 'text')
      .addColumn('national_id', 'text')
      .addColumn('notes', 'text')
      .addColumn('risk', 'text')
      .addColumn('verification', 'integer')
      .addColumn('consent', 'text')
      .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('duplicate_of', 'text')
      // Denormalised from the timeline so lists can filter and count without reading it.
      .addColumn('current_status', 'text')
      .addColumn('current_status_id', 'text'),
  ).execute();
  await db.schema.createIndex('persons_status_idx').on('persons').columns(['current_status', 'case_seq']).execute();
  await db.schema.createIndex('persons_ethnicity_idx').on('persons').columns(['ethnicity', 'case_seq']).execute();
  await db.schema.createIndex('persons_risk_idx').on('persons').columns(['risk', 'case_seq']).execute();

  await db.schema
    .createTable('person_names')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('script', 'text', (c) => c.notNull())
    .addColumn('lang', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('person_names_person_idx').on('person_names').columns(['person_id', 'position']).execute();

  await versioned(
    db.schema
      .createTable('status_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('date_earliest', 'text', (c) => c.notNull())
      .addColumn('date_latest', 'text')
      .addColumn('place', 'text')
      .addColumn('whereabouts_acknowledged', 'text')
      .addColumn('contact_permitted', 'text')
      .addColumn('note', 'text'),
  ).execute();
  await db.schema
    .createIndex('status_entries_person_idx')
    .on('status_entries')
    .columns(['person_id', 'date_earliest', 'created_at', 'id'])
    .execute();

  await versioned(
    db.schema
      .createTable('sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.references('persons.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('publisher', 'text')
      .addColumn('url', 'text')
      .addColumn('date', 'text')
      .addColumn('date_earliest', 'text')
      .addColumn('language', 'text')
      .addColumn('reliability', 'text')
      .addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('confidential_identity', 'text'),
  ).execute();
  await db.schema.createIndex('sources_case_idx').on('sources').columns(['case_id']).execute();

  await db.schema
    .createTable('citations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.references('persons.id'))
    .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id'))
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('hand', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retracted_at', 'text')
    .execute();
  await db.schema.createIndex('citations_target_idx').on('citations').columns(['target_type', 'target_id', 'id']).execute();
  await db.schema.createIndex('citations_source_idx').on('citations').columns(['source_id']).execute();

  await versioned(
    db.schema
      .createTable('actors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.references('persons.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('names', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('actors.id'))
      .addColumn('place', 'text'),
  ).execute();

  await versioned(
    db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.references('persons.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('date', 'text')
      .addColumn('date_earliest', 'text')
      .addColumn('date_latest', 'text')
      .addColumn('place', 'text')
      .addColumn('description', 'text'),
  ).execute();
  await db.schema.createIndex('events_case_idx').on('events').columns(['case_id', 'date_earliest']).execute();

  await db.schema
    .createTable('acts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
    .addColumn('case_id', 'text', (c) => c.references('persons.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('victim_id', 'text', (c) => c.references('persons.id'))
    .addColumn('perpetrators', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('date', 'text')
    .addColumn('date_earliest', 'text')
    .addColumn('place', 'text')
    .addColumn('status_at_end', 'text')
    // An event edit that replaces its acts retracts the old ones: citations may still point at them.
    .addColumn('retracted_at', 'text')
    .execute();
  await db.schema.createIndex('acts_event_idx').on('acts').columns(['event_id', 'position']).execute();
  await db.schema.createIndex('acts_victim_idx').on('acts').columns(['victim_id']).execute();

  await versioned(
    db.schema
      .createTable('relations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.references('persons.id'))
      .addColumn('from_person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('to_person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('relation', 'text', (c) => c.notNull())
      .addColumn('trusted_contact', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('contact', 'text'),
  ).execute();
  await db.schema.createIndex('relations_from_idx').on('relations').columns(['from_person_id']).execute();
  await db.schema.createIndex('relations_to_idx').on('relations').columns(['to_person_id']).execute();

  await versioned(
    db.schema
      .createTable('interventions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.references('persons.id'))
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('addressee', 'text')
      .addColumn('date', 'text')
      .addColumn('date_earliest', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('response', 'text'),
  ).execute();
  await db.schema.createIndex('interventions_person_idx').on('interventions').columns(['person_id']).execute();

  await db.schema
    .createTable('revisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('revisions_case_idx').on('revisions').columns(['case_id', 'at']).execute();
  await db.schema.createIndex('revisions_entity_idx').on('revisions').columns(['entity', 'entity_id', 'version']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Web sessions are short-lived tokens; API tokens have no expiry.
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await sql`insert into counters (name, value) values ('case_number', 0)`.execute(db);
}
