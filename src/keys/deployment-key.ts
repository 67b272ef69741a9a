import { hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, writeSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { DeploymentKeyError } from './key-errors.ts';

/** The key file Vigil makes in the data directory when it is given no key. */
export const KEY_FILE = 'vigil.key';
/** Where a SQLite store keeps its passphrase salt (it must be read before the file can be). */
export const SALT_FILE = 'vigil.salt';
export const MIN_PASSPHRASE_LENGTH = 12;

/** Where the deployment key comes from (read once in src/config.ts). */
export interface KeyConfig {
  dataDir: string;
  /** VIGIL_KEY */
  keyPassphrase?: string | undefined;
  /** VIGIL_KEY_FILE, absolute */
  keyFile?: string | undefined;
}

export interface DeploymentKey {
  key: Buffer;
  source: 'passphrase' | 'key-file' | 'data-dir';
  /** A copy of the data directory carries the key: it protects nothing until moved out. */
  besideData: boolean;
  /** The passphrase salt stored with the store (`scrypt$…`), whatever the source; null if none. */
  salt: string | null;
  /** A salt made just now for a store that had none; the caller stores it with the store. */
  newSalt: string | null;
}

/** What the store says about its key before anything is written. */
export interface StoreKeyState {
  /** The store holds data under a key: an encrypted SQLite file, or wrapped data keys. */
  protectedData: boolean;
  salt: string | null;
}

/** The message of a bad passphrase, or null for a good one (shared by VIGIL_KEY and `vigil key rotate`). */
export function passphraseProblem(passphrase: string): string | null {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) return `the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters (several words are best)`;
  return null;
}

/**
 * The deployment key, from VIGIL_KEY_FILE, VIGIL_KEY, or the key file in the data directory. A new
 * store without a key gets a key file there; a store that already holds data under a key never
 * does, since a new key could not open it.
 */
export function resolveDeploymentKey(config: KeyConfig, store: StoreKeyState): DeploymentKey {
  if (config.keyFile) {
    const key = readKeyFile(config.keyFile);
    const besideData = isInside(config.dataDir, config.keyFile) || dataDirKeyIs(config.dataDir, key);
    return { key, source: 'key-file', besideData, salt: store.salt, newSalt: null };
  }
  if (config.keyPassphrase !== undefined) {
    if (!store.salt && store.protectedData) {
      throw new DeploymentKeyError(
        `this store has no passphrase salt (${SALT_FILE} in the data directory, or the key_salt setting on PostgreSQL): it was not put under a passphrase, or the salt was lost, so VIGIL_KEY cannot open it; nothing was written`,
      );
    }
    const salt = store.salt ?? newSalt();
    return { key: keyFromPassphrase(config.keyPassphrase, salt), source: 'passphrase', besideData: false, salt, newSalt: store.salt ? null : salt };
  }
  const file = join(config.dataDir, KEY_FILE);
  if (existsSync(file)) return { key: readKeyFile(file), source: 'data-dir', besideData: true, salt: store.salt, newSalt: null };
  if (store.protectedData) {
    throw new DeploymentKeyError(`no deployment key: this store holds data under a key, but neither VIGIL_KEY nor VIGIL_KEY_FILE is set and ${file} does not exist; nothing was written`);
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeKeyFile(file, key);
  return { key, source: 'data-dir', besideData: true, salt: store.salt, newSalt: null };
}

/** What the log (every start) and the admin banner say while the key sits beside the data. */
export function keyBesideDataWarning(dataDir: string): string {
  return (
    `the deployment key is kept in the data directory (${join(dataDir, KEY_FILE)}), so a copy of the directory carries its own key: ` +
    'move the file out and start Vigil with VIGIL_KEY_FILE pointing to it, or switch to a passphrase with `vigil key rotate --new-passphrase-stdin`'
  );
}

/** A key file holds 32 random bytes as base64 (what `openssl rand -base64 32` prints). */
export function readKeyFile(path: string): Buffer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DeploymentKeyError(`cannot read the key file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const encoded = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(encoded)) {
    throw new DeploymentKeyError(`the key file ${path} does not hold a key: it must hold 32 random bytes in base64, e.g. from \`openssl rand -base64 32\``);
  }
  return Buffer.from(encoded, 'base64');
}

/** Writes a new key file (never over an existing one), readable by its owner only, and flushes it to disk. */
export function writeKeyFile(path: string, key: Buffer): void {
  writeDurably(path, `${key.toString('base64')}\n`);
}

/** A fresh passphrase salt, with the scrypt cost it was made for, so the cost can rise later. */
export function newSalt(): string {
  return `scrypt$16$8$1$${randomBytes(16).toString('base64')}`;
}

export function keyFromPassphrase(passphrase: string, salt: string): Buffer {
  const match = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d)\$([A-Za-z0-9+/]{22}==)$/.exec(salt.trim());
  const [log2N, r, p] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  if (!match || log2N < 14 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 4) {
    throw new DeploymentKeyError('the passphrase salt of this store is malformed, so VIGIL_KEY cannot open it; nothing was written');
  }
  const N = 2 ** log2N;
  // The same words typed on another system may arrive in another Unicode normal form.
  // scrypt needs 128·N·r bytes of memory, above Node's default ceiling.
  return scryptSync(passphrase.normalize('NFC'), Buffer.from(match[4]!, 'base64'), 32, { N, r, p, maxmem: 256 * N * r });
}

export function readSaltFile(dataDir: string): string | null {
  const file = join(dataDir, SALT_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

export function writeSaltFile(dataDir: string, salt: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeDurably(join(dataDir, SALT_FILE), `${salt}\n`);
}

/** The raw key of the SQLite file: derived, so the deployment key itself is used for one purpose only. */
export function sqliteFileKey(deploymentKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', deploymentKey, Buffer.alloc(0), 'vigil sqlite file v1', 32));
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(realOrResolved(dir), realOrResolved(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** A key given elsewhere that was copied, not moved, out of the data directory is still beside the data. */
function dataDirKeyIs(dataDir: string, key: Buffer): boolean {
  try {
    return readKeyFile(join(dataDir, KEY_FILE)).equals(key);
  } catch {
    return false;
  }
}
