import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { caseScope, requireCaseCoordinator } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { TamperedDataError } from '../lib/errors.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import { listRevisionsFiledUnder, type Revision } from '../records/revisions.repository.ts';
import type { ServiceContext } from '../services.ts';
import { encryptStream } from './age.ts';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  CHECKPOINT_BODY_PATH,
  CHECKPOINT_PATH,
  CHECKPOINT_SIG_PATH,
  checkpointParts,
  filePath,
  HOW_TO_PATH,
  howToVerifyText,
  LOG_KEY_PATH,
  LOG_KEY_PEM_PATH,
  MANIFEST_PATH,
  NOT_PROVEN,
  publicKeyPem,
  reasonPath,
  revisionPath,
  saltPath,
  statementPath,
  type BundleManifest,
} from './bundle-format.ts';
import { listCustodyEvents, listEvidenceItems } from './evidence.repository.ts';
import { openContent, recordCustody, type Vault } from './evidence.service.ts';
import type { EvidenceItem } from './evidence.types.ts';
import { proveSubjects } from './proofs.service.ts';
import { parseCheckpoint, parseVerifierKey } from './signed-note.ts';
import { BUNDLED_ENTITIES, canonicalJson } from './statements.ts';

/**
 * `vigil bundle export` and the web UI's export button: a case's live evidence files, every custody
 * event and case revision with its inclusion proof to one signed checkpoint, and the manual steps,
 * as one ustar archive. The export is itself a custody event ("exported") of each file, logged before
 * the proofs are taken, so the bundle proves its own making. File bytes are streamed from the vault,
 * never held whole in memory.
 */

const PAGE = 500;

/** What is known before a byte is written: the manifest and the small entries; the files follow. */
export interface PreparedBundle {
  manifest: BundleManifest;
  /** Small entries in archive order (all but the evidence files). */
  entries: Array<{ name: string; data: Buffer }>;
  /** One item per distinct file, in manifest order. */
  files: EvidenceItem[];
  /** A suggested file name, from the case number. */
  fileName: string;
}

async function liveItemsOfCase(ctx: ServiceContext, principal: Principal, caseId: string): Promise<EvidenceItem[]> {
  const items: EvidenceItem[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await listEvidenceItems(ctx.db, ctx.cipher, { scope: caseScope(ctx, principal), caseId, before, limit: PAGE, includeRetracted: false });
    items.push(...page);
    if (page.length < PAGE) return items.reverse();
    before = page.at(-1)!.id;
  }
}

function revisionEntries(revisions: Revision[]): { manifest: BundleManifest['revisions']; entries: PreparedBundle['entries'] } {
  const manifest: BundleManifest['revisions'] = [];
  const entries: PreparedBundle['entries'] = [];
  for (const revision of revisions) {
    // Exactly the bytes recordChange hashed into changes_sha256 (and reason_sha256).
    entries.push({ name: revisionPath(revision.id), data: Buffer.from(canonicalJson(JSON.parse(JSON.stringify(revision.changes))), 'utf8') });
    if (revision.reason !== null) entries.push({ name: reasonPath(revision.id), data: Buffer.from(revision.reason, 'utf8') });
    manifest.push({ revision_id: revision.id, path: revisionPath(revision.id), ...(revision.reason !== null ? { reason_path: reasonPath(revision.id) } : {}) });
  }
  return { manifest, entries };
}

/**
 * Checks that the principal coordinates the person's case (the operator at the server does), logs an
 * "exported" custody event for each live file, proves every custody event and case revision to one
 * checkpoint, and audits the export. The archive is then made by `bundleArchive`.
 */
export async function prepareBundle(ctx: ServiceContext, vault: Vault, principal: Principal, personId: string): Promise<PreparedBundle> {
  const person = await getPersonSummary(ctx, principal, personId);
  const caseId = person.case_id;
  await requireCaseCoordinator(ctx, principal, caseId, 'person');
  const items = await liveItemsOfCase(ctx, principal, caseId);
  for (const item of items) await recordCustody(ctx, item, 'exported', principal.actor);
  const events = await listCustodyEvents(ctx.db, ctx.cipher, items.map((item) => item.id));
  // The case file's facts only: never the early-warning records, nor relatives' relations.
  const revisions = (await listRevisionsFiledUnder(ctx.db, ctx.cipher, caseId)).filter((revision) => BUNDLED_ENTITIES.has(revision.entity));
  const proven = await proveSubjects(ctx, vault, [
    { subject: 'custody', ids: events.map((event) => event.id) },
    { subject: 'revision', ids: revisions.map((revision) => revision.id) },
  ]);
  const { checkpoint } = proven;
  const verifier = parseVerifierKey(proven.verifier_key);
  const parts = checkpointParts(checkpoint.note, verifier);
  if (!parts) throw new Error('the checkpoint carries no signature by the log key');
  const origin = parseCheckpoint(parts.body).origin;

  const files = [...new Map(items.map((item) => [item.sha256, item])).values()];
  const revisionFiles = revisionEntries(revisions);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    created_at: ctx.clock.now().toISOString(),
    person: { id: person.id, case_id: caseId, case_number: person.case_number },
    log: { origin, tree_size: checkpoint.size, root_hash: checkpoint.root.toString('base64'), verifier_key: proven.verifier_key },
    files: items.map((item) => ({
      path: filePath(item.sha256),
      sha256: item.sha256,
      size: item.size,
      evidence_id: item.id,
      file_name: item.file_name,
      media_type: item.media_type,
      description: item.description,
      capture: item.capture as BundleManifest['files'][number]['capture'],
      parent_id: item.parent_id,
      derivation: item.derivation,
    })),
    statements: proven.statements.map((statement) => ({
      leaf_index: statement.leaf_index,
      subject: statement.subject,
      subject_id: statement.subject_id,
      statement_path: statementPath(statement.leaf_index),
      salt_path: saltPath(statement.leaf_index),
      leaf_data: Buffer.from(statement.data, 'base64').toString('hex'),
      proof: statement.hashes,
    })),
    revisions: revisionFiles.manifest,
    not_proven: [...NOT_PROVEN],
  };
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  const entries: PreparedBundle['entries'] = [
    { name: HOW_TO_PATH, data: utf8(howToVerifyText(manifest)) },
    { name: MANIFEST_PATH, data: utf8(canonicalJson(manifest)) },
    { name: CHECKPOINT_PATH, data: utf8(checkpoint.note) },
    { name: CHECKPOINT_BODY_PATH, data: utf8(parts.body) },
    { name: CHECKPOINT_SIG_PATH, data: parts.signature },
    { name: LOG_KEY_PATH, data: utf8(`${proven.verifier_key}\n`) },
    { name: LOG_KEY_PEM_PATH, data: utf8(publicKeyPem(verifier.publicKey)) },
    ...proven.statements.flatMap((statement) => [
      { name: statementPath(statement.leaf_index), data: utf8(statement.statement) },
      { name: saltPath(statement.leaf_index), data: Buffer.from(statement.salt, 'base64') },
    ]),
    ...revisionFiles.entries,
  ];
  await ctx.audit.append({
    actor: principal.actor,
    action: 'bundle.export',
    case_id: caseId,
    entity: 'person',
    entity_id: person.id,
    detail: { files: files.length, statements: manifest.statements.length, revisions: revisions.length, tree_size: checkpoint.size },
  });
  return { manifest, entries, files, fileName: `${person.case_number}-bundle.tar` };
}

/** Passes the plaintext on while hashing it; fails the export if it is not the file that was logged. */
class ExpectHash extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;

  constructor(private readonly item: EvidenceItem) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const ok = this.size === this.item.size && this.hash.digest('hex') === this.item.sha256;
    callback(ok ? null : new TamperedDataError(`evidence file ${this.item.id}`));
  }
}

/** The prepared bundle as a ustar stream: small entries first, then each file decrypted from the vault. */
export function bundleArchive(ctx: ServiceContext, vault: Vault, bundle: PreparedBundle): Readable {
  const pack = tar.pack();
  const mtime = new Date(bundle.manifest.created_at);
  const header = (name: string, size: number) => ({ name, size, mtime, mode: 0o644, type: 'file' as const, uname: '', gname: '' });
  const write = async () => {
    for (const { name, data } of bundle.entries) {
      await new Promise<void>((done, fail) => pack.entry(header(name, data.length), data, (error) => (error ? fail(error) : done())));
    }
    for (const item of bundle.files) {
      const { stream } = await openContent(ctx, vault, item, null);
      await new Promise<void>((done, fail) => {
        const sink = pack.entry(header(filePath(item.sha256), item.size), (error) => (error ? fail(error) : done()));
        pipeline(stream, new ExpectHash(item), sink).catch(fail);
      });
    }
    pack.finalize();
  };
  write().catch((error: unknown) => pack.destroy(error as Error));
  // tar-stream packs are streamx streams: a Node Readable for pipeline() and Fastify.
  return Readable.from(pack);
}

/**
 * Writes the archive to FILE, age-encrypted to `recipient` when given: to FILE.partial first, synced,
 * then renamed, so FILE is never half a bundle.
 */
export async function writeBundleFile(file: string, recipient: string | undefined, makeArchive: () => Promise<Readable>): Promise<void> {
  const target = resolve(file);
  const partial = join(dirname(target), `${basename(target)}.partial`);
  // Opened first, so an unwritable place fails before anything is logged as exported.
  await (await open(partial, 'w', 0o600)).close();
  try {
    const archive = await makeArchive();
    const out = createWriteStream(partial, { mode: 0o600, flush: true });
    await (recipient ? pipeline(archive, encryptStream([recipient]), out) : pipeline(archive, out));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const dir = await open(dirname(target), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
