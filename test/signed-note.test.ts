import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  NoteError,
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  keyId,
  newSignerSeed,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  signerFromSeed,
  type NoteErrorReason,
  type NoteVerifier,
} from '../src/vault/signed-note.ts';

const vectors = JSON.parse(readFileSync(new URL('./fixtures/merkle-vectors.json', import.meta.url), 'utf8'));

function noteOf(v: { note?: string; note_b64?: string }): string | Buffer {
  return v.note ?? Buffer.from(v.note_b64!, 'base64');
}

function throwsNote(fn: () => unknown, reason: NoteErrorReason, message?: string): void {
  assert.throws(fn, (error: unknown) => error instanceof NoteError && error.reason === reason, message);
}

/** The note with the character at `at` replaced by `by`. */
function replaceAt(text: string, at: number, by: string): string {
  return text.slice(0, at) + by + text.slice(at + 1);
}

const GOPHER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";

describe('verifier keys (golang/mod sumdb/note, C2SP, transparency-dev/formats)', () => {
  for (const v of vectors.verifier_keys) {
    it(`${v.valid ? 'parses' : 'refuses'} ${v.vkey}${v.desc ? ` (${v.desc})` : ''}`, () => {
      if (!v.valid) return throwsNote(() => parseVerifierKey(v.vkey), 'bad_key');
      const verifier = parseVerifierKey(v.vkey);
      assert.equal(verifier.name, v.name);
      assert.equal(verifier.keyId.toString('hex'), v.key_id_hex);
      assert.deepEqual(keyId(verifier.name, verifier.publicKey), verifier.keyId);
      assert.equal(formatVerifierKey(verifier.name, verifier.publicKey), v.vkey);
      if (v.seed_hex) assert.equal(signerFromSeed(v.name, Buffer.from(v.seed_hex, 'hex')).verifierKey, v.vkey);
    });
  }

  it('refuses every proper substring and every single-byte increment of a good key (TestNewVerifier)', () => {
    const { vkey } = vectors.verifier_key_mangling;
    parseVerifierKey(vkey);
    let tried = 0;
    for (let i = 0; i <= vkey.length; i++) {
      for (let j = i; j <= vkey.length; j++) {
        if (i === 0 && j === vkey.length) continue;
        throwsNote(() => parseVerifierKey(vkey.slice(i, j)), 'bad_key', `substring [${i}, ${j})`);
        tried++;
      }
    }
    for (let i = 0; i < vkey.length; i++) {
      throwsNote(() => parseVerifierKey(replaceAt(vkey, i, String.fromCharCode(vkey.charCodeAt(i) + 1))), 'bad_key', `increment at ${i}`);
      tried++;
    }
    assert.ok(tried > 2000);
  });

  it('refuses an upper-case key id, non-canonical base64 and names with space or "+"', () => {
    const peter = parseVerifierKey(vectors.verifier_keys[0].vkey);
    const good = formatVerifierKey('PeterNeumann', peter.publicKey);
    throwsNote(() => parseVerifierKey(good.replace('c74f20a3', 'C74F20A3')), 'bad_key');
    throwsNote(() => parseVerifierKey(`${good}\n`), 'bad_key');
    throwsNote(() => parseVerifierKey(good.replace('+ARpc', '+ARpc\n')), 'bad_key');
    throwsNote(() => formatVerifierKey('Peter Neumann', peter.publicKey), 'bad_key');
    throwsNote(() => formatVerifierKey('Peter+Neumann', peter.publicKey), 'bad_key');
    throwsNote(() => formatVerifierKey('', peter.publicKey), 'bad_key');
    throwsNote(() => formatVerifierKey('Peter', peter.publicKey.subarray(1)), 'bad_key');
  });
});

describe('signer keys (golang/mod sumdb/note)', () => {
  for (const v of vectors.signer_keys) {
    it(`${v.skey.split('+')[2]}: the signer key gives its verifier key and round-trips`, () => {
      const signer = parseSignerKey(v.skey);
      assert.equal(signer.verifierKey, v.vkey);
      const seed = Buffer.from(v.skey.split('+').slice(4).join('+'), 'base64').subarray(1);
      assert.equal(formatSignerKey(signer.name, seed), v.skey);
      const verifier = parseVerifierKey(v.vkey);
      const message = Buffer.from('hello\n');
      assert.ok(verifier.verify(message, signer.sign(message)));
    });
  }

  it('refuses malformed signer keys and a key id that does not match', () => {
    const skey: string = vectors.signer_keys[0].skey;
    throwsNote(() => parseSignerKey(skey.replace('PRIVATE+KEY', 'PUBLIC+KEY')), 'bad_key');
    throwsNote(() => parseSignerKey(skey.replace('c74f20a3', 'c74f20a4')), 'bad_key');
    throwsNote(() => parseSignerKey(skey.replace('+AYEK', '+AoEK')), 'bad_key'); // algorithm byte 0x02
    throwsNote(() => parseSignerKey(skey.slice(0, -4)), 'bad_key');
    throwsNote(() => signerFromSeed('x', Buffer.alloc(31)), 'bad_key');
  });

  it('signs byte for byte as sumdb/note (Ed25519 is deterministic)', () => {
    const peter = parseSignerKey(vectors.signer_keys[0].skey);
    const enoch = signerFromSeed('EnochRoot', Buffer.alloc(32));
    const want = (id: string): string => vectors.signed_notes.find((n: any) => n.id === id).note;
    assert.equal(signNote(GOPHER_TEXT, [peter]), want('go-peter'));
    assert.equal(signNote(GOPHER_TEXT, [peter, enoch]), want('go-peter-enoch-both-known'));
  });
});

describe('signed notes (C2SP signed-note, golang/mod sumdb/note, transparency-dev/formats)', () => {
  for (const v of vectors.signed_notes) {
    it(`${v.id}: ${v.expect}${v.desc ? ` (${v.desc})` : ''}`, () => {
      const verifiers: NoteVerifier[] = v.verifiers.map(parseVerifierKey);
      const note = noteOf(v);
      if (v.expect === 'ok') {
        const opened = openNote(note, verifiers);
        assert.deepEqual(opened.verified, v.want_verified);
        if (v.want_text !== undefined) assert.equal(opened.text, v.want_text);
        if (v.want_unverified !== undefined) assert.deepEqual(opened.unverified.map((s) => s.name), v.want_unverified);
        if (v.want_unverified_b64 !== undefined) assert.deepEqual(opened.unverified.map((s) => s.base64), v.want_unverified_b64);
        return;
      }
      throwsNote(() => openNote(note, verifiers), v.expect);
      if (v.expect === 'unverified') {
        // The note is well formed: its text and signers can still be read, unverified.
        const parsed = parseNote(note);
        if (v.want_text !== undefined) assert.equal(parsed.text, v.want_text);
        assert.deepEqual([...new Set(parsed.signatures.map((s) => s.name))], v.want_unverified);
      }
    });
  }
});

describe('signing and opening', () => {
  const alice = signerFromSeed('vigil.example/log', newSignerSeed());
  const bob = signerFromSeed('witness.example', newSignerSeed());
  const aliceKey = parseVerifierKey(alice.verifierKey);
  const bobKey = parseVerifierKey(bob.verifierKey);
  const text = 'vigil.example/log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
  const note = signNote(text, [alice, bob]);

  it('round-trips with one or both keys; an unknown key is ignored', () => {
    assert.deepEqual(openNote(note, [aliceKey, bobKey]), { text, verified: [alice.name, bob.name], unverified: [] });
    const onlyAlice = openNote(note, [aliceKey]);
    assert.deepEqual(onlyAlice.verified, [alice.name]);
    assert.deepEqual(onlyAlice.unverified.map((s) => s.name), [bob.name]);
    throwsNote(() => openNote(note, []), 'unverified');
    assert.equal(newSignerSeed().length, 32);
    assert.notDeepEqual(newSignerSeed(), newSignerSeed());
  });

  it('a changed byte anywhere in the text fails the signature of a known key', () => {
    for (let i = 0; i < text.length - 1; i++) {
      if (text[i] === '\n') continue;
      const changed = replaceAt(note, i, text[i] === 'A' ? 'B' : 'A');
      throwsNote(() => openNote(changed, [aliceKey]), 'bad_signature', `text byte ${i}`);
    }
  });

  it('a changed character in a signature fails (or is malformed where it breaks the base64)', () => {
    const line = note.indexOf(alice.name, text.length) + alice.name.length + 1;
    const end = note.indexOf('\n', line);
    for (let i = line; i < end; i++) {
      const changed = replaceAt(note, i, note[i] === 'A' ? 'B' : 'A');
      assert.throws(
        () => openNote(changed, [aliceKey]),
        (error: unknown) => error instanceof NoteError && ['bad_signature', 'malformed', 'unverified'].includes(error.reason),
        `signature character ${i - line}`,
      );
      // With the key-id bytes intact the signature is checked and must fail; the id's 4 bytes span base64 characters 0–5.
      if (i - line >= 6 && i < end - 2) throwsNote(() => openNote(changed, [aliceKey]), 'bad_signature', `signature character ${i - line}`);
    }
  });

  it('a known key with a bad signature rejects the note even if another known key signed well', () => {
    const forged = `${text}\n— ${bob.name} ${Buffer.concat([bob.keyId, alice.sign(Buffer.from(text))]).toString('base64')}\n${note.slice(text.length + 1)}`;
    throwsNote(() => openNote(forged, [aliceKey, bobKey]), 'bad_signature');
    assert.deepEqual(openNote(forged, [aliceKey]).verified, [alice.name]);
  });

  it('a signature under the same name by another key is unknown, not a failure', () => {
    const impostor = signerFromSeed(alice.name, newSignerSeed());
    const other = signNote(text, [impostor]);
    throwsNote(() => openNote(other, [aliceKey]), 'unverified');
  });

  it('refuses to sign text that is not note text', () => {
    throwsNote(() => signNote('no newline', [alice]), 'malformed');
    throwsNote(() => signNote('', [alice]), 'malformed');
    throwsNote(() => signNote('tab\there\n', [alice]), 'malformed');
    throwsNote(() => signNote('lone \uD800 surrogate\n', [alice]), 'malformed');
    assert.ok(openNote(signNote('a\n\nb\n\n', [alice]), [aliceKey]).text === 'a\n\nb\n\n', 'text may hold and end in blank lines');
  });

  it('refuses malformed notes', () => {
    const sigs = note.slice(text.length + 1);
    throwsNote(() => openNote(text, [aliceKey]), 'malformed');
    throwsNote(() => openNote(note.slice(0, -1), [aliceKey]), 'malformed');
    throwsNote(() => openNote(`${text}\n${sigs.replace('— ', '- ')}`, [aliceKey]), 'malformed');
    throwsNote(() => openNote(`${text}\n${sigs}\n`, [aliceKey]), 'malformed');
    throwsNote(() => openNote(note.replace(' ', '\r'), [aliceKey]), 'malformed');
    throwsNote(() => openNote(Buffer.concat([Buffer.from(note), Buffer.from([0xc3])]), [aliceKey]), 'malformed');
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  for (const v of vectors.checkpoints) {
    it(`${v.id}: ${v.expect} (${v.desc})`, () => {
      const verifiers = v.verifiers.map(parseVerifierKey);
      if (v.expect === 'ok') {
        const { checkpoint, verified } = openCheckpoint(v.note, verifiers, v.origin);
        assert.deepEqual(checkpoint, { origin: v.origin, size: v.want_size, root: Buffer.from(v.want_root_b64, 'base64'), extensions: [] });
        assert.equal(verified.length, 1);
        return;
      }
      throwsNote(() => openCheckpoint(v.note, verifiers, v.origin ?? undefined), v.expect);
      if (v.want_size !== undefined) {
        const checkpoint = parseCheckpoint(parseNote(v.note).text);
        assert.equal(checkpoint.size, v.want_size);
        assert.equal(checkpoint.root.toString('base64'), v.want_root_b64);
      }
    });
  }

  for (const v of vectors.checkpoint_texts) {
    it(`${v.valid === true ? 'parses' : v.valid === false ? 'refuses' : 'refuses a root not of 32 bytes, else parses'}: ${v.desc}`, () => {
      if (v.valid === true) {
        const checkpoint = parseCheckpoint(v.text);
        assert.equal(formatCheckpoint(checkpoint), v.text);
      } else if (v.valid === false) {
        throwsNote(() => parseCheckpoint(v.text), 'malformed');
        throwsNote(() => parseCheckpoint(v.text, { anyRootSize: true }), 'malformed');
      } else {
        throwsNote(() => parseCheckpoint(v.text), 'malformed');
        const checkpoint = parseCheckpoint(v.text, { anyRootSize: true });
        assert.equal(`${[checkpoint.origin, checkpoint.size, checkpoint.root.toString('base64'), ...checkpoint.extensions].join('\n')}\n`, v.text);
      }
    });
  }

  it('round-trips through format, sign, open and parse', () => {
    const signer = signerFromSeed('vigil.example/log', newSignerSeed());
    const checkpoint = { origin: 'vigil.example/log', size: 12345, root: Buffer.alloc(32, 7), extensions: ['timestamp 2026-05-01'] };
    const note = signNote(formatCheckpoint(checkpoint), [signer]);
    assert.deepEqual(openCheckpoint(note, [parseVerifierKey(signer.verifierKey)], 'vigil.example/log'), { checkpoint, verified: [signer.name] });
    throwsNote(() => openCheckpoint(note, [parseVerifierKey(signer.verifierKey)], 'other.example/log'), 'malformed');
  });

  it('refuses sizes a JS number cannot hold exactly, leading zeros, and bad shapes', () => {
    const root = Buffer.alloc(32).toString('base64');
    assert.equal(parseCheckpoint(`o\n9007199254740991\n${root}\n`).size, 2 ** 53 - 1);
    assert.equal(parseCheckpoint(`o\n0\n${root}\n`).size, 0);
    for (const bad of [`o\n9007199254740992\n${root}\n`, `o\n18446744073709551615\n${root}\n`, `o\n007\n${root}\n`, `o\n+7\n${root}\n`, `o\n7 \n${root}\n`, `o\n7\n${root} \n`, `o\n7\n${root}\n\n`, `o\n7\n${root.slice(0, -1)}\n`]) {
      throwsNote(() => parseCheckpoint(bad), 'malformed', JSON.stringify(bad));
    }
    throwsNote(() => formatCheckpoint({ origin: 'a\nb', size: 1, root: Buffer.alloc(32), extensions: [] }), 'malformed');
    throwsNote(() => formatCheckpoint({ origin: 'o', size: 2 ** 53, root: Buffer.alloc(32), extensions: [] }), 'malformed');
    throwsNote(() => formatCheckpoint({ origin: 'o', size: 1, root: Buffer.alloc(31), extensions: [] }), 'malformed');
    throwsNote(() => formatCheckpoint({ origin: 'o', size: 1, root: Buffer.alloc(32), extensions: [''] }), 'malformed');
  });
});
