import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, and tlog checkpoints
 * (https://c2sp.org/tlog-checkpoint), with the semantics of golang.org/x/mod/sumdb/note: text and
 * signatures split at the last blank line, signatures by unknown keys are ignored, a failing
 * signature by a known key rejects the note, and a note needs at least one verified signature.
 */

export type NoteErrorReason = 'malformed' | 'unverified' | 'bad_signature' | 'bad_key';

export class NoteError extends Error {
  constructor(
    readonly reason: NoteErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

const ALG_ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 '; // "— ": an em dash and a space
// Parsing stops here, as in sumdb/note, so a hostile note cannot make us verify forever; C2SP asks for ≥ 16.
export const MAX_SIGNATURES = 100;

// DER framing of a raw Ed25519 seed (PKCS #8) and public key (SPKI), RFC 8410.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** First 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey). */
export function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, ALG_ED25519])).update(publicKey).digest().subarray(0, 4);
}

// A lone UTF-16 surrogate: a string that no UTF-8 byte sequence produces.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** A key name: non-empty, well-formed Unicode, no whitespace, no "+". */
export function isValidKeyName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && !LONE_SURROGATE.test(name) && !/[\s+\u0085]/u.test(name);
}

/** Standard base64 in its one canonical spelling (padding, no stray bits), else null. */
function decodeBase64Strict(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

function decodeKeyId(hex: string): Buffer | null {
  return /^[0-9a-f]{8}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
}

function publicKeyObject(publicKey: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

export interface NoteSigner {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  verifierKey: string;
  sign(message: Buffer): Buffer;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  verify(message: Buffer, signature: Buffer): boolean;
}

/** 32 random bytes: an Ed25519 seed. */
export function newSignerSeed(): Buffer {
  return randomBytes(32);
}

export function signerFromSeed(name: string, seed: Buffer): NoteSigner {
  if (!isValidKeyName(name)) throw new NoteError('bad_key', `invalid key name ${JSON.stringify(name)}`);
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new NoteError('bad_key', 'an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
  return {
    name,
    keyId: keyId(name, publicKey),
    publicKey,
    verifierKey: formatVerifierKey(name, publicKey),
    sign: (message) => sign(null, message, privateKey),
  };
}

/** The private key text of sumdb/note: "PRIVATE+KEY+name+hexid+base64(0x01 ‖ seed)". */
export function formatSignerKey(name: string, seed: Buffer): string {
  const signer = signerFromSeed(name, seed);
  return `PRIVATE+KEY+${name}+${signer.keyId.toString('hex')}+${Buffer.concat([Buffer.from([ALG_ED25519]), seed]).toString('base64')}`;
}

/** Parses "PRIVATE+KEY+name+hexid+base64(0x01 ‖ seed)"; throws NoteError('bad_key') on any malformation or id mismatch. */
export function parseSignerKey(skey: string): NoteSigner {
  const parts = splitKey(skey, 5);
  if (parts === null || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new NoteError('bad_key', 'malformed signer key');
  const [, , name, hex, b64] = parts as [string, string, string, string, string];
  const id = decodeKeyId(hex);
  const key = decodeBase64Strict(b64);
  if (id === null || key === null || !isValidKeyName(name) || key.length !== 33 || key[0] !== ALG_ED25519) throw new NoteError('bad_key', 'malformed signer key');
  const signer = signerFromSeed(name, key.subarray(1));
  if (!signer.keyId.equals(id)) throw new NoteError('bad_key', 'signer key id does not match its key');
  return signer;
}

/** "name+hexid+base64(0x01 ‖ publicKey)". */
export function formatVerifierKey(name: string, publicKey: Buffer): string {
  if (!isValidKeyName(name)) throw new NoteError('bad_key', `invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== 32) throw new NoteError('bad_key', 'an Ed25519 public key is 32 bytes');
  return `${name}+${keyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]).toString('base64')}`;
}

/** Parses "name+hexid+base64(0x01 ‖ publicKey)" strictly; throws NoteError('bad_key') on any malformation. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const parts = splitKey(vkey, 3);
  if (parts === null) throw new NoteError('bad_key', 'malformed verifier key');
  const [name, hex, b64] = parts as [string, string, string];
  const id = decodeKeyId(hex);
  const key = decodeBase64Strict(b64);
  if (id === null || key === null || !isValidKeyName(name) || key.length === 0) throw new NoteError('bad_key', 'malformed verifier key');
  if (key[0] !== ALG_ED25519) throw new NoteError('bad_key', `unknown verifier key algorithm ${key[0]}`);
  if (key.length !== 33) throw new NoteError('bad_key', 'an Ed25519 verifier key is 32 bytes');
  const publicKey = key.subarray(1);
  if (!keyId(name, publicKey).equals(id)) throw new NoteError('bad_key', 'verifier key id does not match its key');
  let keyObject: KeyObject;
  try {
    keyObject = publicKeyObject(publicKey);
  } catch {
    throw new NoteError('bad_key', 'not an Ed25519 public key');
  }
  return {
    name,
    keyId: id,
    publicKey,
    verify: (message, signature) => {
      if (signature.length !== 64) return false;
      try {
        return verify(null, message, keyObject, signature);
      } catch {
        return false;
      }
    },
  };
}

/** Splits at the first count − 1 "+" signs (base64 may hold more); null if there are fewer. */
function splitKey(key: string, count: number): string[] | null {
  if (typeof key !== 'string') return null;
  const parts: string[] = [];
  let rest = key;
  for (let i = 0; i < count - 1; i++) {
    const plus = rest.indexOf('+');
    if (plus < 0) return null;
    parts.push(rest.slice(0, plus));
    rest = rest.slice(plus + 1);
  }
  parts.push(rest);
  return parts;
}

/** Note text: well-formed Unicode, no control character but "\n", ending in "\n". */
function checkNoteCharacters(text: string): boolean {
  return !LONE_SURROGATE.test(text) && !/[\u0000-\u0009\u000b-\u001f]/.test(text);
}

function isValidNoteText(text: string): boolean {
  return typeof text === 'string' && text.endsWith('\n') && checkNoteCharacters(text);
}

/** Signs `text` (ending in "\n") with each signer: the text, a blank line, one signature line each. */
export function signNote(text: string, signers: NoteSigner[]): string {
  if (!isValidNoteText(text)) throw new NoteError('malformed', 'note text must be valid text ending in a newline');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((signer) => {
    if (!isValidKeyName(signer.name) || signer.keyId.length !== 4) throw new NoteError('bad_key', `invalid signer ${JSON.stringify(signer.name)}`);
    const signature = Buffer.concat([signer.keyId, signer.sign(message)]);
    return `${SIGNATURE_PREFIX}${signer.name} ${signature.toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The signature bytes after the key id. */
  signature: Buffer;
  /** The signature line's base64 field (key id and signature). */
  base64: string;
}

/** Splits a note into its text and signature lines without verifying; throws NoteError('malformed'). */
export function parseNote(note: string | Uint8Array): { text: string; signatures: NoteSignature[] } {
  let message: string;
  if (typeof note === 'string') {
    message = note;
  } else {
    try {
      message = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
    } catch {
      throw new NoteError('malformed', 'note is not UTF-8');
    }
  }
  if (!checkNoteCharacters(message)) throw new NoteError('malformed', 'note holds a control character or broken Unicode');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed', 'note has no signature block');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('malformed', 'note must end with signature lines');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed', `more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed', 'malformed signature line');
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(' ');
    const name = space < 0 ? body : body.slice(0, space);
    const b64 = space < 0 ? '' : body.slice(space + 1);
    const bytes = decodeBase64Strict(b64);
    if (bytes === null || b64 === '' || !isValidKeyName(name) || bytes.length < 5) throw new NoteError('malformed', 'malformed signature line');
    return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), base64: b64 };
  });
  return { text, signatures };
}

export interface OpenedNote {
  text: string;
  /** Names of the known keys whose signatures verified, in note order, each once. */
  verified: string[];
  /** Signatures by keys not given, identical lines once. */
  unverified: NoteSignature[];
}

/**
 * Opens a signed note like sumdb/note.Open. Throws NoteError: 'malformed' (bad shape, or two
 * given verifiers share a name and key id that the note uses), 'bad_signature' (a known key's
 * signature fails), 'unverified' (no signature by a known key).
 */
export function openNote(note: string | Uint8Array, verifiers: NoteVerifier[]): OpenedNote {
  const { text, signatures } = parseNote(note);
  const message = Buffer.from(text, 'utf8');
  const byKey = new Map<string, NoteVerifier[]>();
  for (const verifier of verifiers) {
    const key = `${verifier.name}+${verifier.keyId.toString('hex')}`;
    byKey.set(key, [...(byKey.get(key) ?? []), verifier]);
  }
  const verified: string[] = [];
  const seenKnown = new Set<string>();
  const unverified: NoteSignature[] = [];
  const seenUnknown = new Set<string>();
  for (const sig of signatures) {
    const key = `${sig.name}+${sig.keyId.toString('hex')}`;
    const candidates = byKey.get(key);
    if (candidates === undefined) {
      const line = `${sig.name} ${sig.base64}`;
      if (!seenUnknown.has(line)) {
        seenUnknown.add(line);
        unverified.push(sig);
      }
      continue;
    }
    if (candidates.length > 1) throw new NoteError('malformed', `ambiguous key ${key}`);
    if (seenKnown.has(key)) continue;
    seenKnown.add(key);
    if (!candidates[0]!.verify(message, sig.signature)) throw new NoteError('bad_signature', `invalid signature for key ${key}`);
    verified.push(sig.name);
  }
  if (verified.length === 0) throw new NoteError('unverified', 'no signature by a known key');
  return { text, verified, unverified };
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  extensions: string[];
}

const ROOT_SIZE = 32;

/** "origin\nsize\nbase64root\n[ext lines\n]". */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions } = checkpoint;
  if (!isCheckpointLine(origin)) throw new NoteError('malformed', 'checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new NoteError('malformed', 'checkpoint size must be a non-negative safe integer');
  if (!(root instanceof Uint8Array) || root.length !== ROOT_SIZE) throw new NoteError('malformed', `checkpoint root must be ${ROOT_SIZE} bytes`);
  if (!extensions.every(isCheckpointLine)) throw new NoteError('malformed', 'checkpoint extension lines must be non-empty lines');
  return [origin, String(size), Buffer.from(root).toString('base64'), ...extensions].map((line) => `${line}\n`).join('');
}

function isCheckpointLine(line: string): boolean {
  return typeof line === 'string' && line !== '' && !line.includes('\n') && checkNoteCharacters(line);
}

/**
 * Parses checkpoint text strictly: a non-empty origin, a decimal size without leading zeros that
 * fits a JS number exactly (larger sizes are refused, not rounded), a canonical base64 root of 32
 * bytes (any length with anyRootSize, for other logs' vectors), non-empty extension lines.
 */
export function parseCheckpoint(text: string, options: { anyRootSize?: boolean } = {}): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n') || !checkNoteCharacters(text)) throw new NoteError('malformed', 'checkpoint must be text ending in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('malformed', 'checkpoint needs origin, size and root lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw new NoteError('malformed', 'checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new NoteError('malformed', 'checkpoint size is not a decimal number');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new NoteError('malformed', 'checkpoint size is too large');
  const root = decodeBase64Strict(rootText);
  if (root === null || rootText === '') throw new NoteError('malformed', 'checkpoint root is not base64');
  if (!options.anyRootSize && root.length !== ROOT_SIZE) throw new NoteError('malformed', `checkpoint root is not ${ROOT_SIZE} bytes`);
  if (extensions.some((line) => line === '')) throw new NoteError('malformed', 'checkpoint has an empty extension line');
  return { origin, size, root, extensions };
}

/** Opens a signed checkpoint note and parses it; with `origin`, a checkpoint of another log is refused as malformed. */
export function openCheckpoint(note: string | Uint8Array, verifiers: NoteVerifier[], origin?: string): { checkpoint: Checkpoint; verified: string[] } {
  const opened = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (origin !== undefined && checkpoint.origin !== origin) throw new NoteError('malformed', `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`);
  return { checkpoint, verified: opened.verified };
}
