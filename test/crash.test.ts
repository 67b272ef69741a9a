import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { BIN, serveProcess } from './helpers/processes.ts';
import { BACKEND, personInput, createProcessStore } from './helpers/test-app.ts';

describe(`crash safety: kill -9 during writes (${BACKEND})`, () => {
  let store: Awaited<ReturnType<typeof createProcessStore>>;
  let storeArgs: string[];

  before(async () => {
    store = await createProcessStore('crash');
    ({ storeArgs } = store);
  });

  after(async () => {
    await store.drop();
  });

  it('keeps every acknowledged write across repeated kills', async () => {
    const token = spawnSync(process.execPath, [BIN, 'token', 'create', '--role', 'researcher', ...storeArgs], { encoding: 'utf8' }).stdout.trim();
    assert.match(token, /^vgl_/);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const acknowledged: Array<{ id: string; status: string }> = [];

    for (let round = 0; round < 3; round++) {
      const { child, url, exited } = await serveProcess(storeArgs);
      let stop = false;
      const writer = async () => {
        while (!stop) {
          try {
            const person = await fetch(`${url}/api/v1/persons`, { method: 'POST', headers, body: JSON.stringify(personInput()) });
            if (person.status !== 201) continue;
            const { id } = (await person.json()) as { id: string };
            const entry = await fetch(`${url}/api/v1/persons/${id}/statuses`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ status: 'detained', date: '2021-02-19' }),
            });
            acknowledged.push({ id, status: entry.status === 201 ? 'detained' : '' });
          } catch {
            return; // the server is gone
          }
        }
      };
      const writers = Array.from({ length: 4 }, writer);
      // Kill mid-stream: after some writes have landed in this round, at a varying moment.
      const target = acknowledged.length + 5;
      const deadline = Date.now() + 30_000;
      while (acknowledged.length < target) {
        if (Date.now() > deadline) throw new Error('the server acknowledged no writes for 30 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, 50 + round * 120));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await exited;
    }

    assert.ok(acknowledged.length > 10, `only ${acknowledged.length} writes were acknowledged`);
    const { child, url, exited } = await serveProcess(storeArgs);
    try {
      for (const { id, status } of acknowledged) {
        const res = await fetch(`${url}/api/v1/persons/${id}`, { headers });
        assert.equal(res.status, 200, `acknowledged person ${id} is missing`);
        const person = (await res.json()) as { current_status: { status: string } | null; timeline: unknown[] };
        if (status) assert.equal(person.current_status?.status, status, `acknowledged status of ${id} is missing`);
      }
      const seqs = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = (await (await fetch(`${url}/api/v1/persons?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers })).json()) as {
          items: Array<{ case_number: string }>;
          next_cursor: string | null;
        };
        for (const p of page.items) seqs.add(p.case_number);
        cursor = page.next_cursor;
      } while (cursor);
      assert.ok(seqs.size >= acknowledged.length);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});
