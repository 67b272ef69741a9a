import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findSetting, insertSettingIfAbsent } from '../auth/settings.repository.ts';
import type { Database } from '../db/schema.ts';
import { loadSealedSecret } from '../keys/deployment-secrets.ts';
import { InvalidInputError, NotFoundError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import { completedBy, consistencyPlan, EMPTY_ROOT, foldRange, inclusionPlan, leafHash, nodeHash, nodeKey, proofFromPlan, rangeNodes, type NodeRef } from './merkle.ts';
import { formatCheckpoint, signerFromSeed, signNote, type NoteSigner } from './signed-note.ts';
import {
  assignLeafIndexes,
  findLatestCheckpoint,
  findNodes,
  hasPendingEntries,
  insertCheckpoint,
  insertLogEntry,
  insertNodes,
  listLeaves,
  listPendingEntries,
  lockLogSize,
  readLogSize,
  saveLogSize,
  type LogSubject,
} from './log.repository.ts';
import { canonicalJson, leafData, newSalt, type Statement } from './statements.ts';

/**
 * The transparency log (RFC 9162 Merkle tree, C2SP checkpoints). Appending is two steps, as in
 * production logs: a change writes its statement as a waiting entry inside its own transaction
 * (cheap, no lock), and the sequencer (`integrateLog`, run by the worker and before any proof is
 * served) gives waiting entries their leaf indexes in batches under one lock, stores the subtree
 * hashes that became complete, and signs a checkpoint of the new size.
 */

const SIGNING_KEY_SETTING = 'log_signing_key';
const ORIGIN_SETTING = 'log_origin';
const BATCH = 2000;
export const MAX_LEAVES_PER_PAGE = 1000;

/** Writes a statement to the log, inside the caller's transaction; the sequencer places it. */
export async function appendStatement(ctx: Pick<ServiceContext, 'cipher' | 'clock'>, trx: Kysely<Database>, subject: LogSubject, subjectId: string, statement: Statement): Promise<string> {
  const json = canonicalJson(statement);
  const salt = newSalt();
  return insertLogEntry(trx, ctx.cipher, { subject, subject_id: subjectId, data: leafData(salt, json), salt, statement: json, created_at: ctx.clock.now().toISOString() });
}

/**
 * The deployment's log key (Ed25519, sealed in the settings) and origin, made on first use.
 * The origin names the log in its checkpoints and its verifier key; it is fixed once made.
 */
export async function loadLogSigner(ctx: Pick<ServiceContext, 'db' | 'cipher'>, wantedOrigin?: string): Promise<NoteSigner> {
  await insertSettingIfAbsent(ctx.db, ORIGIN_SETTING, wantedOrigin ?? `vigil.invalid/log/${randomBytes(6).toString('hex')}`);
  const origin = (await findSetting(ctx.db, ORIGIN_SETTING))!;
  return signerFromSeed(origin, await loadSealedSecret(ctx, SIGNING_KEY_SETTING));
}

export interface IntegrationResult {
  size: number;
  integrated: number;
}

/**
 * Places every waiting entry, batch by batch, each batch ending in a signed checkpoint. When
 * nothing waits it only reads: the worker calls it every pass, and an idle log writes nothing.
 */
export async function integrateLog(ctx: ServiceContext, signer: NoteSigner): Promise<IntegrationResult> {
  if (!(await hasPendingEntries(ctx.db)) && (await findLatestCheckpoint(ctx.db))) return { size: await readLogSize(ctx.db), integrated: 0 };
  let integrated = 0;
  for (;;) {
    const batch = await ctx.db.transaction().execute((trx) => integrateBatch(ctx, trx, signer));
    integrated += batch.integrated;
    if (batch.integrated < BATCH) return { size: batch.size, integrated };
  }
}

async function integrateBatch(ctx: ServiceContext, trx: Kysely<Database>, signer: NoteSigner): Promise<IntegrationResult> {
  const start = await lockLogSize(trx, ctx.dialect);
  const pending = await listPendingEntries(trx, BATCH);
  if (pending.length === 0) {
    // A new log signs its empty tree once, so there is always a checkpoint to serve.
    if (start === 0 && !(await findLatestCheckpoint(trx))) await signCheckpoint(ctx, trx, signer, 0, EMPTY_ROOT);
    return { size: start, integrated: 0 };
  }
  // The complete subtrees of the current tree are the only older hashes new nodes can need.
  const known = start === 0 ? new Map<number, Buffer>() : await findNodes(trx, rangeNodes(0, start).map(nodeKey));
  const added = new Map<number, Buffer>();
  const hashOf = (ref: NodeRef): Buffer => {
    const key = nodeKey(ref);
    const hash = added.get(key) ?? known.get(key);
    if (!hash) throw new Error(`the log is missing node ${ref.level}/${ref.index}`);
    return hash;
  };
  const placed = pending.map((entry, offset) => {
    const index = start + offset;
    added.set(nodeKey({ level: 0, index }), leafHash(entry.data));
    for (const { node, left, right } of completedBy(index)) added.set(nodeKey(node), nodeHash(hashOf(left), hashOf(right)));
    return { id: entry.id, index };
  });
  const size = start + pending.length;
  await insertNodes(trx, added);
  await assignLeafIndexes(trx, placed);
  await saveLogSize(trx, size);
  await signCheckpoint(ctx, trx, signer, size, foldRange(rangeNodes(0, size).map(hashOf)));
  return { size, integrated: pending.length };
}

async function signCheckpoint(ctx: ServiceContext, trx: Kysely<Database>, signer: NoteSigner, size: number, root: Buffer): Promise<void> {
  const note = signNote(formatCheckpoint({ origin: signer.name, size, root, extensions: [] }), [signer]);
  await insertCheckpoint(trx, { size, root: root.toString('base64'), note, created_at: ctx.clock.now().toISOString() });
}

export interface CheckpointView {
  size: number;
  root: Buffer;
  note: string;
  created_at: string;
}

/**
 * The newest checkpoint, after placing what waits. Only a cheap read when nothing waits: reading
 * the log never takes the sequencer's lock for nothing (the worker places entries every pass).
 */
export async function currentCheckpoint(ctx: ServiceContext, signer: NoteSigner): Promise<CheckpointView> {
  await integrateLog(ctx, signer);
  const row = await findLatestCheckpoint(ctx.db);
  if (!row) throw new Error('the log has no checkpoint');
  return { size: row.size, root: Buffer.from(row.root, 'base64'), note: row.note, created_at: row.created_at };
}

/** Proof hashes from plans: one query for every node the plans name. */
async function proofFromStore(ctx: ServiceContext, plan: NodeRef[][]): Promise<Buffer[]> {
  const nodes = await findNodes(ctx.db, plan.flat().map(nodeKey));
  return proofFromPlan(plan, (ref) => {
    const hash = nodes.get(nodeKey(ref));
    if (!hash) throw new Error(`the log is missing node ${ref.level}/${ref.index}`);
    return hash;
  });
}

function checkSize(size: number, logSize: number, field: string): void {
  if (size > logSize) throw new InvalidInputError(`${field} is beyond the log's size (${logSize})`, { [field]: `at most ${logSize}` });
}

export async function inclusionProof(ctx: ServiceContext, index: number, size: number): Promise<Buffer[]> {
  checkSize(size, await readLogSize(ctx.db), 'size');
  if (index >= size) throw new InvalidInputError('index must be below size', { index: `below ${size}` });
  return proofFromStore(ctx, inclusionPlan(index, size));
}

export async function consistencyProof(ctx: ServiceContext, from: number, to: number): Promise<Buffer[]> {
  checkSize(to, await readLogSize(ctx.db), 'to');
  if (from < 1 || from > to) throw new InvalidInputError('from must be at least 1 and at most to', { from: `1 to ${to}` });
  return proofFromStore(ctx, consistencyPlan(from, to));
}

/** The root of the tree at any size the log has reached. */
export async function rootAt(ctx: ServiceContext, size: number): Promise<Buffer> {
  checkSize(size, await readLogSize(ctx.db), 'size');
  if (size === 0) return EMPTY_ROOT;
  const [root] = await proofFromStore(ctx, [rangeNodes(0, size)]);
  return root!;
}

export async function leaves(ctx: ServiceContext, start: number, end: number): Promise<Array<{ index: number; data: string }>> {
  if (end <= start) throw new InvalidInputError('end must be above start', { end: `above ${start}` });
  const size = await readLogSize(ctx.db);
  if (start >= size) throw new NotFoundError('leaf');
  return listLeaves(ctx.db, start, Math.min(end, start + MAX_LEAVES_PER_PAGE, size));
}
