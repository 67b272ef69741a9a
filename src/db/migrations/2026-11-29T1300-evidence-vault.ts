import { sql, type Kysely } from 'kysely';

/**
 * The evidence vault (issue 5). Files are age files on disk, encrypted to a per-case identity that
 * is itself sealed by the deployment key; rows say which file is which without revealing its
 * content hash (the address is keyed). Every custody event and every revision of a case record is
 * committed to by a salted leaf of an RFC 9162 Merkle log, whose signed checkpoints anyone holding a
 * bundle can check offline.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One age identity per case; the recipient is public, the identity sealed.
  await db.schema
    .createTable('case_keys')
    .addColumn('case_id', 'text', (c) => c.primaryKey())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // A stored file: one per case and content. address = HMAC(vault key, case ‖ SHA-256 of the plaintext),
  // so a duplicate upload is found without keeping the content hash in the clear.
  await db.schema
    .createTable('evidence_blobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('evidence_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('blob_id', 'text', (c) => c.notNull().references('evidence_blobs.id'))
    // Sealed: a file name often names the person.
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Sealed JSON: capture fields, each with who asserts it.
    .addColumn('capture', 'text')
    // A derived item (transcoded, redacted) names its parent.
    .addColumn('parent_id', 'text')
    .addColumn('derivation', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('retracted_at', 'text')
    .addColumn('retraction_reason', 'text')
    .execute();
  await db.schema.createIndex('evidence_items_case_idx').on('evidence_items').columns(['case_id', 'id']).execute();
  await db.schema.createIndex('evidence_items_blob_idx').on('evidence_items').column('blob_id').execute();

  // What an item is about: persons, events, sources.
  await db.schema
    .createTable('evidence_links')
    .addColumn('evidence_id', 'text', (c) => c.notNull().references('evidence_items.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evidence_links_pk', ['evidence_id', 'entity', 'entity_id'])
    .execute();
  await db.schema.createIndex('evidence_links_entity_idx').on('evidence_links').columns(['entity', 'entity_id']).execute();

  // The chain of custody: received, accessed, exported, derived, transferred, retracted.
  await db.schema
    .createTable('custody_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('evidence_id', 'text', (c) => c.notNull().references('evidence_items.id'))
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    // Sealed: a note, the party a file went to.
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('custody_events_evidence_idx').on('custody_events').columns(['evidence_id', 'id']).execute();

  // Statements waiting for (leaf_index null) or holding their place in the log. data is the leaf
  // input, SHA-256(salt ‖ statement), base64; salt and statement are sealed and leave only in a bundle.
  await db.schema
    .createTable('log_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('leaf_index', 'bigint', (c) => c.unique())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('log_entries_subject_idx').on('log_entries').columns(['subject', 'subject_id']).execute();
  // The sequencer's question: what is still waiting, oldest first.
  await db.schema.createIndex('log_entries_pending_idx').on('log_entries').columns(['leaf_index', 'id']).execute();

  // Hashes of complete subtrees, keyed level·2^40 + index (merkle.ts nodeKey); level 0 holds leaf hashes.
  await db.schema
    .createTable('log_nodes')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();

  // The log's size, one row, locked by the sequencer.
  await db.schema
    .createTable('log_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('log_state').values({ id: 1, size: 0 }).execute();

  // Every signed checkpoint, as served (C2SP signed note).
  await db.schema
    .createTable('log_checkpoints')
    .addColumn('size', 'bigint', (c) => c.primaryKey())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Revisions written before the log existed are logged later by the worker (backfill.ts), up to this one.
  await sql`insert into settings (name, value) select 'log_backfill_until', id from revisions where id = (select max(id) from revisions)`.execute(db);
}
