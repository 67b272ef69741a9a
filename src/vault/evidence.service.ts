import { createHash, createHmac, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import { caseAccess, caseScope, requireCaseRead, requireCaseWrite } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import type { Database } from '../db/schema.ts';
import { getEvent } from '../events/events.service.ts';
import { NotFoundError, RetractedRecordError, StaleVersionError, TamperedDataError, TooLargeError, UnprocessableError, VigilError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { findCaseOfPerson } from '../persons/persons.repository.ts';
import { recordChange } from '../records/changes.ts';
import { pageOf, decodeKeyCursor, CASE_LIST_LIMIT } from '../records/list-cursor.ts';
import { assertCurrentVersion, diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { getSource } from '../sources/sources.service.ts';
import { AgeError, decryptRange, encryptStream, generateIdentity, openAgeFile, type AgeFileInfo } from './age.ts';
import type { BlobStore } from './blob-store.ts';
import { cleanFileName, cleanMediaType } from './file-names.ts';
import {
  findBlob,
  findCaseKey,
  findEvidenceItem,
  hasRecentCustodyEvent,
  insertBlobIfAbsent,
  insertCaseKeyIfAbsent,
  insertCustodyEvent,
  insertEvidenceItem,
  listCustodyEvents,
  listEvidenceItems,
  listItemIdsOfBlob,
  retractEvidenceRow,
  type Blob,
} from './evidence.repository.ts';
import type { CustodyInput, EvidenceMetaInput, ListEvidenceQuery } from './evidence.schemas.ts';
import { CAPTURE_FIELDS, type CaptureFact, type CaptureField, type CustodyEvent, type EvidenceItem } from './evidence.types.ts';
import { appendStatement } from './log.service.ts';
import { listLogEntriesFor } from './log.repository.ts';
import { sha256Hex, STATEMENT_VERSION, type CustodyKind } from './statements.ts';
import type { NoteSigner } from './signed-note.ts';
import { loadSearchKey } from '../search/search-keys.ts';
import { indexRecordText } from '../search/text-index.ts';

/**
 * The evidence vault. An upload streams through SHA-256 and age encryption (to the case's own
 * identity) into a temporary file, never whole in memory; only when it is complete is the file
 * moved to its address and the item, its links and its "received" custody event written, in one
 * transaction. A cut-off upload leaves nothing. Each custody event is a statement in the log.
 */

export interface Vault {
  blobs: BlobStore;
  /** Signs the log's checkpoints. */
  signer: NoteSigner;
  /** Keys blob addresses: HMAC(addressKey, case ‖ SHA-256), so the store names no content hash. */
  addressKey: Buffer;
  /** The largest file taken, in bytes. */
  maxBytes: number;
}

const ENTITY = 'evidence';
const NO_PERSON = 'names no person, or a retracted one';

/** The case's age identity, made on first use. */
export async function caseIdentity(ctx: ServiceContext, caseId: string): Promise<{ identity: string; recipient: string }> {
  const found = await findCaseKey(ctx.db, ctx.cipher, caseId);
  if (found) return found;
  await insertCaseKeyIfAbsent(ctx.db, ctx.cipher, caseId, generateIdentity(), ctx.clock.now().toISOString());
  return (await findCaseKey(ctx.db, ctx.cipher, caseId))!;
}

export function blobAddress(vault: Vault, caseId: string, sha256: string): string {
  return createHmac('sha256', vault.addressKey).update(`${caseId}\u0000${sha256}`).digest('hex');
}

/** What an upload will be filed under, checked before a single byte is stored. */
export interface UploadPlan {
  caseId: string;
  recipient: string;
  meta: EvidenceMetaInput;
  parent: EvidenceItem | null;
}

async function readableLink(check: () => Promise<unknown>, field: string): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof NotFoundError) throw new UnprocessableError(`${field} names a record that does not exist or that you may not read`, { [field]: 'no such record' });
    throw error;
  }
}

export async function planUpload(ctx: ServiceContext, principal: Principal, meta: EvidenceMetaInput): Promise<UploadPlan> {
  const cases: string[] = [];
  for (const personId of meta.person_ids) {
    const found = await findCaseOfPerson(ctx.db, personId);
    if (!found || found.retracted || !(await caseAccess(ctx, principal, found.case_id)).read) {
      throw new UnprocessableError(`person_ids ${NO_PERSON}`, { person_ids: NO_PERSON });
    }
    cases.push(found.case_id);
  }
  const caseId = cases[0]!;
  await requireCaseWrite(ctx, principal, caseId, 'person');
  for (const id of meta.event_ids ?? []) await readableLink(() => getEvent(ctx, principal, id), 'event_ids');
  for (const id of meta.source_ids ?? []) await readableLink(() => getSource(ctx, principal, id), 'source_ids');
  let parent: EvidenceItem | null = null;
  if (meta.parent_id !== undefined) {
    parent = await findEvidenceItem(ctx.db, ctx.cipher, meta.parent_id);
    if (!parent || parent.case_id !== caseId || !(await caseAccess(ctx, principal, parent.case_id)).read) {
      throw new UnprocessableError('parent_id names no item of this case', { parent_id: 'an evidence item filed under the same case' });
    }
    if (!meta.derivation) throw new UnprocessableError('a derived file says how it was derived', { derivation: 'required with parent_id' });
  } else if (meta.derivation) {
    throw new UnprocessableError('derivation needs the item it was derived from', { parent_id: 'required with derivation' });
  }
  const { recipient } = await caseIdentity(ctx, caseId);
  return { caseId, recipient, meta, parent };
}

/** Counts and hashes the plaintext on its way to the cipher; stops a file over the limit. */
class HashTap extends Transform {
  readonly hash: Hash = createHash('sha256');
  size = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new TooLargeError(`the file is larger than this deployment takes (${this.maxBytes} bytes)`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

function captureFacts(meta: EvidenceMetaInput, principal: Principal): Partial<Record<CaptureField, CaptureFact>> {
  const facts: Partial<Record<CaptureField, CaptureFact>> = {};
  for (const field of CAPTURE_FIELDS) {
    const given = meta.capture?.[field];
    if (given === undefined) continue;
    facts[field] = typeof given === 'string' ? { value: given, asserted_by: principal.actor } : given;
  }
  return facts;
}

export interface ReceivedEvidence {
  item: EvidenceItem;
  /** Other items of the case with the same bytes: the file was stored once. */
  duplicate_of: string[];
}

/** A file streamed, hashed and encrypted into a temporary file, not yet filed. */
export interface StagedUpload {
  plan: UploadPlan;
  tempPath: string;
  sha256: string;
  size: number;
  fileName: string | undefined;
  mediaType: string | undefined;
}

/** Streams the file through SHA-256 and age into a temporary file; on any failure nothing is left. */
export async function stageUpload(vault: Vault, plan: UploadPlan, file: Readable, given: { fileName: string | undefined; mediaType: string | undefined }): Promise<StagedUpload> {
  const temp = vault.blobs.createTemp();
  const tap = new HashTap(vault.maxBytes);
  try {
    await pipeline(file, tap, encryptStream([plan.recipient]), temp.stream);
  } catch (error) {
    await vault.blobs.discard(temp.path);
    if (error instanceof VigilError) throw error;
    throw new UnprocessableError('the upload was cut off before the file was complete; nothing was stored');
  }
  if (tap.size === 0) {
    await vault.blobs.discard(temp.path);
    throw new UnprocessableError('the file is empty; nothing was stored', { file: 'an empty file' });
  }
  return { plan, tempPath: temp.path, sha256: tap.hash.digest('hex'), size: tap.size, ...given };
}

export async function discardUpload(vault: Vault, staged: StagedUpload): Promise<void> {
  await vault.blobs.discard(staged.tempPath);
}

/** Files a staged upload: the file moves to its address (once per case and content), then the records, in one transaction. */
export async function fileUpload(ctx: ServiceContext, vault: Vault, principal: Principal, staged: StagedUpload): Promise<ReceivedEvidence> {
  const { plan, sha256, size } = staged;
  const address = blobAddress(vault, plan.caseId, sha256);
  // The same content of the same case is already there: commit keeps that file and drops this one.
  await vault.blobs.commit(staged.tempPath, address);

  const id = newId();
  const at = ctx.clock.now().toISOString();
  const searchKey = await loadSearchKey(ctx);
  const blobId = await ctx.db.transaction().execute(async (trx) => {
    const blob = await insertBlobIfAbsent(trx, ctx.cipher, { id: newId(), case_id: plan.caseId, address, sha256, size }, at);
    const fields = {
      file_name: cleanFileName(staged.fileName),
      media_type: cleanMediaType(staged.mediaType),
      description: plan.meta.description ?? null,
      capture: captureFacts(plan.meta, principal),
      parent_id: plan.parent?.id ?? null,
      derivation: plan.meta.derivation ?? null,
      person_ids: plan.meta.person_ids,
      event_ids: plan.meta.event_ids ?? [],
      source_ids: plan.meta.source_ids ?? [],
    };
    await insertEvidenceItem(trx, ctx.cipher, { id, case_id: plan.caseId, blob_id: blob.id, created_at: at, created_by: principal.actor, ...fields });
    await indexRecordText(trx, searchKey, ENTITY, { id, case_id: plan.caseId, fields });
    await recordChange(ctx, trx, { case_id: plan.caseId, entity: ENTITY, entity_id: id, version: 1, action: 'create', actor: principal.actor, at, changes: diffChanges(null, { ...fields, sha256, size }), reason: null });
    const kind: CustodyKind = plan.parent ? 'derived' : 'received';
    await writeCustody(ctx, trx, { evidence: { id, case_id: plan.caseId, sha256, size }, kind, actor: principal.actor, at, detail: null, parentSha256: plan.parent?.sha256 });
    return blob.id;
  });
  return { item: await loadItem(ctx, id), duplicate_of: await listItemIdsOfBlob(ctx.db, blobId, id) };
}

/** A custody event and its statement in the log, in the caller's transaction. */
async function writeCustody(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  event: { evidence: Pick<EvidenceItem, 'id' | 'case_id' | 'sha256' | 'size'>; kind: CustodyKind; actor: string; at: string; detail: string | null; parentSha256?: string | undefined },
): Promise<void> {
  const id = newId();
  await insertCustodyEvent(trx, ctx.cipher, { id, evidence_id: event.evidence.id, case_id: event.evidence.case_id, kind: event.kind, at: event.at, actor: event.actor, detail: event.detail });
  await appendStatement(ctx, trx, 'custody', id, {
    v: STATEMENT_VERSION,
    type: 'custody',
    event_id: id,
    evidence_id: event.evidence.id,
    case_id: event.evidence.case_id,
    kind: event.kind,
    at: event.at,
    actor: event.actor,
    sha256: event.evidence.sha256,
    size: event.evidence.size,
    ...(event.parentSha256 ? { parent_sha256: event.parentSha256 } : {}),
    ...(event.detail ? { detail_sha256: sha256Hex(event.detail) } : {}),
  });
}

/** Records a custody event on its own (access, export, transfer). */
export async function recordCustody(ctx: ServiceContext, item: EvidenceItem, kind: CustodyKind, actor: string, detail: string | null = null): Promise<void> {
  await ctx.db.transaction().execute((trx) => writeCustody(ctx, trx, { evidence: item, kind, actor, at: ctx.clock.now().toISOString(), detail }));
}

async function loadItem(ctx: ServiceContext, id: string): Promise<EvidenceItem> {
  const item = await findEvidenceItem(ctx.db, ctx.cipher, id);
  if (!item) throw new NotFoundError('evidence item');
  return item;
}

export async function getEvidence(ctx: ServiceContext, principal: Principal, id: string): Promise<EvidenceItem> {
  const item = await loadItem(ctx, id);
  await requireCaseRead(ctx, principal, item.case_id, 'evidence item');
  return item;
}

export interface CustodyTrailEntry extends CustodyEvent {
  leaf_index: number | null;
}

export async function custodyTrail(ctx: ServiceContext, item: EvidenceItem): Promise<CustodyTrailEntry[]> {
  const events = await listCustodyEvents(ctx.db, ctx.cipher, [item.id]);
  const entries = await listLogEntriesFor(ctx.db, ctx.cipher, 'custody', events.map((event) => event.id));
  const indexOf = new Map(entries.map((entry) => [entry.subject_id, entry.leaf_index]));
  return events.map((event) => ({ ...event, leaf_index: indexOf.get(event.id) ?? null }));
}

export async function listEvidence(ctx: ServiceContext, principal: Principal, query: ListEvidenceQuery): Promise<{ items: EvidenceItem[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const [before] = decodeKeyCursor(query.cursor, 1) ?? [];
  const rows = await listEvidenceItems(ctx.db, ctx.cipher, {
    scope: caseScope(ctx, principal),
    personId: query.person_id,
    before,
    limit: Math.min(limit, CASE_LIST_LIMIT) + 1,
    includeRetracted: query.include_retracted ?? false,
  });
  return pageOf(rows, limit, (item) => [item.id]);
}

/** The plaintext of an item, whole or one byte range, decrypted chunk by chunk. */
export async function openContent(
  ctx: ServiceContext,
  vault: Vault,
  item: EvidenceItem,
  range: { start: number; end: number } | null,
): Promise<{ stream: Readable; start: number; end: number }> {
  const blob: Blob | null = await findBlob(ctx.db, ctx.cipher, item.blob_id);
  if (!blob) throw new NotFoundError('evidence file');
  const { identity } = await caseIdentity(ctx, item.case_id);
  const path = vault.blobs.path(blob.address);
  let info: AgeFileInfo;
  try {
    info = await openAgeFile(path, [identity]);
  } catch (error) {
    // A file changed, cut short or swapped on disk: said as such, never served.
    if (error instanceof AgeError) throw new TamperedDataError(`evidence file ${item.id}`);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`evidence file ${item.id} is not in this server's vault folder (${blob.address}): restore it from a backup of the vault`);
    throw error;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? info.plaintextSize - 1;
  return { stream: decryptRange(path, info, start, end), start, end };
}

/** How long one user's reads of one item count as one access in the custody trail. */
export const ACCESS_WINDOW_MS = 15 * 60 * 1000;

/**
 * Content read by a user, logged as an access: any read of any part, once per user and item in
 * ACCESS_WINDOW_MS (a player's range requests, a page shown again, are the same access).
 */
export async function readContent(ctx: ServiceContext, vault: Vault, principal: Principal, item: EvidenceItem, range: { start: number; end: number } | null) {
  const content = await openContent(ctx, vault, item, range);
  const since = new Date(ctx.clock.now().getTime() - ACCESS_WINDOW_MS).toISOString();
  if (!(await hasRecentCustodyEvent(ctx.db, item.id, 'accessed', principal.actor, since))) await recordCustody(ctx, item, 'accessed', principal.actor);
  return content;
}

export async function recordTransfer(ctx: ServiceContext, principal: Principal, id: string, input: CustodyInput): Promise<EvidenceItem> {
  const item = await loadItem(ctx, id);
  await requireCaseWrite(ctx, principal, item.case_id, 'evidence item');
  await recordCustody(ctx, item, input.kind, principal.actor, input.note ? `${input.to}\n${input.note}` : input.to);
  return item;
}

/** A retracted item keeps its file and its trail; it leaves the lists and says why. */
export async function retractEvidence(ctx: ServiceContext, principal: Principal, id: string, reason: string, expected?: number): Promise<EvidenceItem> {
  const item = await loadItem(ctx, id);
  await requireCaseWrite(ctx, principal, item.case_id, 'evidence item');
  if (item.retracted_at) throw new RetractedRecordError('this evidence item');
  if (expected !== undefined) assertCurrentVersion(item.version, expected);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await retractEvidenceRow(trx, ctx.cipher, id, item.version, at, reason))) throw new StaleVersionError(item.version + 1, item.version);
    await recordChange(ctx, trx, { case_id: item.case_id, entity: ENTITY, entity_id: id, version: item.version + 1, action: 'retract', actor: principal.actor, at, changes: {}, reason });
    await writeCustody(ctx, trx, { evidence: item, kind: 'retracted', actor: principal.actor, at, detail: reason });
  });
  return loadItem(ctx, id);
}
