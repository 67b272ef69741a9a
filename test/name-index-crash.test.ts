import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { generateSyntheticStore } from '../src/demo/synthetic.ts';
import { listNamesOfPersons } from '../src/persons/persons.repository.ts';
import { systemPrincipal } from '../src/auth/roles.ts';
import { reindexAllPersons } from '../src/search/name-index.ts';
import { loadSearchKey } from '../src/search/search-keys.ts';
import { searchPersons } from '../src/search/search.service.ts';
import { openStore, type Store } from '../src/store.ts';
import { BIN } from './helpers/processes.ts';
import { BACKEND, createProcessStore } from './helpers/test-app.ts';

/**
 * `vigil search reindex` killed for real in the middle of a build, beside another process writing
 * to the store: every person is still there, and a rebuild then finds every person again.
 */
describe(`name index: a rebuild killed midway (${BACKEND})`, () => {
  let store: Awaited<ReturnType<typeof createProcessStore>>;
  const open = (): Promise<Store> => openStore({ dataDir: store.dataDir, dbUrl: store.dbUrl });

  before(async () => {
    store = await createProcessStore('reindexkill');
    const opened = await open();
    try {
      // Enough persons that the build takes a while (the bulk loader writes no name keys).
      await generateSyntheticStore(opened, { persons: 20_000, seed: 3 });
    } finally {
      await opened.close();
    }
  });
  after(() => store.drop());

  it('loses nothing, and a rebuild after the kill finds every person', async () => {
    const watcher = await open();
    const { db } = watcher.ctx;
    const keyed = async () =>
      Number((await db.selectFrom('person_name_keys').select((eb) => eb.fn.count<number>('person_id').distinct().as('n')).executeTakeFirstOrThrow()).n);
    try {
      const child = spawn(process.execPath, [BIN, 'search', 'reindex', ...store.storeArgs], { env: { ...process.env, VIGIL_LOG: 'off' }, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let exitedEarly = false;
      void exited.then(() => (exitedEarly = true));
      // Kill once the build has written some keys but not all of them. Meanwhile this process writes too, as a
      // server would, and the build goes on (search.test.ts shows the lock order deterministically).
      const deadline = Date.now() + 60_000;
      let writes = 0;
      while ((await keyed()) === 0) {
        assert.ok(!exitedEarly, 'the rebuild ended before it could be killed');
        assert.ok(Date.now() < deadline, 'the rebuild wrote no keys in 60 s');
        await db.updateTable('counters').set((eb) => ({ value: eb('value', '+', 0) })).where('name', '=', 'case_number').execute();
        writes++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill('SIGKILL');
      assert.ok(writes > 0);
      assert.equal(await exited, null, 'killed, not finished');
      const written = await keyed();
      assert.ok(written > 0 && written < 20_000, `a partial index (${written} persons keyed)`);
    } finally {
      await watcher.close();
    }

    const reopened = await open();
    try {
      assert.equal(await reopened.ctx.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)), 20_000);
      const db2 = reopened.ctx.db;
      const key = await loadSearchKey(reopened.ctx);
      assert.equal(await reindexAllPersons(reopened.ctx, key), 20_000);
      // The last person of the store, found by its own name.
      const last = await db2.selectFrom('persons').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      const [form] = (await listNamesOfPersons(db2, reopened.ctx.cipher, [last.id])).get(last.id)!;
      const hits = await searchPersons(reopened.ctx, key, systemPrincipal('test'), { q: form!.text, limit: 100 });
      assert.ok(hits.some((hit) => hit.person.id === last.id), `found by "${form!.text}"`);
    } finally {
      await reopened.close();
    }
  });
});
