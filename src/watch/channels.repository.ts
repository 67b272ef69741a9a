import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { InboundGateway } from './inbound.ts';

type Db = Kysely<Database>;

export async function insertInboundSenders(db: Db, watchId: string, senders: Array<{ gateway: InboundGateway; sender_hash: string }>, at: string): Promise<void> {
  if (senders.length === 0) return;
  await db
    .insertInto('watch_inbound_senders')
    .values(senders.map((sender) => ({ watch_id: watchId, gateway: sender.gateway, sender_hash: sender.sender_hash, created_at: at })))
    .execute();
}

/**
 * The watch a sender checks in for: of the live watches that name it, the newest (a person whose
 * watch was set up again keeps her number).
 */
export async function findWatchIdBySender(db: Db, gateway: InboundGateway, senderHash: string): Promise<string | null> {
  const row = await db
    .selectFrom('watch_inbound_senders')
    .innerJoin('watches', 'watches.id', 'watch_inbound_senders.watch_id')
    .select('watches.id')
    .where('watch_inbound_senders.gateway', '=', gateway)
    .where('watch_inbound_senders.sender_hash', '=', senderHash)
    .where('watches.retracted_at', 'is', null)
    .where('watches.state', '!=', 'ended')
    .orderBy('watches.created_at', 'desc')
    .orderBy('watches.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** An SOS alert not yet resolved, as far as a cancel needs it. */
export interface UnresolvedSos {
  id: string;
  case_id: string;
  state: string;
  version: number;
  note: string | null;
}

export async function findUnresolvedSosAlerts(db: Db, cipher: FieldCipher, watchId: string): Promise<UnresolvedSos[]> {
  const rows = await db
    .selectFrom('alerts')
    .select(['id', 'case_id', 'state', 'version', 'note'])
    .where('watch_id', '=', watchId)
    .where('kind', '=', 'sos')
    .where('state', '!=', 'resolved')
    .orderBy('opened_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ ...row, note: cipher.openNullable(row.note, sealContext('alerts', 'note', row.id)) }));
}

/** Writes a note on an alert still unresolved at `version`; false if it changed in between (compare-and-set). */
export async function noteOnAlert(db: Db, cipher: FieldCipher, id: string, version: number, note: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('alerts')
    .set({ note: cipher.seal(note, sealContext('alerts', 'note', id)), version: version + 1, updated_at: at })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('state', '!=', 'resolved')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The note an alert opens with, in the transaction that inserted it (no new version: it is part of the opening). */
export async function setOpeningNote(db: Db, cipher: FieldCipher, id: string, note: string): Promise<void> {
  await db.updateTable('alerts').set({ note: cipher.seal(note, sealContext('alerts', 'note', id)) }).where('id', '=', id).where('version', '=', 1).execute();
}
