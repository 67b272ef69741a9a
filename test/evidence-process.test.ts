import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, serveProcess } from './helpers/processes.ts';
import { BACKEND, createProcessStore, personInput } from './helpers/test-app.ts';

const MB = 1024 * 1024;
const serve = (storeArgs: string[]) => serveProcess(['--no-worker', ...storeArgs]);

/** Resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

const ZEROS = Buffer.alloc(MB);

/** Deterministic pseudo-random bytes (AES-CTR over zeros), a block at a time: the test never holds the file either. */
function block(index: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(index, 0);
  return createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), iv).update(ZEROS);
}

/**
 * Streams a multipart upload of `megabytes` MB over a real socket. Resolves with the server's answer
 * and the file's SHA-256, or when `cutAfter` MB have been written, with null after `onCut` ran.
 */
function streamUpload(
  url: string,
  token: string,
  meta: object,
  megabytes: number,
  options: { cutAfter?: number; onCut?: () => void } = {},
): Promise<{ status: number; body: any; sha256: string } | null> {
  const boundary = 'vigilprocesstestboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\n\r\n${JSON.stringify(meta)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="long-recording.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha256');
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/api/v1/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + megabytes * MB + tail.length) },
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text), sha256: hash.digest('hex') }));
    });
    request.on('error', (error) => (options.cutAfter !== undefined ? resolve(null) : reject(error)));
    let index = 0;
    const write = () => {
      while (index < megabytes) {
        if (options.cutAfter !== undefined && index === options.cutAfter) {
          options.onCut?.();
          return;
        }
        const data = block(index++);
        hash.update(data);
        if (!request.write(data)) {
          request.once('drain', write);
          return;
        }
      }
      request.end(tail);
    };
    request.write(head);
    write();
  });
}

describe(`evidence vault as a real process (${BACKEND})`, () => {
  let store: Awaited<ReturnType<typeof createProcessStore>>;
  let token: string;

  before(async () => {
    store = await createProcessStore('vault');
    token = spawnSync(process.execPath, [BIN, 'token', 'create', '--role', 'researcher', ...store.storeArgs], { encoding: 'utf8' }).stdout.trim();
    assert.match(token, /^vgl_/);
  });
  after(() => store.drop());

  it('streams a large upload and its download without holding the file in memory', async () => {
    const { child, url, exited } = await serve(store.storeArgs);
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const person = (await (await fetch(`${url}/api/v1/persons`, { method: 'POST', headers, body: JSON.stringify(personInput()) })).json()) as { id: string };
      const baseline = rss(child.pid!);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rss(child.pid!))), 25);
      const megabytes = 384;
      const uploaded = await streamUpload(url, token, { person_ids: [person.id] }, megabytes);
      assert.ok(uploaded);
      assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
      assert.equal(uploaded.body.size, megabytes * MB);
      assert.equal(uploaded.body.sha256, uploaded.sha256);
      // Download and hash as it comes.
      const response = await fetch(`${url}/api/v1/evidence/${uploaded.body.id}/content`, { headers: { authorization: `Bearer ${token}` } });
      const hash = createHash('sha256');
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
      clearInterval(sampler);
      assert.equal(hash.digest('hex'), uploaded.sha256);
      const growth = peak - baseline;
      // A server that held the file would grow by ~384 MB; streaming keeps it to buffers.
      assert.ok(growth < 120 * MB, `server RSS grew by ${(growth / MB).toFixed(0)} MB for a ${megabytes} MB file`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('stores nothing of an upload whose server was killed half way, and takes the file again after a restart', async () => {
    const first = await serve(store.storeArgs);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const person = (await (await fetch(`${first.url}/api/v1/persons`, { method: 'POST', headers, body: JSON.stringify(personInput()) })).json()) as { id: string };
    const countBefore = ((await (await fetch(`${first.url}/api/v1/evidence`, { headers })).json()) as { items: unknown[] }).items.length;
    const blobsDir = join(store.dataDir, 'vault', 'blobs');
    const blobFiles = () => (existsSync(blobsDir) ? readdirSync(blobsDir, { recursive: true }).filter((name) => String(name).endsWith('.age')).length : 0);
    const blobsBefore = blobFiles();
    await streamUpload(first.url, token, { person_ids: [person.id] }, 64, { cutAfter: 32, onCut: () => first.child.kill('SIGKILL') });
    await first.exited;

    const second = await serve(store.storeArgs);
    try {
      const list = (await (await fetch(`${second.url}/api/v1/evidence`, { headers })).json()) as { items: unknown[] };
      assert.equal(list.items.length, countBefore, 'no item from the killed upload');
      assert.equal(blobFiles(), blobsBefore, 'no file stored under an address');
      const uploaded = await streamUpload(second.url, token, { person_ids: [person.id] }, 8);
      assert.equal(uploaded?.status, 201);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  });
});
