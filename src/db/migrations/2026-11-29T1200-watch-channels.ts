import type { Kysely } from 'kysely';

/**
 * Early warning, inbound channels (issue 4): who may check in by SMS, Signal or Telegram. A sender
 * is kept only as a keyed hash (HMAC-SHA256 under a sealed per-deployment key), so the table
 * reveals no phone number without the deployment key; an inbound message finds its watch by it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('watch_inbound_senders')
    .addColumn('watch_id', 'text', (c) => c.notNull())
    // sms | signal | telegram
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('sender_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('watch_inbound_senders_pk', ['watch_id', 'gateway', 'sender_hash'])
    .execute();
  // The inbound webhook's question: which watch does this sender check in for.
  await db.schema.createIndex('watch_inbound_senders_sender_idx').on('watch_inbound_senders').columns(['gateway', 'sender_hash']).execute();
}
