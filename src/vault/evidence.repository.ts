import type { Kysely } from 'kysely';
import { inCaseScope, type CaseScope } from '../access/access.repository.ts';
import type { CustodyEventRow, Database, EvidenceBlobRow, EvidenceItemRow } from '../db/schema.ts';
import { sealContext, type FieldCipher } from '../keys/field-cipher.ts';
import type { CustodyKind } from './statements.ts';
import type { CaptureField, CaptureFact, CustodyEvent, Derivation, EvidenceItem } from './evidence.types.ts';

/** The SQL of the vault: case identities, blobs, items with their links, custody events. */

type Db = Kysely<Database>;

export async function findCaseKey(db: Db, cipher: FieldCipher, caseId: string): Promise<{ identity: string; recipient: string } | null> {
  const row = await db.selectFrom('case_keys').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  return row ? { recipient: row.recipient, identity: cipher.open(row.identity, sealContext('case_keys', 'identity', caseId)) } : null;
}

/** Keeps the first identity when two uploads to a new case race. */
export async function insertCaseKeyIfAbsent(db: Db, cipher: FieldCipher, caseId: string, key: { identity: string; recipient: string }, at: string): Promise<void> {
  await db
    .insertInto('case_keys')
    .values({ case_id: caseId, recipient: key.recipient, identity: cipher.seal(key.identity, sealContext('case_keys', 'identity', caseId)), created_at: at })
    .onConflict((conflict) => conflict.column('case_id').doNothing())
    .execute();
}

export interface Blob {
  id: string;
  case_id: string;
  address: string;
  sha256: string;
  size: number;
}

function toBlob(cipher: FieldCipher, row: EvidenceBlobRow): Blob {
  return { id: row.id, case_id: row.case_id, address: row.address, size: Number(row.size), sha256: cipher.open(row.sha256, sealContext('evidence_blobs', 'sha256', row.id)) };
}

export async function findBlobByAddress(db: Db, cipher: FieldCipher, address: string): Promise<Blob | null> {
  const row = await db.selectFrom('evidence_blobs').selectAll().where('address', '=', address).executeTakeFirst();
  return row ? toBlob(cipher, row) : null;
}

export async function findBlob(db: Db, cipher: FieldCipher, id: string): Promise<Blob | null> {
  const row = await db.selectFrom('evidence_blobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toBlob(cipher, row) : null;
}

/** The blob at this address: the one inserted now, or the one a concurrent upload of the same file inserted first. */
export async function insertBlobIfAbsent(db: Db, cipher: FieldCipher, blob: Blob, at: string): Promise<Blob> {
  await db
    .insertInto('evidence_blobs')
    .values({ id: blob.id, case_id: blob.case_id, address: blob.address, size: blob.size, sha256: cipher.seal(blob.sha256, sealContext('evidence_blobs', 'sha256', blob.id)), created_at: at })
    .onConflict((conflict) => conflict.column('address').doNothing())
    .execute();
  return (await findBlobByAddress(db, cipher, blob.address))!;
}

export type NewEvidenceItem = Omit<EvidenceItem, 'size' | 'sha256' | 'version' | 'retracted_at' | 'retraction_reason'>;

export async function insertEvidenceItem(db: Db, cipher: FieldCipher, item: NewEvidenceItem): Promise<void> {
  const seal = (column: string, value: string | null) => cipher.sealNullable(value, sealContext('evidence_items', column, item.id));
  await db
    .insertInto('evidence_items')
    .values({
      id: item.id,
      case_id: item.case_id,
      blob_id: item.blob_id,
      file_name: seal('file_name', item.file_name)!,
      media_type: item.media_type,
      description: seal('description', item.description),
      capture: Object.keys(item.capture).length ? seal('capture', JSON.stringify(item.capture)) : null,
      parent_id: item.parent_id,
      derivation: item.derivation,
      version: 1,
      created_at: item.created_at,
      created_by: item.created_by,
      retracted_at: null,
      retraction_reason: null,
    })
    .execute();
  const links = [
    ...item.person_ids.map((id) => ({ evidence_id: item.id, entity: 'person', entity_id: id })),
    ...item.event_ids.map((id) => ({ evidence_id: item.id, entity: 'event', entity_id: id })),
    ...item.source_ids.map((id) => ({ evidence_id: item.id, entity: 'source', entity_id: id })),
  ];
  if (links.length) await db.insertInto('evidence_links').values(links).execute();
}

type ItemWithBlob = EvidenceItemRow & { size: number; blob_sha256: string };

function toEvidenceItem(cipher: FieldCipher, row: ItemWithBlob, links: Array<{ entity: string; entity_id: string }>): EvidenceItem {
  const open = (column: string, value: string | null) => cipher.openNullable(value, sealContext('evidence_items', column, row.id));
  const linked = (entity: string) => links.filter((link) => link.entity === entity).map((link) => link.entity_id);
  return {
    id: row.id,
    case_id: row.case_id,
    blob_id: row.blob_id,
    file_name: open('file_name', row.file_name)!,
    media_type: row.media_type,
    size: Number(row.size),
    sha256: cipher.open(row.blob_sha256, sealContext('evidence_blobs', 'sha256', row.blob_id)),
    description: open('description', row.description),
    capture: row.capture ? (JSON.parse(open('capture', row.capture)!) as Partial<Record<CaptureField, CaptureFact>>) : {},
    parent_id: row.parent_id,
    derivation: row.derivation as Derivation | null,
    person_ids: linked('person'),
    event_ids: linked('event'),
    source_ids: linked('source'),
    version: row.version,
    created_at: row.created_at,
    created_by: row.created_by,
    retracted_at: row.retracted_at,
    retraction_reason: open('retraction_reason', row.retraction_reason),
  };
}

function selectItems(db: Db) {
  return db
    .selectFrom('evidence_items')
    .innerJoin('evidence_blobs', 'evidence_blobs.id', 'evidence_items.blob_id')
    .selectAll('evidence_items')
    .select(['evidence_blobs.size as size', 'evidence_blobs.sha256 as blob_sha256']);
}

async function withLinks(db: Db, cipher: FieldCipher, rows: ItemWithBlob[]): Promise<EvidenceItem[]> {
  if (rows.length === 0) return [];
  const links = await db.selectFrom('evidence_links').selectAll().where('evidence_id', 'in', rows.map((row) => row.id)).execute();
  return rows.map((row) => toEvidenceItem(cipher, row, links.filter((link) => link.evidence_id === row.id)));
}

export async function findEvidenceItem(db: Db, cipher: FieldCipher, id: string): Promise<EvidenceItem | null> {
  const row = await selectItems(db).where('evidence_items.id', '=', id).executeTakeFirst();
  return row ? (await withLinks(db, cipher, [row]))[0]! : null;
}

/** Items about a person (linked to them), newest first, within what the reader may see. */
export async function listEvidenceItems(
  db: Db,
  cipher: FieldCipher,
  options: { scope: CaseScope; personId?: string | undefined; caseId?: string | undefined; before?: string | undefined; limit: number; includeRetracted: boolean },
): Promise<EvidenceItem[]> {
  let query = selectItems(db).where((eb) => inCaseScope(eb, 'evidence_items.case_id', options.scope));
  if (options.personId) {
    const personId = options.personId;
    query = query.where('evidence_items.id', 'in', (eb) => eb.selectFrom('evidence_links').select('evidence_id').where('entity', '=', 'person').where('entity_id', '=', personId));
  }
  if (options.caseId) query = query.where('evidence_items.case_id', '=', options.caseId);
  if (!options.includeRetracted) query = query.where('evidence_items.retracted_at', 'is', null);
  if (options.before) query = query.where('evidence_items.id', '<', options.before);
  const rows = await query.orderBy('evidence_items.id', 'desc').limit(options.limit).execute();
  return withLinks(db, cipher, rows);
}

/** Other live items of the same case holding the same bytes. */
export async function listItemIdsOfBlob(db: Db, blobId: string, exceptId: string): Promise<string[]> {
  const rows = await db.selectFrom('evidence_items').select('id').where('blob_id', '=', blobId).where('id', '!=', exceptId).where('retracted_at', 'is', null).orderBy('id').execute();
  return rows.map((row) => row.id);
}

export async function retractEvidenceRow(db: Db, cipher: FieldCipher, id: string, expectedVersion: number, at: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('evidence_items')
    .set({ retracted_at: at, retraction_reason: cipher.seal(reason, sealContext('evidence_items', 'retraction_reason', id)), version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertCustodyEvent(db: Db, cipher: FieldCipher, event: CustodyEvent): Promise<void> {
  await db
    .insertInto('custody_events')
    .values({ ...event, detail: cipher.sealNullable(event.detail, sealContext('custody_events', 'detail', event.id)) })
    .execute();
}

function toCustodyEvent(cipher: FieldCipher, row: CustodyEventRow): CustodyEvent {
  return { ...row, kind: row.kind as CustodyKind, detail: cipher.openNullable(row.detail, sealContext('custody_events', 'detail', row.id)) };
}

export async function listCustodyEvents(db: Db, cipher: FieldCipher, evidenceIds: string[]): Promise<CustodyEvent[]> {
  if (evidenceIds.length === 0) return [];
  const rows = await db.selectFrom('custody_events').selectAll().where('evidence_id', 'in', evidenceIds).orderBy('id').execute();
  return rows.map((row) => toCustodyEvent(cipher, row));
}

export async function hasRecentCustodyEvent(db: Db, evidenceId: string, kind: CustodyKind, actor: string, since: string): Promise<boolean> {
  const row = await db
    .selectFrom('custody_events')
    .select('id')
    .where('evidence_id', '=', evidenceId)
    .where('kind', '=', kind)
    .where('actor', '=', actor)
    .where('at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
