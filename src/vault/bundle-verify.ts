import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { decryptStream } from './age.ts';
import {
  CHECKPOINT_BODY_PATH,
  CHECKPOINT_PATH,
  CHECKPOINT_SIG_PATH,
  checkpointParts,
  FIXED_PATHS,
  LOG_KEY_PATH,
  LOG_KEY_PEM_PATH,
  MANIFEST_PATH,
  manifestShapeProblem,
  MAX_SMALL_ENTRY_BYTES,
  NOT_PROVEN,
  publicKeyPem,
  saltPath,
  statementPath,
  unsafePathReason,
  type BundleManifest,
  type ManifestFile,
} from './bundle-format.ts';
import { leafHash, verifyInclusion } from './merkle.ts';
import { openCheckpoint, parseVerifierKey, type NoteVerifier } from './signed-note.ts';
import { canonicalJson, parseStatement, SALT_BYTES, type CustodyStatement, type RevisionStatement, type Statement } from './statements.ts';

/**
 * `vigil verify BUNDLE`: checks a bundle offline, layer by layer (archive, manifest, checkpoint,
 * files, statements, proofs), printing PASS or FAIL for each layer and item. The archive is read
 * once, as a stream: every entry is hashed as it passes and only the bundle's own small files are
 * kept, so a bundle of any size verifies in about the time it takes to hash it.
 */

export const LAYERS = ['archive', 'manifest', 'checkpoint', 'files', 'statements', 'proofs'] as const;
export type Layer = (typeof LAYERS)[number];

export interface VerifyOptions {
  /** The log key the organisation publishes (name+hexid+base64key). */
  key?: string | undefined;
  /** Age identities, for an encrypted bundle. */
  identities?: string[] | undefined;
}

export interface VerifyResult {
  ok: boolean;
  failed: Layer[];
}

interface SeenEntry {
  sha256: string;
  size: number;
  /** Kept for the bundle's own files; evidence files are only hashed. */
  data: Buffer | null;
}

/** All the small files together; a hostile archive of endless small entries cannot fill memory. */
const MAX_KEPT_BYTES = 256 * 1024 * 1024;
const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n');

async function startsWithAge(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(AGE_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(AGE_MAGIC);
  } finally {
    await handle.close();
  }
}

/** Reads every entry once; what breaks the archive itself is returned as problems of the archive layer. */
async function readArchive(source: Readable, problems: string[]): Promise<Map<string, SeenEntry>> {
  const seen = new Map<string, SeenEntry>();
  let kept = 0;
  const extract = tar.extract();
  const feeding = pipeline(source, extract);
  feeding.catch(() => {});
  for await (const entry of extract) {
    const name = entry.header.name;
    const unsafe = unsafePathReason(name);
    const keep = unsafe === null && !name.startsWith('files/') && (entry.header.size ?? 0) <= MAX_SMALL_ENTRY_BYTES && kept + (entry.header.size ?? 0) <= MAX_KEPT_BYTES;
    if (keep) kept += entry.header.size ?? 0;
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      if (keep) chunks.push(chunk);
    }
    if (entry.header.type !== 'file') problems.push(`${JSON.stringify(name)} is a ${entry.header.type ?? 'special'} entry, not a file`);
    else if (unsafe) problems.push(`${JSON.stringify(name)} is ${unsafe}`);
    else if (seen.has(name)) problems.push(`${name} appears twice`);
    else seen.set(name, { sha256: hash.digest('hex'), size, data: keep ? Buffer.concat(chunks, size) : null });
  }
  await feeding;
  return seen;
}

/** The outcome of one layer: its items' lines and whether it passed. */
class LayerReport {
  readonly lines: string[] = [];
  failures = 0;

  constructor(readonly layer: Layer) {}

  pass(item: string): void {
    this.lines.push(`PASS ${this.layer} ${item}`);
  }

  fail(item: string): void {
    this.lines.push(`FAIL ${this.layer} ${item}`);
    this.failures += 1;
  }

  check(ok: boolean, passed: string, failed: string): boolean {
    if (ok) this.pass(passed);
    else this.fail(failed);
    return ok;
  }
}

function text(entry: SeenEntry | undefined): string | null {
  return entry?.data ? entry.data.toString('utf8') : null;
}

function checkManifest(report: LayerReport, entry: SeenEntry | undefined): BundleManifest | null {
  const raw = text(entry);
  if (raw === null) {
    report.fail(`${MANIFEST_PATH}: missing`);
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    report.fail(`${MANIFEST_PATH}: not JSON`);
    return null;
  }
  const shape = manifestShapeProblem(value);
  if (shape) {
    report.fail(`${MANIFEST_PATH}: ${shape}`);
    return null;
  }
  report.check(canonicalJson(value) === raw, `${MANIFEST_PATH}: canonical JSON (RFC 8785), vigil-bundle version 1`, `${MANIFEST_PATH}: not in canonical form (RFC 8785): it was re-written`);
  return value as BundleManifest;
}

function checkCheckpoint(report: LayerReport, seen: Map<string, SeenEntry>, manifest: BundleManifest, options: VerifyOptions): void {
  const keyText = text(seen.get(LOG_KEY_PATH))?.trim();
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(keyText ?? '');
  } catch {
    report.fail(`${LOG_KEY_PATH}: missing or not a verifier key`);
    return;
  }
  report.check(keyText === manifest.log.verifier_key, `${LOG_KEY_PATH}: the manifest's key`, `${LOG_KEY_PATH}: not the key the manifest names`);
  report.check(text(seen.get(LOG_KEY_PEM_PATH)) === publicKeyPem(verifier.publicKey), `${LOG_KEY_PEM_PATH}: the same key`, `${LOG_KEY_PEM_PATH}: not the key of ${LOG_KEY_PATH}`);
  if (options.key !== undefined) {
    report.check(options.key.trim() === keyText, `${LOG_KEY_PATH}: the key given with --key`, `${LOG_KEY_PATH}: not the key given with --key (${options.key.trim()})`);
  }
  const note = text(seen.get(CHECKPOINT_PATH));
  if (note === null) {
    report.fail(`${CHECKPOINT_PATH}: missing`);
    return;
  }
  try {
    const { checkpoint } = openCheckpoint(note, [verifier], manifest.log.origin);
    report.pass(`${CHECKPOINT_PATH}: signed by ${verifier.name}`);
    report.check(
      checkpoint.size === manifest.log.tree_size && checkpoint.root.toString('base64') === manifest.log.root_hash,
      `${CHECKPOINT_PATH}: tree size ${checkpoint.size} and root hash are the manifest's`,
      `${CHECKPOINT_PATH}: tree size or root hash differ from the manifest's`,
    );
    const parts = checkpointParts(note, verifier)!;
    const sig = seen.get(CHECKPOINT_SIG_PATH)?.data;
    report.check(
      text(seen.get(CHECKPOINT_BODY_PATH)) === parts.body && sig !== null && sig !== undefined && sig.equals(parts.signature),
      `${CHECKPOINT_BODY_PATH}, ${CHECKPOINT_SIG_PATH}: the note's text and signature`,
      `${CHECKPOINT_BODY_PATH}, ${CHECKPOINT_SIG_PATH}: not the note's text and signature`,
    );
  } catch (error) {
    report.fail(`${CHECKPOINT_PATH}: ${(error as Error).message}`);
  }
}

function checkFiles(report: LayerReport, seen: Map<string, SeenEntry>, manifest: BundleManifest, createChanges: Map<string, Record<string, { to?: unknown }>>): void {
  for (const file of manifest.files) {
    const entry = seen.get(file.path);
    const label = `${file.path} (${file.file_name})`;
    if (file.path !== `files/${file.sha256}`) report.fail(`${label}: not stored under its SHA-256`);
    else if (!entry) report.fail(`${label}: missing from the archive`);
    else if (entry.sha256 !== file.sha256) report.fail(`${label}: its SHA-256 is ${entry.sha256}, not the manifest's`);
    else if (entry.size !== file.size) report.fail(`${label}: ${entry.size} bytes, not the manifest's ${file.size}`);
    else {
      const problem = metadataProblem(file, createChanges.get(file.evidence_id));
      report.check(problem === null, `${label}: SHA-256, ${file.size} bytes and what is on record`, `${label}: ${problem}`);
    }
  }
  if (manifest.files.length === 0) report.pass('(no files)');
}

/** A file's metadata in the manifest against the "to" values of its item's create revision. */
function metadataProblem(file: ManifestFile, changes: Record<string, { to?: unknown }> | undefined): string | null {
  if (!changes) return 'no proven revision records this item';
  const fields: Array<keyof ManifestFile> = ['file_name', 'media_type', 'description', 'capture', 'parent_id', 'derivation', 'sha256', 'size'];
  for (const field of fields) {
    const recorded = changes[field]?.to ?? null;
    if (canonicalJson(recorded) !== canonicalJson(file[field] ?? null)) return `its ${field} is not what the item's revision records`;
  }
  return null;
}

interface ProvenStatement {
  statement: Statement;
  leafIndex: number;
}

function checkStatements(report: LayerReport, seen: Map<string, SeenEntry>, manifest: BundleManifest): ProvenStatement[] {
  const proven: ProvenStatement[] = [];
  const revisionPaths = new Map(manifest.revisions.map((revision) => [revision.revision_id, revision]));
  const files = new Map(manifest.files.map((file) => [file.evidence_id, file]));
  for (const entry of manifest.statements) {
    const label = `${entry.leaf_index}`;
    const statementBytes = seen.get(entry.statement_path)?.data;
    const salt = seen.get(entry.salt_path)?.data;
    if (entry.statement_path !== statementPath(entry.leaf_index) || entry.salt_path !== saltPath(entry.leaf_index)) {
      report.fail(`${label}: its paths are not ${statementPath(entry.leaf_index)} and ${saltPath(entry.leaf_index)}`);
      continue;
    }
    if (!statementBytes || !salt) {
      report.fail(`${label}: ${statementBytes ? entry.salt_path : entry.statement_path} missing`);
      continue;
    }
    if (salt.length !== SALT_BYTES) {
      report.fail(`${label}: the salt is ${salt.length} bytes, not ${SALT_BYTES}`);
      continue;
    }
    const data = createHash('sha256').update(salt).update(statementBytes).digest('hex');
    if (data !== entry.leaf_data) {
      report.fail(`${label}: SHA-256(salt ‖ statement) is not the leaf data`);
      continue;
    }
    const statement = parseStatement(statementBytes.toString('utf8'));
    const problem = statement ? claimProblem(statement, entry, manifest, files, revisionPaths, seen) : 'not a statement Vigil writes';
    if (problem) {
      report.fail(`${label}: ${problem}`);
      continue;
    }
    report.pass(`${label}: ${describe(statement!)}`);
    proven.push({ statement: statement!, leafIndex: entry.leaf_index });
  }
  // Each file must have been received (or derived) on record.
  for (const file of manifest.files) {
    const filed = proven.some(({ statement }) => statement.type === 'custody' && statement.evidence_id === file.evidence_id && (statement.kind === 'received' || statement.kind === 'derived'));
    if (!filed) report.fail(`${file.path}: no proven custody statement records its receipt`);
  }
  if (manifest.statements.length === 0) report.pass('(no statements)');
  return proven;
}

function describe(statement: Statement): string {
  return statement.type === 'custody'
    ? `custody ${statement.kind} of evidence ${statement.evidence_id} at ${statement.at} by ${statement.actor}`
    : `revision ${statement.version} (${statement.action}) of ${statement.entity} ${statement.entity_id} at ${statement.at} by ${statement.actor}`;
}

function claimProblem(
  statement: Statement,
  entry: BundleManifest['statements'][number],
  manifest: BundleManifest,
  files: Map<string, ManifestFile>,
  revisions: Map<string, BundleManifest['revisions'][number]>,
  seen: Map<string, SeenEntry>,
): string | null {
  if (statement.type !== entry.subject) return `a ${statement.type} statement listed as ${entry.subject}`;
  if (statement.case_id !== manifest.person.case_id) return `filed under case ${statement.case_id}, not this bundle's`;
  return statement.type === 'custody' ? custodyProblem(statement, entry.subject_id, files) : revisionProblem(statement, entry.subject_id, revisions, seen);
}

function custodyProblem(statement: CustodyStatement, subjectId: string, files: Map<string, ManifestFile>): string | null {
  if (statement.event_id !== subjectId) return 'its event id is not the one listed';
  const file = files.get(statement.evidence_id);
  if (!file || file.sha256 !== statement.sha256 || file.size !== statement.size) return `its file (sha256 ${statement.sha256}) is not in the bundle`;
  if (statement.parent_sha256 !== undefined && file.parent_id !== null) {
    const parent = files.get(file.parent_id);
    if (parent && parent.sha256 !== statement.parent_sha256) return 'it names another parent file than the bundle';
  }
  return null;
}

function revisionProblem(statement: RevisionStatement, subjectId: string, revisions: Map<string, BundleManifest['revisions'][number]>, seen: Map<string, SeenEntry>): string | null {
  if (statement.revision_id !== subjectId) return 'its revision id is not the one listed';
  const listed = revisions.get(statement.revision_id);
  const changes = listed ? seen.get(listed.path) : undefined;
  if (!listed || !changes) return `the revision's changes (revisions/${statement.revision_id}.json) are not in the bundle`;
  if (changes.sha256 !== statement.changes_sha256) return `${listed.path} is not the changes the statement commits to`;
  if (statement.reason_sha256 !== undefined) {
    const reason = listed.reason_path ? seen.get(listed.reason_path) : undefined;
    if (!reason || reason.sha256 !== statement.reason_sha256) return 'the revision\'s reason is missing or not the one the statement commits to';
  }
  return null;
}

function checkProofs(report: LayerReport, manifest: BundleManifest): void {
  const root = Buffer.from(manifest.log.root_hash, 'base64');
  const size = manifest.log.tree_size;
  for (const entry of manifest.statements) {
    const ok = verifyInclusion(
      leafHash(Buffer.from(entry.leaf_data, 'hex')),
      entry.leaf_index,
      size,
      entry.proof.map((hash) => Buffer.from(hash, 'base64')),
      root,
    );
    report.check(ok, `${entry.leaf_index}: leads to the checkpoint's root at size ${size}`, `${entry.leaf_index}: does not lead to the checkpoint's root at size ${size}`);
  }
  if (manifest.statements.length === 0) report.pass('(no proofs)');
}

/** The "create" revision's changes of each evidence item, from revisions whose statements verified. */
function createChangesOf(proven: ProvenStatement[], seen: Map<string, SeenEntry>, manifest: BundleManifest): Map<string, Record<string, { to?: unknown }>> {
  const paths = new Map(manifest.revisions.map((revision) => [revision.revision_id, revision.path]));
  const found = new Map<string, Record<string, { to?: unknown }>>();
  for (const { statement } of proven) {
    if (statement.type !== 'revision' || statement.entity !== 'evidence' || statement.action !== 'create') continue;
    const data = seen.get(paths.get(statement.revision_id) ?? '')?.data;
    if (data) found.set(statement.entity_id, JSON.parse(data.toString('utf8')) as Record<string, { to?: unknown }>);
  }
  return found;
}

/** Verifies the bundle at `path`, writing one line per layer and item; never throws for a bad bundle. */
export async function verifyBundle(path: string, options: VerifyOptions, out: (line: string) => void): Promise<VerifyResult> {
  const archive = new LayerReport('archive');
  const problems: string[] = [];
  let seen: Map<string, SeenEntry> | null = null;
  try {
    const encrypted = await startsWithAge(path);
    if (encrypted && !options.identities) {
      problems.push('the bundle is age-encrypted: give --identity FILE');
    } else {
      const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
      const source = encrypted ? file.pipe(decryptStream(options.identities!)) : file;
      if (encrypted) file.on('error', (error) => source.destroy(error));
      seen = await readArchive(source, problems);
    }
  } catch (error) {
    problems.push(`not a readable tar archive: ${(error as Error).message}`);
    seen = null;
  }
  for (const problem of problems) archive.fail(problem);

  const reports: LayerReport[] = [archive];
  let manifest: BundleManifest | null = null;
  if (seen) {
    const manifestReport = new LayerReport('manifest');
    manifest = checkManifest(manifestReport, seen.get(MANIFEST_PATH));
    reports.push(manifestReport);
    if (manifest) {
      const named = new Set<string>([
        ...FIXED_PATHS,
        ...manifest.files.map((file) => file.path),
        ...manifest.statements.flatMap((entry) => [entry.statement_path, entry.salt_path]),
        ...manifest.revisions.flatMap((revision) => [revision.path, ...(revision.reason_path ? [revision.reason_path] : [])]),
      ]);
      for (const name of seen.keys()) if (!named.has(name)) archive.fail(`${name}: not named in the manifest`);
      const checkpoint = new LayerReport('checkpoint');
      checkCheckpoint(checkpoint, seen, manifest, options);
      const statements = new LayerReport('statements');
      const proven = checkStatements(statements, seen, manifest);
      const files = new LayerReport('files');
      checkFiles(files, seen, manifest, createChangesOf(proven, seen, manifest));
      const proofs = new LayerReport('proofs');
      checkProofs(proofs, manifest);
      reports.push(checkpoint, files, statements, proofs);
    }
  }
  if (archive.failures === 0) archive.lines.unshift(`PASS archive: ${seen!.size} entries, a readable tar with safe, unique, expected paths`);

  const failed: Layer[] = [];
  for (const layer of LAYERS) {
    const report = reports.find((candidate) => candidate.layer === layer);
    if (!report) {
      out(`SKIP ${layer}: not checked, ${layer === 'manifest' ? 'the archive could not be read' : 'the manifest could not be read'}`);
      continue;
    }
    for (const line of report.lines) out(line);
    if (report.failures) failed.push(layer);
    if (layer === 'checkpoint' && options.key === undefined && report.failures === 0) {
      out('NOT PROVEN the log key was taken from the bundle itself: compare it with the key the organisation publishes');
    }
  }
  const checked = reports.map((report) => report.layer);
  if (failed.length === 0 && checked.length === LAYERS.length) {
    out(`SUMMARY PASS: every layer verified (${manifest!.files.length} files, ${manifest!.statements.length} statements proven to tree size ${manifest!.log.tree_size})`);
  } else {
    out(`SUMMARY FAIL: ${failed.length ? `failed: ${failed.join(', ')}` : 'not every layer could be checked'}`);
  }
  for (const line of NOT_PROVEN) out(`NOT PROVEN ${line}`);
  return { ok: failed.length === 0 && checked.length === LAYERS.length, failed };
}
