import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createCipheriv, createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { bech32 } from '@scure/base';
import {
  AgeError,
  type AgeFileInfo,
  decryptRange,
  decryptStream,
  encryptStream,
  generateIdentity,
  openAgeFile,
  parseIdentityFile,
  recipientOf,
} from '../src/vault/age.ts';

const run = promisify(execFile);
const CHUNK = 64 * 1024;
const SEALED = CHUNK + 16;
const SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 1024 * 1024 + 12345];

let dir: string;
let keyFile: string;
let keyFileIdentity: string;
let keyFileRecipient: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-age-'));
  keyFile = join(dir, 'key.txt');
  await run('age-keygen', ['-o', keyFile]);
  keyFileIdentity = parseIdentityFile(await readFile(keyFile, 'utf8'))[0]!;
  keyFileRecipient = (await run('age-keygen', ['-y', keyFile])).stdout.trim();
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function plaintextFile(size: number): Promise<{ path: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  const path = join(dir, `plain-${fileCount++}.bin`);
  await writeFile(path, bytes);
  return { path, bytes };
}

async function vigilEncrypt(source: string, recipients: string[]): Promise<string> {
  const out = join(dir, `vigil-${fileCount++}.age`);
  await pipeline(createReadStream(source), encryptStream(recipients), createWriteStream(out));
  return out;
}

async function ageEncrypt(source: string, args: string[]): Promise<string> {
  const out = join(dir, `age-${fileCount++}.age`);
  await run('age', [...args, '-o', out, source]);
  return out;
}

/** Decrypts with decryptStream; `emitted` holds whatever plaintext came out before any error. */
async function vigilDecrypt(path: string, identities: string[]): Promise<{ plaintext?: Buffer; error?: unknown; emitted: Buffer }> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  try {
    await pipeline(createReadStream(path, { highWaterMark: 7000 }), decryptStream(identities), sink);
    return { plaintext: Buffer.concat(parts), emitted: Buffer.concat(parts) };
  } catch (error) {
    return { error, emitted: Buffer.concat(parts) };
  }
}

async function readRange(path: string, info: AgeFileInfo, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of decryptRange(path, info, start, end)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function ageDecrypt(path: string): Promise<Buffer> {
  const { stdout } = await run('age', ['-d', '-i', keyFile, path], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function rangesFor(size: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [
    [0, 0],
    [size - 1, size - 1],
    [0, size - 1],
  ];
  for (const boundary of [CHUNK, 2 * CHUNK, 3 * CHUNK]) {
    if (boundary < size) ranges.push([boundary - 1, boundary], [boundary - 10, Math.min(size - 1, boundary + 10)], [boundary, boundary]);
  }
  if (size > 2 * CHUNK) ranges.push([CHUNK + 5, CHUNK + 500], [100, 2 * CHUNK + 100]);
  for (let i = 0; i < 12; i++) {
    const start = Math.floor(Math.random() * size);
    ranges.push([start, start + Math.floor(Math.random() * (size - start))]);
  }
  return ranges.filter(([start, end]) => start >= 0 && end < size && start <= end);
}

async function assertAgeError(promise: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AgeError, `${what}: expected an AgeError, got ${String(error)}`);
    return true;
  });
}

describe('age keys', () => {
  it('reads identities that age-keygen writes, and derives the same recipient', async () => {
    assert.match(keyFileIdentity, /^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    assert.equal(recipientOf(keyFileIdentity), keyFileRecipient);
  });

  it('generates identities that age-keygen reads, with the same recipient', async () => {
    const pair = generateIdentity();
    assert.match(pair.identity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    assert.match(pair.recipient, /^age1[0-9a-z]{58}$/);
    const file = join(dir, `generated-${fileCount++}.txt`);
    await writeFile(file, `${pair.identity}\n`);
    assert.equal((await run('age-keygen', ['-y', file])).stdout.trim(), pair.recipient);
    assert.notEqual(generateIdentity().identity, pair.identity);
  });

  it('rejects malformed identities', () => {
    const { identity, recipient } = generateIdentity();
    const mixedCase = identity.slice(0, 20) + identity.slice(20).toLowerCase();
    const badChecksum = identity.slice(0, -1) + (identity.endsWith('Q') ? 'P' : 'Q');
    for (const bad of ['', 'AGE-SECRET-KEY-1', recipient, mixedCase, badChecksum, identity.slice(0, -6)]) {
      assert.throws(() => recipientOf(bad), AgeError, bad);
    }
    assert.throws(() => encryptStream([identity]), AgeError);
    assert.throws(() => decryptStream([recipient]), AgeError);
  });
});

describe('age interoperability', () => {
  for (const size of SIZES) {
    it(`age decrypts what Vigil encrypts, ${size} bytes`, async () => {
      const { path, bytes } = await plaintextFile(size);
      const encrypted = await vigilEncrypt(path, [keyFileRecipient]);
      assert.ok((await ageDecrypt(encrypted)).equals(bytes));
      const info = await openAgeFile(encrypted, [keyFileIdentity]);
      assert.equal(info.plaintextSize, size);
    });

    it(`Vigil decrypts what age encrypts (-r and -e -i), ${size} bytes, streamed and by ranges`, async () => {
      const { path, bytes } = await plaintextFile(size);
      for (const args of [['-r', keyFileRecipient], ['-e', '-i', keyFile]]) {
        const encrypted = await ageEncrypt(path, args);
        const { plaintext, error } = await vigilDecrypt(encrypted, [keyFileIdentity]);
        assert.equal(error, undefined);
        assert.ok(plaintext!.equals(bytes));
        const info = await openAgeFile(encrypted, [keyFileIdentity]);
        assert.equal(info.plaintextSize, size);
        for (const [start, end] of rangesFor(size)) {
          assert.ok((await readRange(encrypted, info, start, end)).equals(bytes.subarray(start, end + 1)), `bytes ${start}-${end}`);
        }
      }
    });
  }

  it('reads ranges of Vigil-written files: single bytes, within a chunk, across chunks, the whole file', async () => {
    for (const size of [1, 65536, 65537, 3 * 65536, 3 * 1024 * 1024 + 12345]) {
      const { path, bytes } = await plaintextFile(size);
      const encrypted = await vigilEncrypt(path, [keyFileRecipient]);
      const info = await openAgeFile(encrypted, [keyFileIdentity]);
      for (const [start, end] of rangesFor(size)) {
        assert.ok((await readRange(encrypted, info, start, end)).equals(bytes.subarray(start, end + 1)), `size ${size}, bytes ${start}-${end}`);
      }
      assert.throws(() => decryptRange(encrypted, info, 0, size), RangeError);
      assert.throws(() => decryptRange(encrypted, info, 5, 4), RangeError);
    }
  });

  it('encrypts to several recipients, each of which can decrypt', async () => {
    const others = [generateIdentity(), generateIdentity()];
    const { path, bytes } = await plaintextFile(100_000);
    const encrypted = await vigilEncrypt(path, [others[0]!.recipient, keyFileRecipient, others[1]!.recipient]);
    assert.ok((await ageDecrypt(encrypted)).equals(bytes));
    for (const identity of [others[0]!.identity, others[1]!.identity, keyFileIdentity]) {
      assert.ok((await vigilDecrypt(encrypted, [identity])).plaintext!.equals(bytes));
      assert.equal((await openAgeFile(encrypted, [identity])).plaintextSize, bytes.length);
    }
    const fromAge = await ageEncrypt(path, ['-r', others[0]!.recipient, '-r', others[1]!.recipient]);
    assert.ok((await vigilDecrypt(fromAge, [generateIdentity().identity, others[1]!.identity])).plaintext!.equals(bytes));
  });

  it('refuses a wrong identity', async () => {
    const { path } = await plaintextFile(1000);
    for (const encrypted of [await vigilEncrypt(path, [keyFileRecipient]), await ageEncrypt(path, ['-r', keyFileRecipient])]) {
      const { error, emitted } = await vigilDecrypt(encrypted, [generateIdentity().identity]);
      assert.ok(error instanceof AgeError);
      assert.equal(emitted.length, 0);
      await assertAgeError(openAgeFile(encrypted, [generateIdentity().identity]), 'wrong identity');
    }
  });
});

/** Builds an age file by hand, independently of src/vault/age.ts, to reach cases neither Vigil nor age writes. */
function craftAgeFile(options: {
  recipient: string;
  chunks: Array<{ plaintext: Buffer; last: boolean }>;
  extraStanzas?: string;
  share?: Buffer;
  editShare?: (share: string) => string;
}): Buffer {
  const recipientKey = Buffer.from(bech32.fromWords(bech32.decode(options.recipient as `age1${string}`).words));
  const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
  const fromRaw = (raw: Buffer) => createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
  const ephemeral = generateKeyPairSync('x25519');
  const share = options.share ?? Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const fileKey = randomBytes(16);
  let body = randomBytes(32);
  if (!options.share) {
    const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: fromRaw(recipientKey) });
    const wrapKey = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([share, recipientKey]), 'age-encryption.org/v1/X25519', 32));
    const cipher = createCipheriv('chacha20-poly1305', wrapKey, Buffer.alloc(12), { authTagLength: 16 });
    body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
  }
  const shareText = options.editShare ? options.editShare(b64(share)) : b64(share);
  const header = `age-encryption.org/v1\n${options.extraStanzas ?? ''}-> X25519 ${shareText}\n${b64(body)}\n---`;
  const macKey = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32));
  const mac = createHmac('sha256', macKey).update(header).digest();
  const nonce = randomBytes(16);
  const payloadKey = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
  const parts = [Buffer.from(`${header} ${b64(mac)}\n`), nonce];
  options.chunks.forEach(({ plaintext, last }, index) => {
    const chunkNonce = Buffer.alloc(12);
    chunkNonce.writeUIntBE(index, 5, 6);
    chunkNonce[11] = last ? 1 : 0;
    const cipher = createCipheriv('chacha20-poly1305', payloadKey, chunkNonce, { authTagLength: 16 });
    parts.push(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
  });
  return Buffer.concat(parts);
}

describe('age header and chunk rules', () => {
  const saved = async (bytes: Buffer) => {
    const path = join(dir, `crafted-${fileCount++}.age`);
    await writeFile(path, bytes);
    return path;
  };
  const full = randomBytes(CHUNK);

  it('ignores unknown stanzas (grease), with bodies wrapped at 64 columns and an empty final line', async () => {
    const grease =
      `-> grease-x.example/y ab!c ~~\n${randomBytes(48).toString('base64')}\n\n` +
      `-> other\n${randomBytes(100).toString('base64').replace(/=+$/, '').replace(/(.{64})/g, '$1\n')}\n`;
    const plaintext = randomBytes(5000);
    const path = await saved(craftAgeFile({ recipient: keyFileRecipient, chunks: [{ plaintext, last: true }], extraStanzas: grease }));
    assert.ok((await ageDecrypt(path)).equals(plaintext), 'age accepts the crafted file');
    assert.ok((await vigilDecrypt(path, [keyFileIdentity])).plaintext!.equals(plaintext));
    assert.ok((await readRange(path, await openAgeFile(path, [keyFileIdentity]), 0, 4999)).equals(plaintext));
  });

  it('accepts a full last chunk and an empty file, refuses an empty last chunk after a full one', async () => {
    const fullLast = await saved(craftAgeFile({ recipient: keyFileRecipient, chunks: [{ plaintext: full, last: false }, { plaintext: full, last: true }] }));
    assert.ok((await vigilDecrypt(fullLast, [keyFileIdentity])).plaintext!.equals(Buffer.concat([full, full])));
    assert.equal((await openAgeFile(fullLast, [keyFileIdentity])).plaintextSize, 2 * CHUNK);
    const empty = await saved(craftAgeFile({ recipient: keyFileRecipient, chunks: [{ plaintext: Buffer.alloc(0), last: true }] }));
    assert.equal((await vigilDecrypt(empty, [keyFileIdentity])).plaintext!.length, 0);
    assert.equal((await openAgeFile(empty, [keyFileIdentity])).plaintextSize, 0);
    const emptyLast = await saved(craftAgeFile({ recipient: keyFileRecipient, chunks: [{ plaintext: full, last: false }, { plaintext: Buffer.alloc(0), last: true }] }));
    await assert.rejects(run('age', ['-d', '-i', keyFile, emptyLast]), 'age refuses it too');
    assert.ok((await vigilDecrypt(emptyLast, [keyFileIdentity])).error instanceof AgeError);
    await assertAgeError(openAgeFile(emptyLast, [keyFileIdentity]), 'empty last chunk');
    const noChunk = await saved(craftAgeFile({ recipient: keyFileRecipient, chunks: [] }));
    assert.ok((await vigilDecrypt(noChunk, [keyFileIdentity])).error instanceof AgeError);
    await assertAgeError(openAgeFile(noChunk, [keyFileIdentity]), 'no chunk');
  });

  it('refuses padded or non-canonical base64, even under a valid MAC', async () => {
    const chunks = [{ plaintext: Buffer.from('x'), last: true }];
    const nonCanonical = (share: string) => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      return share.slice(0, -1) + alphabet[alphabet.indexOf(share.at(-1)!) ^ 1];
    };
    for (const editShare of [(share: string) => `${share}=`, nonCanonical]) {
      const path = await saved(craftAgeFile({ recipient: keyFileRecipient, chunks, editShare }));
      assert.ok((await vigilDecrypt(path, [keyFileIdentity])).error instanceof AgeError);
      await assertAgeError(openAgeFile(path, [keyFileIdentity]), 'base64');
    }
  });

  it('refuses a share that gives an all-zero secret, and a file with no X25519 stanza', async () => {
    const chunks = [{ plaintext: Buffer.from('x'), last: true }];
    const lowOrder = await saved(craftAgeFile({ recipient: keyFileRecipient, chunks, share: Buffer.alloc(32) }));
    await assertAgeError(openAgeFile(lowOrder, [keyFileIdentity]), 'low-order share');
    const noX25519 = await saved(Buffer.from((await readFile(await saved(craftAgeFile({ recipient: keyFileRecipient, chunks })))).toString('latin1').replace('-> X25519', '-> X25519x'), 'latin1'));
    await assertAgeError(openAgeFile(noX25519, [keyFileIdentity]), 'no X25519 stanza');
    for (const garbage of [Buffer.alloc(0), Buffer.from('age-encryption.org/v1\n'), Buffer.from('age-encryption.org/v2\n-> X25519 a\n\n--- a\n'), randomBytes(300_000)]) {
      const path = await saved(garbage);
      assert.ok((await vigilDecrypt(path, [keyFileIdentity])).error instanceof AgeError);
      await assertAgeError(openAgeFile(path, [keyFileIdentity]), 'garbage');
    }
  });
});

describe('age tamper detection', () => {
  const size = 3 * CHUNK + 1000; // chunks 0-2 full, chunk 3 short
  const sources: Array<{ name: string; bytes: Buffer; path: string; info: AgeFileInfo }> = [];
  before(async () => {
    const { path, bytes } = await plaintextFile(size);
    for (const [name, encrypted] of [
      ['Vigil', await vigilEncrypt(path, [keyFileRecipient])],
      ['age', await ageEncrypt(path, ['-r', keyFileRecipient])],
    ] as const) {
      sources.push({ name, bytes, path: encrypted, info: await openAgeFile(encrypted, [keyFileIdentity]) });
    }
  });

  /** Applies the damage to a copy; checks both readers refuse it, and that streamed output is only ever authenticated plaintext. */
  async function expectRefused(source: (typeof sources)[number], what: string, damage: (path: string) => Promise<void>, damagedChunks: number[], inPlace = false): Promise<void> {
    const path = join(dir, `tampered-${fileCount++}.age`);
    await copyFile(source.path, path);
    await damage(path);
    const { error, emitted } = await vigilDecrypt(path, [keyFileIdentity]);
    assert.ok(error instanceof AgeError, `${source.name}, ${what}: decryptStream gave ${String(error)}`);
    const firstDamaged = Math.min(...damagedChunks);
    assert.ok(emitted.length <= firstDamaged * CHUNK, `${source.name}, ${what}: plaintext from a damaged chunk`);
    assert.ok(emitted.equals(source.bytes.subarray(0, emitted.length)), `${source.name}, ${what}: emitted bytes that are not the plaintext`);
    for (const chunk of damagedChunks) {
      const start = chunk * CHUNK + 3;
      await assertAgeError(readRange(path, source.info, start, Math.min(size - 1, start + 10)), `${source.name}, ${what}: decryptRange over chunk ${chunk}`);
    }
    // Damage in place leaves the other chunks readable; a changed size makes decryptRange refuse every range.
    if (inPlace) {
      for (const chunk of [0, 1, 2, 3].filter((index) => !damagedChunks.includes(index))) {
        const start = chunk * CHUNK;
        assert.ok((await readRange(path, source.info, start, start + 99)).equals(source.bytes.subarray(start, start + 100)), `${source.name}, ${what}: undamaged chunk ${chunk}`);
      }
    }
  }

  const flipBit = (offset: number, bit = 0) => async (path: string) => {
    const bytes = await readFile(path);
    bytes[offset]! ^= 1 << bit;
    await writeFile(path, bytes);
  };

  it('refuses a flipped bit anywhere in the header, its MAC or the payload nonce', async () => {
    for (const source of sources) {
      for (let offset = 0; offset < source.info.payloadOffset; offset++) {
        const path = join(dir, `tampered-${fileCount++}.age`);
        await copyFile(source.path, path);
        await flipBit(offset, offset % 8)(path);
        const { error, emitted } = await vigilDecrypt(path, [keyFileIdentity]);
        assert.ok(error instanceof AgeError, `${source.name}: bit flipped at ${offset}`);
        assert.equal(emitted.length, 0);
        await assertAgeError(openAgeFile(path, [keyFileIdentity]), `${source.name}: bit flipped at ${offset}`);
      }
    }
  });

  it('refuses a flipped bit in each chunk (body and tag)', async () => {
    for (const source of sources) {
      for (let chunk = 0; chunk < 4; chunk++) {
        const chunkStart = source.info.payloadOffset + chunk * SEALED;
        await expectRefused(source, `chunk ${chunk} body`, flipBit(chunkStart + 7, 3), [chunk], true);
        const tagEnd = chunk < 3 ? chunkStart + SEALED : chunkStart + 1000 + 16;
        await expectRefused(source, `chunk ${chunk} tag`, flipBit(tagEnd - 1, 7), [chunk], true);
      }
    }
  });

  it('refuses truncation at a chunk boundary and mid-chunk, appended bytes, swapped chunks and a dropped last chunk', async () => {
    for (const source of sources) {
      const at = (chunk: number) => source.info.payloadOffset + chunk * SEALED;
      await expectRefused(source, 'truncate at a chunk boundary', (path) => truncate(path, at(2)), [2, 3]);
      await expectRefused(source, 'truncate mid-chunk', (path) => truncate(path, at(1) + 5000), [1, 2, 3]);
      await expectRefused(source, 'truncate inside the last tag', (path) => truncate(path, at(3) + 1010), [3]);
      await expectRefused(source, 'drop the last chunk', (path) => truncate(path, at(3)), [3]);
      await expectRefused(source, 'append bytes', (path) => appendFile(path, Buffer.from('more')), [3]);
      await expectRefused(source, 'append a whole chunk', (path) => appendFile(path, randomBytes(SEALED)), [3]);
      await expectRefused(
        source,
        'swap chunks 0 and 1',
        async (path) => {
          const bytes = await readFile(path);
          const first = Buffer.from(bytes.subarray(at(0), at(1)));
          bytes.copy(bytes, at(0), at(1), at(2));
          first.copy(bytes, at(1));
          await writeFile(path, bytes);
        },
        [0, 1],
        true,
      );
      for (const [what, damage] of [
        ['truncated', (path: string) => truncate(path, at(3))],
        ['extended', (path: string) => appendFile(path, 'x')],
        ['truncated mid-chunk', (path: string) => truncate(path, at(2) + 100)],
      ] as const) {
        const path = join(dir, `tampered-${fileCount++}.age`);
        await copyFile(source.path, path);
        await damage(path);
        await assertAgeError(openAgeFile(path, [keyFileIdentity]), `${source.name}: openAgeFile on a file ${what}`);
      }
    }
  });
});

describe('age streaming memory', () => {
  const block = randomBytes(1024 * 1024);
  const { identity, recipient } = generateIdentity();

  /** Streams `total` generated bytes through encryptStream → decryptStream; returns the peak RSS seen. */
  async function streamThrough(total: number): Promise<number> {
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let produced = 0;
    let receivedBytes = 0;
    let peak = 0;
    const source = new Readable({
      read() {
        if (produced >= total) return void this.push(null);
        const piece = Buffer.allocUnsafe(Math.min(block.length - 17, total - produced)); // odd sizes, unaligned to chunks
        block.copy(piece, 0, 0, piece.length);
        piece.writeUInt32BE(produced >>> 0, 0);
        produced += piece.length;
        sent.update(piece);
        this.push(piece);
      },
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.update(chunk);
        receivedBytes += chunk.length;
        peak = Math.max(peak, process.memoryUsage.rss());
        callback();
      },
    });
    await pipeline(source, encryptStream([recipient]), decryptStream([identity]), sink);
    assert.equal(receivedBytes, total);
    assert.equal(received.digest('hex'), sent.digest('hex'));
    return peak;
  }

  it('encrypts and decrypts 200 MB through a pipeline with bounded memory', async () => {
    // A first, smaller run lets the garbage collector reach its steady slack, so the measure is of growth with size.
    await streamThrough(32 * 1024 * 1024);
    const baseline = process.memoryUsage.rss();
    const growth = ((await streamThrough(200 * 1024 * 1024)) - baseline) / (1024 * 1024);
    assert.ok(growth < 64, `RSS grew by ${growth.toFixed(1)} MB while streaming 200 MB`);
  });
});
