// Our own age v1 (not the npm age-encryption package): its pure-JS ciphers cannot ingest at half of sha256sum's speed; node:crypto's OpenSSL can.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { bech32 } from '@scure/base';

/**
 * The age file format v1 (https://age-encryption.org/v1, C2SP age) with X25519 recipients:
 *
 *   age-encryption.org/v1
 *   -> X25519 <ephemeral share>          one stanza per recipient; unknown stanzas are skipped
 *   <file key sealed with the wrap key>  base64 wrapped at 64 columns, last line shorter
 *   --- <HMAC-SHA256 of the header up to "---">
 *   nonce (16) ‖ ChaCha20-Poly1305 chunks of 64 KiB, nonce = 11-byte counter ‖ last flag
 */

/** Every way an age file or key can fail: malformed, altered, cut short, or not for these identities. */
export class AgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgeError';
  }
}

export interface AgeKeyPair {
  /** AGE-SECRET-KEY-1… (bech32, upper case) */
  identity: string;
  /** age1… */
  recipient: string;
}

/** What random access needs, once the header is authenticated with an identity. */
export interface AgeFileInfo {
  payloadKey: Buffer;
  /** Byte offset of the first chunk. */
  payloadOffset: number;
  plaintextSize: number;
}

const VERSION_LINE = 'age-encryption.org/v1';
const X25519_INFO = 'age-encryption.org/v1/X25519';
const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
const FILE_KEY_BYTES = 16;
const NONCE_BYTES = 16;
const LINE_COLUMNS = 64;
/** Far beyond any real header (an ML-KEM stanza is ~1.5 KB), so a stream of garbage is refused early. */
const MAX_HEADER_BYTES = 1024 * 1024;
const ZERO_NONCE = Buffer.alloc(12);
const ZERO_SECRET = Buffer.alloc(32);
// DER prefixes that turn a raw 32-byte X25519 key into PKCS#8 / SPKI (RFC 8410).
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

// ---- keys ---------------------------------------------------------------------------------------

interface X25519Identity {
  privateKey: KeyObject;
  publicKey: Buffer;
}

function x25519PrivateKey(raw: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
}

function x25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
}

function rawPublicKey(key: KeyObject): Buffer {
  const spki = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32);
}

function decodeBech32(text: string, prefix: string, what: string): Buffer {
  let decoded;
  try {
    decoded = bech32.decodeToBytes(text.trim(), false);
  } catch {
    throw new AgeError(`malformed ${what}: not valid bech32`);
  }
  if (decoded.prefix !== prefix.toLowerCase() || decoded.bytes.length !== 32) throw new AgeError(`malformed ${what}: not an X25519 ${what}`);
  return Buffer.from(decoded.bytes);
}

function encodeBech32(prefix: string, bytes: Buffer): string {
  return bech32.encode(prefix, bech32.toWords(bytes), false);
}

function parseIdentity(identity: string): X25519Identity {
  const privateKey = x25519PrivateKey(decodeBech32(identity, 'AGE-SECRET-KEY-', 'identity'));
  return { privateKey, publicKey: rawPublicKey(privateKey) };
}

/** The raw X25519 key of an age1… recipient; throws AgeError when it is not one. */
export function parseRecipient(recipient: string): Buffer {
  return decodeBech32(recipient, 'age', 'recipient');
}

export function generateIdentity(): AgeKeyPair {
  const secret = randomBytes(32);
  const identity = encodeBech32('AGE-SECRET-KEY-', secret).toUpperCase();
  return { identity, recipient: recipientOf(identity) };
}

export function recipientOf(identity: string): string {
  return encodeBech32('age', parseIdentity(identity).publicKey);
}

/** The identities in the text of an identity file as `age-keygen -o` writes it (comments and blank lines skipped). */
export function parseIdentityFile(text: string): string[] {
  const identities = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const identity of identities) parseIdentity(identity);
  if (identities.length === 0) throw new AgeError('the identity file holds no identity');
  return identities;
}

// ---- primitives -------------------------------------------------------------------------------

function hkdf(ikm: Buffer, salt: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

function seal(key: Buffer, nonce: Buffer, plaintext: Buffer): [Buffer, Buffer] {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
  const body = cipher.update(plaintext);
  cipher.final();
  return [body, cipher.getAuthTag()];
}

/** The plaintext, or undefined when the tag does not authenticate. */
function unseal(key: Buffer, nonce: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < TAG_BYTES) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return plaintext;
}

function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6); // 2^48 chunks of 64 KiB: the upper counter bytes stay zero
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Decrypts chunk `counter` of a payload; `last` says whether it must be the final chunk. */
function openChunk(payloadKey: Buffer, counter: number, last: boolean, sealed: Buffer): Buffer {
  if (last && counter > 0 && sealed.length === TAG_BYTES) throw new AgeError('the file ends with an empty chunk after a full one');
  const plaintext = unseal(payloadKey, chunkNonce(counter, last), sealed);
  if (plaintext === undefined) {
    throw new AgeError(last ? `chunk ${counter} is not a valid final chunk: the file was cut short, extended or altered` : `chunk ${counter} failed authentication`);
  }
  return plaintext;
}

const BASE64_CHARS = /^[A-Za-z0-9+/]*$/;

function encodeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

/** Unpadded, canonical standard base64 only (C2SP age, Conventions). */
function decodeBase64(text: string): Buffer {
  if (!BASE64_CHARS.test(text) || text.length % 4 === 1) throw new AgeError('malformed header: invalid base64');
  const bytes = Buffer.from(text, 'base64');
  if (encodeBase64(bytes) !== text) throw new AgeError('malformed header: non-canonical base64');
  return bytes;
}

// ---- header -----------------------------------------------------------------------------------

interface Stanza {
  args: string[];
  body: Buffer;
}

interface ParsedHeader {
  stanzas: Stanza[];
  /** The header's bytes up to and including "---", which the MAC covers. */
  macInput: Buffer;
  mac: Buffer;
  /** Header length in bytes, through the MAC line's line feed. */
  length: number;
}

function stanzaText(type: string, args: string[], body: Buffer): string {
  const encoded = encodeBase64(body);
  let text = `-> ${[type, ...args].join(' ')}\n`;
  for (let at = 0; at <= encoded.length; at += LINE_COLUMNS) text += `${encoded.slice(at, at + LINE_COLUMNS)}\n`;
  // The loop above writes the empty final line a 64-multiple body needs (C2SP age: final-line = *63base64char).
  return text;
}

function isPrintable(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return false;
  return true;
}

/** Parses a header from the start of `bytes`; undefined when more bytes are needed to finish it. */
function parseHeader(bytes: Buffer): ParsedHeader | undefined {
  let position = 0;
  const nextLine = (): string | undefined => {
    const end = bytes.indexOf(0x0a, position);
    const line = bytes.subarray(position, end === -1 ? bytes.length : end);
    if (!isPrintable(line)) throw new AgeError('malformed header: not a binary age file (or armored, which Vigil does not read)');
    if (end === -1) {
      if (bytes.length >= MAX_HEADER_BYTES) throw new AgeError('malformed header: too long');
      return undefined;
    }
    position = end + 1;
    return line.toString('latin1');
  };
  const version = nextLine();
  if (version === undefined) {
    if (!VERSION_LINE.startsWith(bytes.toString('latin1', 0, Math.min(bytes.length, VERSION_LINE.length)))) throw new AgeError('not an age file');
    return undefined;
  }
  if (version !== VERSION_LINE) throw new AgeError(version.startsWith('age-encryption.org/') ? `unsupported age version ${version}` : 'not an age file');
  const stanzas: Stanza[] = [];
  for (;;) {
    const lineStart = position;
    const line = nextLine();
    if (line === undefined) return undefined;
    if (line.startsWith('--- ')) {
      if (stanzas.length === 0) throw new AgeError('malformed header: no recipient stanza');
      const mac = line.slice(4);
      if (mac.length !== 43) throw new AgeError('malformed header: bad MAC line');
      return { stanzas, macInput: bytes.subarray(0, lineStart + 3), mac: decodeBase64(mac), length: position };
    }
    if (!line.startsWith('-> ')) throw new AgeError('malformed header: expected a stanza or the MAC line');
    const args = line.slice(3).split(' ');
    if (args.some((arg) => arg === '')) throw new AgeError('malformed header: empty stanza argument');
    let body = '';
    for (;;) {
      const bodyLine = nextLine();
      if (bodyLine === undefined) return undefined;
      if (bodyLine.length > LINE_COLUMNS) throw new AgeError('malformed header: stanza body line longer than 64 columns');
      body += bodyLine;
      if (bodyLine.length < LINE_COLUMNS) break;
    }
    stanzas.push({ args, body: decodeBase64(body) });
  }
}

function headerMac(fileKey: Buffer, macInput: Buffer): Buffer {
  return createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(macInput).digest();
}

function payloadKeyOf(fileKey: Buffer, nonce: Buffer): Buffer {
  return hkdf(fileKey, nonce, 'payload');
}

/** The header (with the payload nonce after it) of a new file for these recipients, and its payload key. */
function newHeader(recipients: string[]): { header: Buffer; payloadKey: Buffer } {
  if (recipients.length === 0) throw new AgeError('no recipient');
  const recipientKeys = recipients.map(parseRecipient);
  const fileKey = randomBytes(FILE_KEY_BYTES);
  let text = `${VERSION_LINE}\n`;
  for (const recipient of recipientKeys) {
    const ephemeral = generateKeyPairSync('x25519');
    const share = rawPublicKey(ephemeral.publicKey);
    const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: x25519PublicKey(recipient) });
    if (shared.equals(ZERO_SECRET)) throw new AgeError('malformed recipient: a low-order point');
    const wrapKey = hkdf(shared, Buffer.concat([share, recipient]), X25519_INFO);
    text += stanzaText('X25519', [encodeBase64(share)], Buffer.concat(seal(wrapKey, ZERO_NONCE, fileKey)));
  }
  text += '---';
  const mac = headerMac(fileKey, Buffer.from(text, 'latin1'));
  const nonce = randomBytes(NONCE_BYTES);
  const header = Buffer.concat([Buffer.from(`${text} ${encodeBase64(mac)}\n`, 'latin1'), nonce]);
  return { header, payloadKey: payloadKeyOf(fileKey, nonce) };
}

/** The file key from the first X25519 stanza one of the identities opens; undefined when none does. */
function unwrapX25519(stanza: Stanza, identities: X25519Identity[]): Buffer | undefined {
  if (stanza.args.length !== 2) throw new AgeError('malformed X25519 stanza: it needs exactly two arguments');
  const share = decodeBase64(stanza.args[1]!);
  if (share.length !== 32) throw new AgeError('malformed X25519 stanza: the share is not 32 bytes');
  if (stanza.body.length !== FILE_KEY_BYTES + TAG_BYTES) throw new AgeError('malformed X25519 stanza: the body is not 32 bytes');
  for (const identity of identities) {
    let shared: Buffer;
    try {
      shared = diffieHellman({ privateKey: identity.privateKey, publicKey: x25519PublicKey(share) });
    } catch {
      throw new AgeError('malformed X25519 stanza: the share gives no shared secret');
    }
    if (shared.equals(ZERO_SECRET)) throw new AgeError('malformed X25519 stanza: all-zero shared secret');
    const wrapKey = hkdf(shared, Buffer.concat([share, identity.publicKey]), X25519_INFO);
    const fileKey = unseal(wrapKey, ZERO_NONCE, stanza.body);
    if (fileKey !== undefined) return fileKey;
  }
  return undefined;
}

/** Opens a parsed header with the identities and checks its MAC; returns the file key. */
function openHeader(header: ParsedHeader, identities: X25519Identity[]): Buffer {
  const x25519 = header.stanzas.filter((stanza) => stanza.args[0] === 'X25519');
  if (x25519.length === 0) throw new AgeError('the file has no X25519 recipient');
  let fileKey: Buffer | undefined;
  for (const stanza of x25519) {
    fileKey = unwrapX25519(stanza, identities);
    if (fileKey) break;
  }
  if (!fileKey) throw new AgeError('no identity matches this file');
  if (!timingSafeEqual(headerMac(fileKey, header.macInput), header.mac)) throw new AgeError('the header MAC does not match: the header was altered');
  return fileKey;
}

function parseIdentities(identities: string[]): X25519Identity[] {
  if (identities.length === 0) throw new AgeError('no identity');
  return identities.map(parseIdentity);
}

// ---- streams ----------------------------------------------------------------------------------

/** Buffers queued in arrival order, taken in exact sizes without copying when one buffer suffices. */
class ByteQueue {
  private buffers: Buffer[] = [];
  length = 0;

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.buffers.push(bytes);
    this.length += bytes.length;
  }

  take(count: number): Buffer {
    const first = this.buffers[0];
    let taken: Buffer;
    if (first && first.length >= count) {
      taken = first.subarray(0, count);
      if (first.length === count) this.buffers.shift();
      else this.buffers[0] = first.subarray(count);
    } else {
      const whole = Buffer.concat(this.buffers, this.length);
      taken = whole.subarray(0, count);
      this.buffers = whole.length > count ? [whole.subarray(count)] : [];
    }
    this.length -= count;
    return taken;
  }

  /** Everything queued, as one buffer (left queued). */
  peek(): Buffer {
    if (this.buffers.length > 1) this.buffers = [Buffer.concat(this.buffers, this.length)];
    return this.buffers[0] ?? Buffer.alloc(0);
  }
}

/** Plaintext in → an age file for the recipients out (X25519 stanzas, 64 KiB chunks). */
export function encryptStream(recipients: string[]): Transform {
  const { header, payloadKey } = newHeader(recipients);
  const pending = new ByteQueue();
  let counter = 0;
  let headerSent = false;
  const pushChunk = (stream: Transform, plaintext: Buffer, last: boolean) => {
    if (!headerSent) {
      stream.push(header);
      headerSent = true;
    }
    const [body, tag] = seal(payloadKey, chunkNonce(counter++, last), plaintext);
    stream.push(body);
    stream.push(tag);
  };
  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      pending.push(data);
      // A full chunk is sealed as not-last only once more data follows it, as age does.
      while (pending.length > CHUNK_BYTES) pushChunk(this, pending.take(CHUNK_BYTES), false);
      callback();
    },
    flush(callback: TransformCallback) {
      pushChunk(this, pending.take(pending.length), true);
      callback();
    },
  });
}

/** An age file in → plaintext out; each chunk is authenticated before it is emitted, and the end must be a final chunk. */
export function decryptStream(identities: string[]): Transform {
  const keys = parseIdentities(identities);
  const pending = new ByteQueue();
  let payloadKey: Buffer | undefined;
  let counter = 0;
  const readHeader = (): boolean => {
    const start = pending.peek();
    const header = parseHeader(start);
    if (!header || start.length < header.length + NONCE_BYTES) return false;
    const fileKey = openHeader(header, keys);
    pending.take(header.length);
    payloadKey = payloadKeyOf(fileKey, pending.take(NONCE_BYTES));
    return true;
  };
  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      try {
        pending.push(data);
        if (!payloadKey && !readHeader()) return callback();
        // A full chunk is opened as not-last only once more data follows it.
        while (pending.length > SEALED_CHUNK_BYTES) this.push(openChunk(payloadKey!, counter++, false, pending.take(SEALED_CHUNK_BYTES)));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!payloadKey && !readHeader()) throw new AgeError('the file ends inside its header');
        this.push(openChunk(payloadKey!, counter, true, pending.take(pending.length)));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

function payloadLayout(payloadBytes: number): { chunks: number; lastSealed: number; plaintextSize: number } {
  if (payloadBytes < TAG_BYTES) throw new AgeError('the file ends before its first chunk');
  const chunks = Math.ceil(payloadBytes / SEALED_CHUNK_BYTES);
  const lastSealed = payloadBytes - (chunks - 1) * SEALED_CHUNK_BYTES;
  if (lastSealed < TAG_BYTES) throw new AgeError('the file ends inside a chunk');
  return { chunks, lastSealed, plaintextSize: payloadBytes - chunks * TAG_BYTES };
}

async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** Parses and authenticates the header of an age file on disk, and checks that its last chunk is a valid final chunk. */
export async function openAgeFile(path: string, identities: string[]): Promise<AgeFileInfo> {
  const keys = parseIdentities(identities);
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let start = Buffer.alloc(Math.min(size, 64 * 1024));
    let header: ParsedHeader | undefined;
    for (;;) {
      const read = await readFully(handle, start, 0);
      header = parseHeader(start.subarray(0, read));
      if (header || read < start.length || start.length >= size || start.length >= MAX_HEADER_BYTES) break;
      start = Buffer.alloc(Math.min(size, start.length * 4, MAX_HEADER_BYTES));
    }
    if (!header) throw new AgeError('the file ends inside its header');
    const fileKey = openHeader(header, keys);
    // The nonce follows the header; read it where it is, even past the buffer the header was found in.
    const nonce = Buffer.alloc(NONCE_BYTES);
    if ((await readFully(handle, nonce, header.length)) < NONCE_BYTES) throw new AgeError('the file ends inside its header');
    const payloadKey = payloadKeyOf(fileKey, nonce);
    const payloadOffset = header.length + NONCE_BYTES;
    const { chunks, lastSealed, plaintextSize } = payloadLayout(size - payloadOffset);
    // The size is only trusted once the last chunk opens as a final one (C2SP age: seeking from the end).
    const last = Buffer.alloc(lastSealed);
    await readFully(handle, last, payloadOffset + (chunks - 1) * SEALED_CHUNK_BYTES);
    openChunk(payloadKey, chunks - 1, true, last);
    return { payloadKey, payloadOffset, plaintextSize };
  } finally {
    await handle.close();
  }
}

/** Plaintext bytes [start, end] (inclusive, as HTTP ranges), decrypting and authenticating only the chunks that cover them. */
export function decryptRange(path: string, info: AgeFileInfo, start: number, end: number): Readable {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= info.plaintextSize) {
    throw new RangeError(`bytes ${start}-${end} are not within the ${info.plaintextSize} bytes of the file`);
  }
  const lastChunk = Math.max(0, Math.ceil(info.plaintextSize / CHUNK_BYTES) - 1);
  async function* chunks(): AsyncGenerator<Buffer> {
    const handle = await open(path, 'r');
    try {
      const sealedSize = info.payloadOffset + info.plaintextSize + (lastChunk + 1) * TAG_BYTES;
      if ((await handle.stat()).size !== sealedSize) throw new AgeError('the file was cut short or extended since it was opened');
      const sealed = Buffer.alloc(SEALED_CHUNK_BYTES);
      for (let index = Math.floor(start / CHUNK_BYTES); index <= Math.floor(end / CHUNK_BYTES); index++) {
        const plaintextStart = index * CHUNK_BYTES;
        const expected = Math.min(CHUNK_BYTES, info.plaintextSize - plaintextStart) + TAG_BYTES;
        const read = await readFully(handle, sealed.subarray(0, expected), info.payloadOffset + index * SEALED_CHUNK_BYTES);
        if (read < expected) throw new AgeError(`the file ends inside chunk ${index}`);
        const plaintext = openChunk(info.payloadKey, index, index === lastChunk, sealed.subarray(0, expected));
        yield plaintext.subarray(Math.max(0, start - plaintextStart), Math.min(plaintext.length, end - plaintextStart + 1));
      }
    } finally {
      await handle.close();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
