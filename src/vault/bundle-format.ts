import { createPublicKey } from 'node:crypto';
import { parseNote, type NoteVerifier } from './signed-note.ts';

/**
 * The evidence bundle (pure): what `vigil bundle export` writes and `vigil verify` reads. A bundle
 * is one ustar archive (optionally age-encrypted whole) of fixed names and of names the manifest
 * lists; every path is one of the shapes below, so a verifier can refuse anything else.
 */

export const BUNDLE_FORMAT = 'vigil-bundle';
export const BUNDLE_VERSION = 1;

export const HOW_TO_PATH = 'HOW-TO-VERIFY.txt';
export const MANIFEST_PATH = 'manifest.json';
export const CHECKPOINT_PATH = 'checkpoint.txt';
export const CHECKPOINT_BODY_PATH = 'checkpoint.body';
export const CHECKPOINT_SIG_PATH = 'checkpoint.sig';
export const LOG_KEY_PATH = 'log-key.txt';
export const LOG_KEY_PEM_PATH = 'log-key.pem';
export const FIXED_PATHS: readonly string[] = [HOW_TO_PATH, MANIFEST_PATH, CHECKPOINT_PATH, CHECKPOINT_BODY_PATH, CHECKPOINT_SIG_PATH, LOG_KEY_PATH, LOG_KEY_PEM_PATH];

export const filePath = (sha256: string): string => `files/${sha256}`;
export const statementPath = (leafIndex: number): string => `statements/${leafIndex}.json`;
export const saltPath = (leafIndex: number): string => `salts/${leafIndex}.bin`;
export const revisionPath = (revisionId: string): string => `revisions/${revisionId}.json`;
export const reasonPath = (revisionId: string): string => `revisions/${revisionId}.reason.txt`;

const LISTED_PATH = /^(files\/[0-9a-f]{64}|statements\/(0|[1-9][0-9]{0,14})\.json|salts\/(0|[1-9][0-9]{0,14})\.bin|revisions\/[0-9a-f-]{36}(\.json|\.reason\.txt))$/;

/** Why an archive path may not be in a bundle, or null when its shape is one a bundle has. */
export function unsafePathReason(path: string): string | null {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'an absolute path';
  if (path.split(/[/\\]/).some((segment) => segment === '..')) return 'a path that climbs out with ".."';
  if (FIXED_PATHS.includes(path) || LISTED_PATH.test(path)) return null;
  return 'a path a bundle does not have';
}

/** The bundle's own files (not evidence) are small; a verifier holds them in memory up to this size. */
export const MAX_SMALL_ENTRY_BYTES = 16 * 1024 * 1024;

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
  evidence_id: string;
  file_name: string;
  media_type: string;
  description: string | null;
  capture: Record<string, { value: string; asserted_by: string }>;
  parent_id: string | null;
  derivation: string | null;
}

export interface ManifestStatement {
  leaf_index: number;
  subject: 'custody' | 'revision';
  subject_id: string;
  statement_path: string;
  salt_path: string;
  /** The leaf input SHA-256(salt ‖ statement), hex as sha256sum prints it. */
  leaf_data: string;
  /** Inclusion proof to the checkpoint, base64 hashes, leaf upwards. */
  proof: string[];
}

export interface ManifestRevision {
  revision_id: string;
  path: string;
  reason_path?: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  created_at: string;
  person: { id: string; case_id: string; case_number: string };
  log: { origin: string; tree_size: number; root_hash: string; verifier_key: string };
  files: ManifestFile[];
  statements: ManifestStatement[];
  revisions: ManifestRevision[];
  not_proven: string[];
}

/** Said by every export and printed by every verification, whatever a manifest claims. */
export const NOT_PROVEN: readonly string[] = [
  'that the content of any file is true: the bundle proves only that these are the bytes the organisation logged',
  'that a device clock was honest: capture times are what someone asserted, tagged with who asserted it',
  'who really recorded a file: "recorded_by" and the other capture fields are claims, not proofs',
  'when the checkpoint was signed: times in statements are what the server recorded; the checkpoint proves that the log held these statements when it was signed, not when (no RFC 3161 timestamp)',
  'the manifest fields created_at, person and case_number: they are what the exporting server wrote',
  'that the bundle holds every statement the log holds about this case: an exporter could leave some out; the checkpoint size says how many statements the whole log held',
  'that the log key is the organisation’s, unless you gave --key with the key it publishes',
];

/** The Ed25519 public key of a verifier key as SPKI PEM, for `openssl pkeyutl -verify -pubin`. */
export function publicKeyPem(publicKey: Buffer): string {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}

/** The signed text of a note and the raw 64-byte signature of one key (after its 4-byte key id), or null when that key did not sign. */
export function checkpointParts(note: string, verifier: Pick<NoteVerifier, 'name' | 'keyId'>): { body: string; signature: Buffer } | null {
  const { text, signatures } = parseNote(note);
  const mine = signatures.find((sig) => sig.name === verifier.name && sig.keyId.equals(verifier.keyId));
  return mine ? { body: text, signature: mine.signature } : null;
}

const STRING = (value: unknown): value is string => typeof value === 'string';
const COUNT = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const NULLABLE_STRING = (value: unknown): boolean => value === null || STRING(value);
const HEX64 = /^[0-9a-f]{64}$/;
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fileProblem(file: unknown): string | null {
  if (!isObject(file)) return 'a file entry is not an object';
  if (!STRING(file.path) || !STRING(file.sha256) || !HEX64.test(file.sha256) || !COUNT(file.size)) return 'a file entry lacks path, sha256 (hex) or size';
  if (!STRING(file.evidence_id) || !STRING(file.file_name) || !STRING(file.media_type)) return `file ${file.path}: evidence_id, file_name or media_type missing`;
  if (!NULLABLE_STRING(file.description) || !NULLABLE_STRING(file.parent_id) || !NULLABLE_STRING(file.derivation) || !isObject(file.capture)) return `file ${file.path}: description, capture, parent_id or derivation malformed`;
  return null;
}

function statementProblem(entry: unknown): string | null {
  if (!isObject(entry)) return 'a statement entry is not an object';
  if (!COUNT(entry.leaf_index) || (entry.subject !== 'custody' && entry.subject !== 'revision') || !STRING(entry.subject_id)) return 'a statement entry lacks leaf_index, subject or subject_id';
  if (!STRING(entry.statement_path) || !STRING(entry.salt_path) || !STRING(entry.leaf_data) || !HEX64.test(entry.leaf_data)) return `statement ${entry.leaf_index}: paths or leaf_data malformed`;
  if (!Array.isArray(entry.proof) || !entry.proof.every((hash) => STRING(hash) && BASE64_HASH.test(hash))) return `statement ${entry.leaf_index}: proof is not a list of base64 hashes`;
  return null;
}

/** Checks the manifest's shape, so later layers can read it without guarding every field; null when it is whole. */
export function manifestShapeProblem(value: unknown): string | null {
  if (!isObject(value)) return 'the manifest is not a JSON object';
  if (value.format !== BUNDLE_FORMAT) return `format is not "${BUNDLE_FORMAT}"`;
  if (value.version !== BUNDLE_VERSION) return `version is not ${BUNDLE_VERSION}`;
  if (!STRING(value.created_at)) return 'created_at is missing';
  const person = value.person;
  if (!isObject(person) || !STRING(person.id) || !STRING(person.case_id) || !STRING(person.case_number)) return 'person needs id, case_id and case_number';
  const log = value.log;
  if (!isObject(log) || !STRING(log.origin) || !COUNT(log.tree_size) || !STRING(log.root_hash) || !BASE64_HASH.test(log.root_hash) || !STRING(log.verifier_key)) {
    return 'log needs origin, tree_size, root_hash (base64) and verifier_key';
  }
  if (!Array.isArray(value.files) || !Array.isArray(value.statements) || !Array.isArray(value.revisions) || !Array.isArray(value.not_proven)) return 'files, statements, revisions and not_proven must be lists';
  for (const file of value.files) {
    const problem = fileProblem(file);
    if (problem) return problem;
  }
  for (const entry of value.statements) {
    const problem = statementProblem(entry);
    if (problem) return problem;
  }
  for (const revision of value.revisions) {
    if (!isObject(revision) || !STRING(revision.revision_id) || !STRING(revision.path) || !(revision.reason_path === undefined || STRING(revision.reason_path))) return 'a revision entry needs revision_id and path';
  }
  if (!value.not_proven.every(STRING)) return 'not_proven must be a list of strings';
  return null;
}

/** The plain-English manual steps, written into every bundle. */
export function howToVerifyText(manifest: Pick<BundleManifest, 'person' | 'log' | 'created_at'>): string {
  return `HOW TO VERIFY THIS BUNDLE
=========================

This bundle holds the evidence files of case ${manifest.person.case_number}, the custody events and
record revisions that the organisation's Vigil server logged about them, and the proof that its
transparency log held every one of those statements when it signed the checkpoint in this bundle
(log ${manifest.log.origin}, tree size ${manifest.log.tree_size}). It was written on ${manifest.created_at}.

The quick way: \`vigil verify BUNDLE --key KEY\`, offline, with KEY the log key the organisation
publishes. The steps below do the same by hand with standard tools (sha256sum, openssl, base64, age),
so that nobody has to trust Vigil's own code.

0. If the bundle came encrypted (it starts with "age-encryption.org/v1"), decrypt it first with the
   identity file you were given, then unpack it:

       age -d -i identity.txt -o bundle.tar bundle.tar.age
       mkdir bundle && tar -xf bundle.tar -C bundle && cd bundle

1. The log key. log-key.txt is the key in the form name+keyid+base64key; log-key.pem is the same
   Ed25519 public key for openssl. Compare log-key.txt, character by character, with the key the
   organisation publishes (its website, a partner's mirror). A key taken only from this bundle
   proves nothing: anyone can make a bundle with a key of their own.

2. The checkpoint. checkpoint.txt is the signed note exactly as the server serves it:
   the text (origin, tree size, root hash in base64) then a blank line and a signature line.
   checkpoint.body is that text, checkpoint.sig the raw 64-byte Ed25519 signature from the
   signature line (the base64 after the key name, less its first 4 bytes, the key id). Check it:

       openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin -in checkpoint.body -sigfile checkpoint.sig

   It must say "Signature Verified Successfully". The second line of checkpoint.body is the tree
   size and the third the root hash; manifest.json's "log" must carry the same two values.

3. The files. Each original file is files/<its SHA-256>. Run

       sha256sum files/*

   Each printed hash must equal the file's name, and the "sha256" and "size" of its entry in
   manifest.json (size: \`wc -c files/NAME\`).

4. The statements. Each logged event is statements/N.json (N is its place in the log, its leaf
   index), written in canonical JSON (RFC 8785), with a random 32-byte salt salts/N.bin. The salt
   keeps the public log from revealing file hashes. Recompute the leaf data:

       cat salts/N.bin statements/N.json | sha256sum

   It must equal "leaf_data" of statement N in manifest.json. Then read what the statement says:
   a custody statement ("type":"custody") names the file by "sha256", which must be one of the
   files; a revision statement names "changes_sha256", which must equal \`sha256sum revisions/ID.json\`
   (and "reason_sha256", when present, \`sha256sum revisions/ID.reason.txt\`). A file's name, type,
   description and capture facts in the manifest must equal the "to" values of the evidence item's
   "create" revision.

5. The proofs (RFC 9162, section 2.1.3.2). The log is a Merkle tree. A leaf's hash is
   SHA-256(0x00 ‖ leaf data), and a node's hash is SHA-256(0x01 ‖ left ‖ right):

       cat salts/N.bin statements/N.json | openssl dgst -sha256 -binary > data.bin
       (printf '\\000'; cat data.bin) | openssl dgst -sha256 -binary > r.bin      # the leaf hash
       echo BASE64HASH | base64 -d > p.bin                                       # one proof hash
       (printf '\\001'; cat p.bin r.bin) | openssl dgst -sha256 -binary > next.bin   # p on the left
       (printf '\\001'; cat r.bin p.bin) | openssl dgst -sha256 -binary > next.bin   # p on the right

   Fold the "proof" hashes of statement N in order, starting from the leaf hash r, with two
   counters: fn = N (the leaf index) and sn = tree size − 1.
   For each proof hash p:
     - if sn is 0, the proof is too long: it fails;
     - if fn is odd, or fn equals sn: r becomes SHA-256(0x01 ‖ p ‖ r) (p on the left); then, if fn
       is not 0, keep halving fn and sn (dropping any remainder) until fn is odd or 0;
     - otherwise: r becomes SHA-256(0x01 ‖ r ‖ p) (p on the right);
     - then halve fn and sn once (dropping any remainder).
   At the end sn must be 0 and r must equal the root hash of the checkpoint (\`base64 r.bin\`).
   A proof that reaches the root shows that the signed log held the statement.

What this bundle does NOT prove
-------------------------------
- That the content is true. It proves that these are exactly the bytes and the events the
  organisation logged, nothing about whether what a recording or document says happened.
- That a device's clock was honest. Capture times ("recorded_at") are what someone asserted, and
  each capture fact names who asserted it.
- Who really recorded a file. "recorded_by" is a claim, not a proof.
- When. Times in statements ("at") are what the server recorded. The checkpoint proves that the
  log held these statements when it was signed, but not when that was: there is no RFC 3161
  timestamp in this bundle. A partner that mirrored the log's checkpoints can vouch for when they
  first saw one of this size or larger.
- The manifest's own created_at, person and case number are what the exporting server wrote.
`;
}
