import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { VigilError } from '../lib/errors.ts';

/**
 * The backup file's envelope: a clear header, then the body as a STREAM of AES-256-GCM chunks
 * (Hoang et al., "Online authenticated-encryption"): each chunk's nonce is a random prefix, its
 * index and a last-chunk flag, and each chunk authenticates the whole header. Reordered, dropped,
 * truncated, appended or edited bytes all fail authentication.
 *
 *   header = "VIGILBAK" ‖ version (1) ‖ flags (1) ‖ passphrase salt (u16 length ‖ text)
 *            ‖ salt (16) ‖ nonce prefix (7) ‖ key check (16) ‖ SHA-256 of all before (8)
 *   chunk  = AES-256-GCM(64 KiB of body, nonce = prefix ‖ index u32 ‖ last) ‖ tag (16)
 *
 * The key is HKDF-SHA256(deployment key, salt, "vigil backup v1"): a backup opens only with the
 * deployment key whose data keys it holds. The store's passphrase salt travels in the clear (a
 * salt is no secret) so that VIGIL_KEY can give that key on a new machine. The key check (more
 * HKDF output) tells a wrong key from a damaged file and reveals nothing about the key; the
 * header's digest only tells a damaged header from a wrong key (the chunks authenticate it).
 */

export const BACKUP_FORMAT_VERSION = 1;
/** The body is a series of gzip members (compressed in parallel blocks). */
export const FLAG_GZIP = 1;

const MAGIC = Buffer.from('VIGILBAK', 'latin1');
const SALT_BYTES = 16;
const PREFIX_BYTES = 7;
const CHECK_BYTES = 16;
const DIGEST_BYTES = 8;
const TAG_BYTES = 16;
const MAX_KEY_SALT_BYTES = 1024;
/** Enough to hold any header. */
export const MAX_HEADER_BYTES = MAGIC.length + 4 + MAX_KEY_SALT_BYTES + SALT_BYTES + PREFIX_BYTES + CHECK_BYTES + DIGEST_BYTES;
export const CHUNK_BYTES = 64 * 1024;
const KNOWN_FLAGS = FLAG_GZIP;

/** The file is not a Vigil backup, or it was cut short, changed or reordered after it was written. */
export class DamagedBackupError extends VigilError {
  constructor(reason: string) {
    super('damaged_backup', `the backup file is damaged or altered (${reason}); nothing was restored`);
  }
}

export class WrongBackupKeyError extends VigilError {
  constructor() {
    super('wrong_backup_key', 'this backup was made under another deployment key (check VIGIL_KEY or VIGIL_KEY_FILE); nothing was restored');
  }
}

/** The clear header, as read from the start of a file. */
export interface BackupHeader {
  version: number;
  flags: number;
  /** The store's passphrase salt (`scrypt$…`), or null. */
  keySalt: string | null;
  /** The header's bytes, authenticated by every chunk. */
  bytes: Buffer;
  salt: Buffer;
  prefix: Buffer;
  check: Buffer;
}

interface StreamKeys {
  header: Buffer;
  key: Buffer;
  prefix: Buffer;
}

function deriveKeys(deploymentKey: Buffer, salt: Buffer): { key: Buffer; check: Buffer } {
  const okm = Buffer.from(hkdfSync('sha256', deploymentKey, salt, 'vigil backup v1', 32 + CHECK_BYTES));
  return { key: okm.subarray(0, 32), check: okm.subarray(32) };
}

function headerDigest(fields: Buffer): Buffer {
  return createHash('sha256').update(fields).digest().subarray(0, DIGEST_BYTES);
}

function chunkNonce(prefix: Buffer, index: number, last: boolean): Buffer {
  // 2^32 chunks of 64 KiB is 256 TiB: far beyond any store, but never reuse a nonce silently.
  if (index > 0xffffffff) throw new Error('backup too large: the chunk counter would wrap');
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, PREFIX_BYTES);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Encrypts a body into the backup format; the first bytes it emits are the header. */
export function createBackupEncryptor(deploymentKey: Buffer, options: { flags: number; keySalt: string | null }): Transform {
  const keySalt = Buffer.from(options.keySalt ?? '', 'utf8');
  if (keySalt.length > MAX_KEY_SALT_BYTES) throw new Error('the passphrase salt is too long for a backup header');
  const saltLength = Buffer.alloc(2);
  saltLength.writeUInt16BE(keySalt.length);
  const salt = randomBytes(SALT_BYTES);
  const prefix = randomBytes(PREFIX_BYTES);
  const { key, check } = deriveKeys(deploymentKey, salt);
  const fields = Buffer.concat([MAGIC, Buffer.from([BACKUP_FORMAT_VERSION, options.flags]), saltLength, keySalt, salt, prefix, check]);
  const header = Buffer.concat([fields, headerDigest(fields)]);
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  let headerSent = false;
  const seal = (plaintext: Buffer, last: boolean): Buffer => {
    const sealed = [];
    if (!headerSent) {
      sealed.push(header);
      headerSent = true;
    }
    const cipher = createCipheriv('aes-256-gcm', key, chunkNonce(prefix, index++, last));
    cipher.setAAD(header);
    sealed.push(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
    return Buffer.concat(sealed);
  };
  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length ? Buffer.concat([pending, data]) : data;
      // A full chunk is sealed as not-last only once more data follows it.
      while (pending.length > CHUNK_BYTES) {
        this.push(seal(pending.subarray(0, CHUNK_BYTES), false));
        pending = pending.subarray(CHUNK_BYTES);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      this.push(seal(pending, true));
      callback();
    },
  });
}

/** Reads the clear header from the first bytes of a file (at least MAX_HEADER_BYTES of them, or all). */
export function parseBackupHeader(start: Buffer): BackupHeader {
  const fixed = MAGIC.length + 4;
  if (start.length < fixed || !start.subarray(0, MAGIC.length).equals(MAGIC)) throw new DamagedBackupError('not a Vigil backup file');
  const version = start[MAGIC.length]!;
  const flags = start[MAGIC.length + 1]!;
  if (version !== BACKUP_FORMAT_VERSION) throw new DamagedBackupError(`unknown format version ${version}`);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new DamagedBackupError(`unknown flags ${flags}`);
  const saltLength = start.readUInt16BE(MAGIC.length + 2);
  if (saltLength > MAX_KEY_SALT_BYTES) throw new DamagedBackupError('its header is malformed');
  const length = fixed + saltLength + SALT_BYTES + PREFIX_BYTES + CHECK_BYTES + DIGEST_BYTES;
  if (start.length < length) throw new DamagedBackupError('it ends inside its header');
  if (!headerDigest(start.subarray(0, length - DIGEST_BYTES)).equals(start.subarray(length - DIGEST_BYTES, length))) throw new DamagedBackupError('its header was changed');
  let offset = fixed;
  const keySalt = start.subarray(offset, (offset += saltLength)).toString('utf8');
  const salt = start.subarray(offset, (offset += SALT_BYTES));
  const prefix = start.subarray(offset, (offset += PREFIX_BYTES));
  const check = start.subarray(offset, (offset += CHECK_BYTES));
  const copy = (b: Buffer) => Buffer.from(b);
  return { version, flags, keySalt: keySalt || null, bytes: copy(start.subarray(0, length)), salt: copy(salt), prefix: copy(prefix), check: copy(check) };
}

/** The body's key, once the deployment key is proved to be the one the backup was made under. */
export function backupStreamKeys(header: BackupHeader, deploymentKey: Buffer): StreamKeys {
  const keys = deriveKeys(deploymentKey, header.salt);
  if (!timingSafeEqual(keys.check, header.check)) throw new WrongBackupKeyError();
  return { header: header.bytes, key: keys.key, prefix: header.prefix };
}

/** Decrypts the chunks that follow the header; fails on the first chunk that does not authenticate. */
export function createBackupDecryptor(opened: StreamKeys): Transform {
  const sealedChunk = CHUNK_BYTES + TAG_BYTES;
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  const open = (sealed: Buffer, last: boolean): Buffer => {
    const at = index;
    try {
      const decipher = createDecipheriv('aes-256-gcm', opened.key, chunkNonce(opened.prefix, index++, last));
      decipher.setAAD(opened.header);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DamagedBackupError(last ? `its end is missing or chunk ${at} was changed` : `chunk ${at} failed its integrity check`);
    }
  };
  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length ? Buffer.concat([pending, data]) : data;
      try {
        while (pending.length > sealedChunk) {
          this.push(open(pending.subarray(0, sealedChunk), false));
          pending = pending.subarray(sealedChunk);
        }
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (pending.length < TAG_BYTES) {
        callback(new DamagedBackupError('it ends before its last chunk'));
        return;
      }
      try {
        this.push(open(pending, true));
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
    },
  });
}
