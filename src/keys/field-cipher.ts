import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { TamperedDataError } from '../lib/errors.ts';

const PREFIX = 'vs1.';

/**
 * Application-level encryption of sensitive columns (DESIGN §5), on both backends: AES-256-GCM
 * under a data key, with the column and row as associated data, so a value moved to another row or
 * column, or changed by one bit, fails loudly instead of showing garbage. A sealed value reads
 * `vs1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`.
 */
export class FieldCipher {
  // Key objects, made once: Node then skips importing the raw key on every field.
  private readonly keyObjects: ReadonlyMap<string, KeyObject>;

  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly currentKeyId: string,
  ) {
    if (!keys.has(currentKeyId)) throw new Error('the current data key is not among the keys');
    this.keyObjects = new Map([...keys].map(([id, key]) => [id, createSecretKey(key)]));
  }

  /** The keys, to build the same cipher on a worker thread of this process; never logged or stored. */
  keyMaterial(): { keys: Array<[string, Uint8Array]>; currentKeyId: string } {
    return { keys: [...this.keys].map(([id, key]) => [id, new Uint8Array(key)]), currentKeyId: this.currentKeyId };
  }

  seal(plaintext: string, context: string): string {
    const key = this.keyObjects.get(this.currentKeyId)!;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${this.currentKeyId}.${body.toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    if (!sealed.startsWith(PREFIX)) throw new TamperedDataError(context);
    const dot = sealed.indexOf('.', PREFIX.length);
    const key = dot > 0 ? this.keyObjects.get(sealed.slice(PREFIX.length, dot)) : undefined;
    if (!key) throw new TamperedDataError(context);
    const body = Buffer.from(sealed.slice(dot + 1), 'base64url');
    if (body.length < 28) throw new TamperedDataError(context);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new TamperedDataError(context);
    }
  }

  sealNullable(plaintext: string | null, context: string): string | null {
    return plaintext === null ? null : this.seal(plaintext, context);
  }

  openNullable(sealed: string | null, context: string): string | null {
    return sealed === null ? null : this.open(sealed, context);
  }
}

/** The associated data that binds a sealed value to its place: `table.column:row id`. */
export function sealContext(table: string, column: string, rowId: string): string {
  return `${table}.${column}:${rowId}`;
}
