import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { chainEntries, ChainWalker, entryHash, GENESIS_HASH, type ChainedEntry } from '../src/audit/audit-chain.ts';
import { presentAuditEntry } from '../src/audit/audit.presenter.ts';
import { createAuditLog, listCaseAudit, verifyAuditChain, type AuditEvent } from '../src/audit/audit.service.ts';
import { createGroupCommit } from '../src/audit/group-commit.ts';
import type { AuditEntryRow } from '../src/db/schema.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { InvalidInputError } from '../src/lib/errors.ts';
import { openStore, type Store } from '../src/store.ts';
import { BACKEND, createProcessStore } from './helpers/test-app.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'vigil.js');

let storeCounter = 0;

/** A migrated store of its own (temp dir, and a fresh schema on PostgreSQL), opened in this process. */
async function openTestStore(clock = new ManualClock('2026-11-29T06:00:00Z')) {
  const place = await createProcessStore(`audit${storeCounter++}`);
  const store = await openStore({ dataDir: place.dataDir, dbUrl: place.dbUrl }, { clock });
  return {
    store,
    place,
    clock,
    async close() {
      await store.close();
      await place.drop();
    },
  };
}

function event(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return { actor: `user:u${n % 3}`, action: 'person.read_secret', case_id: `case-${n % 2}`, entity: 'person', entity_id: `p${n}`, detail: { n, fields: 'national_id' }, ...overrides };
}

async function allEntries(store: Store): Promise<AuditEntryRow[]> {
  const rows = await store.ctx.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

async function head(store: Store): Promise<{ seq: number; hash: string }> {
  const row = await store.ctx.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash };
}

async function exec(store: Store, query: ReturnType<typeof sql>): Promise<void> {
  await query.execute(store.ctx.db);
}

/** The chain is well formed: seq 1..n, each entry linked to the one before and hashing to itself, the head on the last. */
async function assertSoundChain(store: Store, expectedCount: number): Promise<void> {
  const rows = await allEntries(store);
  assert.deepEqual(
    rows.map((r) => r.seq),
    Array.from({ length: expectedCount }, (_, i) => i + 1),
  );
  let prev = GENESIS_HASH;
  for (const row of rows) {
    assert.equal(row.prev_hash, prev, `#${row.seq} links to the entry before`);
    assert.equal(entryHash(row.prev_hash, row), row.hash, `#${row.seq} hashes to itself`);
    prev = row.hash;
  }
  assert.deepEqual(await head(store), { seq: expectedCount, hash: prev });
  const verified = await verifyAuditChain(store.ctx.db, { pageSize: 7 });
  assert.deepEqual(verified, { ok: true, count: expectedCount, head: { seq: expectedCount, hash: prev } });
}

describe('the chain walker (pure)', () => {
  const fields = (i: number) => ({ at: `2026-11-29T06:00:0${i}Z`, actor: 'user:a', action: 'x.y', case_id: null, entity: null, entity_id: null, detail: i % 2 ? '{"i":1}' : null });
  const chain = (): ChainedEntry[] => chainEntries({ seq: 0, hash: GENESIS_HASH }, [1, 2, 3, 4, 5].map(fields));
  const walk = (entries: ChainedEntry[], headAt?: { seq: number; hash: string }) => {
    const walker = new ChainWalker();
    for (const entry of entries) {
      const failure = walker.next(entry);
      if (failure) return failure;
    }
    return walker.end(headAt ?? { seq: entries.at(-1)?.seq ?? 0, hash: entries.at(-1)?.hash ?? GENESIS_HASH });
  };

  it('accepts a chain, an empty chain, and a chain continued from its head', () => {
    assert.equal(walk(chain()), null);
    assert.equal(walk([]), null);
    const first = chain();
    const more = chainEntries({ seq: 5, hash: first.at(-1)!.hash }, [fields(6)]);
    assert.equal(walk([...first, ...more]), null);
    assert.equal(more[0]!.prev_hash, first.at(-1)!.hash);
  });

  it('names the first bad entry and why, for each kind of tampering', () => {
    const cases: Array<[string, (c: ChainedEntry[]) => ChainedEntry[], { seq: number; reason: string } | null, { seq: number; hash: string }?]> = [
      ['action changed', (c) => c.map((e) => (e.seq === 3 ? { ...e, action: 'x.z' } : e)), { seq: 3, reason: 'changed' }],
      ['detail changed', (c) => c.map((e) => (e.seq === 3 ? { ...e, detail: '{"i":2}' } : e)), { seq: 3, reason: 'changed' }],
      ['null made empty', (c) => c.map((e) => (e.seq === 2 ? { ...e, case_id: '' } : e)), { seq: 2, reason: 'changed' }],
      ['hash changed', (c) => c.map((e) => (e.seq === 4 ? { ...e, hash: 'f'.repeat(64) } : e)), { seq: 4, reason: 'changed' }],
      ['middle removed', (c) => c.filter((e) => e.seq !== 3), { seq: 3, reason: 'removed' }],
      ['first removed', (c) => c.slice(1), { seq: 1, reason: 'removed' }],
      ['two swapped', (c) => [c[0]!, { ...c[2]!, seq: 2 }, { ...c[1]!, seq: 3 }, c[3]!, c[4]!], { seq: 2, reason: 'reordered' }],
      ['rewritten with its hash', (c) => {
        const forged = { ...c[2]!, action: 'x.z' };
        return c.map((e) => (e.seq === 3 ? { ...forged, hash: entryHash(forged.prev_hash, forged) } : e));
      }, { seq: 4, reason: 'reordered' }],
      ['a repeated seq', (c) => [...c.slice(0, 3), c[2]!, ...c.slice(3)], { seq: 3, reason: 'reordered' }],
    ];
    for (const [name, tamper, expected] of cases) {
      const entries = chain();
      const failure = walk(tamper(entries), { seq: 5, hash: entries.at(-1)!.hash });
      assert.deepEqual(failure && { seq: failure.seq, reason: failure.reason }, expected, name);
      if (failure) assert.match(failure.message, new RegExp(`^audit entry #${failure.seq} `), name);
    }
  });

  it('finds a cut tail and a head that disagrees', () => {
    const entries = chain();
    assert.deepEqual(walk(entries.slice(0, 3), { seq: 5, hash: entries[4]!.hash })?.seq, 4);
    assert.equal(walk(entries.slice(0, 3), { seq: 5, hash: entries[4]!.hash })?.reason, 'head_mismatch');
    assert.equal(walk(entries, { seq: 5, hash: 'a'.repeat(64) })?.reason, 'head_mismatch');
    assert.equal(walk(entries, { seq: 4, hash: entries[3]!.hash })?.reason, 'head_mismatch');
    assert.equal(walk([], { seq: 2, hash: 'a'.repeat(64) })?.seq, 1);
  });
});

describe('group commit (pure)', () => {
  it('writes callers of one tick as one batch, settles each with its write, and keeps batches apart', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    let failNext = false;
    const submit = createGroupCommit<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) return new Promise<void>((resolve) => (release = resolve));
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
    }, 4);
    const settled: number[] = [];
    const first = [1, 2, 3].map((n) => submit(n).then(() => settled.push(n)));
    while (batches.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // While the first write runs, more callers queue; none has been told it is written.
    const second = [4, 5, 6, 7, 8, 9].map((n) => submit(n).then(() => settled.push(n)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(settled, []);
    assert.deepEqual(batches, [[1, 2, 3]]);
    failNext = true;
    release();
    await Promise.all(first);
    // The write after the first fails; its callers are told so, the next batch still goes.
    const results = await Promise.allSettled(second);
    assert.deepEqual(batches, [[1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled'],
    );
    assert.match(String((results[0] as PromiseRejectedResult).reason), /disk full/);
    assert.deepEqual(settled, [1, 2, 3, 8, 9]);
    await submit(10);
    assert.deepEqual(batches.at(-1), [10]);
  });
});

describe(`audit log (${BACKEND})`, () => {
  it('starts empty and verifies as such', async () => {
    const t = await openTestStore();
    try {
      assert.deepEqual(await verifyAuditChain(t.store.ctx.db), { ok: true, count: 0, head: { seq: 0, hash: GENESIS_HASH } });
    } finally {
      await t.close();
    }
  });

  it('keeps one chain through sequential and concurrent appends mixed with committed and rolled-back transactions', async () => {
    const t = await openTestStore();
    const { db, audit, dialect, clock } = t.store.ctx;
    // Both ways of group-committing at once: through Kysely, and (on SQLite) through the raw connection.
    const viaKysely = createAuditLog(db, dialect, clock);
    const viaRaw = createAuditLog(db, dialect, clock, t.store.database.sqlite);
    try {
      for (let i = 0; i < 20; i++) await (i % 2 ? viaKysely : viaRaw).append(event(i, { action: 'seq.append' }));
      const committed: Promise<unknown>[] = [];
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 150; i++) {
        work.push([audit, viaKysely, viaRaw][i % 3]!.append(event(i, { action: 'concurrent.append' })));
        if (i % 10 === 0) {
          // A change that commits with its entry, and one that fails after appending: its entry must vanish without a gap.
          committed.push(db.transaction().execute(async (trx) => audit.appendIn(trx, event(i, { action: 'trx.commit' }))));
          work.push(
            db
              .transaction()
              .execute(async (trx) => {
                await audit.appendIn(trx, event(i, { action: 'trx.rollback' }));
                await audit.appendIn(trx, event(i, { action: 'trx.rollback' }));
                throw new Error('the change failed');
              })
              .then(
                () => assert.fail('the transaction should have rolled back'),
                (error: Error) => assert.equal(error.message, 'the change failed'),
              ),
          );
        }
      }
      await Promise.all([...work, ...committed]);
      for (let i = 0; i < 5; i++) await (i % 2 ? viaKysely : viaRaw).append(event(i, { action: 'seq.after' }));

      await assertSoundChain(t.store, 20 + 150 + 15 + 5);
      const actions = (await allEntries(t.store)).map((r) => r.action);
      assert.equal(actions.filter((a) => a === 'trx.commit').length, 15);
      assert.equal(actions.filter((a) => a === 'trx.rollback').length, 0);
      assert.deepEqual(actions.slice(0, 20), Array(20).fill('seq.append'));
      assert.deepEqual(actions.slice(-5), Array(5).fill('seq.after'));
      const stored = (await allEntries(t.store)).filter((r) => r.action === 'seq.append').slice(0, 2);
      assert.deepEqual(
        stored.map((r) => [r.at, r.actor, r.case_id, r.entity, r.entity_id, JSON.parse(r.detail!)]),
        [0, 1].map((n) => ['2026-11-29T06:00:00.000Z', `user:u${n}`, `case-${n}`, 'person', `p${n}`, { n, fields: 'national_id' }]),
      );
    } finally {
      await t.close();
    }
  });

  it('resolves an append only once it is committed, and waits for a transaction holding the chain', async () => {
    const t = await openTestStore();
    const { db, audit } = t.store.ctx;
    try {
      let releaseTrx!: () => void;
      let appended!: () => void;
      const trxAppended = new Promise<void>((resolve) => (appended = resolve));
      const trx = db.transaction().execute(async (trx) => {
        await audit.appendIn(trx, event(0, { action: 'slow.change' }));
        appended();
        await new Promise<void>((resolve) => (releaseTrx = resolve));
      });
      await trxAppended;
      let done = 0;
      const viaRaw = createAuditLog(db, t.store.ctx.dialect, t.clock, t.store.database.sqlite);
      const appends = Array.from({ length: 30 }, (_, i) => (i % 2 ? audit : viaRaw).append(event(i, { action: 'waiting' })).then(() => done++));
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(done, 0, 'no append resolves while the head is held by an open transaction');
      releaseTrx();
      await Promise.all([trx, ...appends]);
      assert.equal(done, 30);
      await assertSoundChain(t.store, 31);
      assert.equal((await allEntries(t.store))[0]!.action, 'slow.change');
    } finally {
      await t.close();
    }
  });

  it('refuses a malformed event with a clear error, writes nothing for it, and does not fail the others', async () => {
    const t = await openTestStore();
    const { db, audit } = t.store.ctx;
    try {
      const bad: Array<[unknown, RegExp]> = [
        [{ action: 'x.y' }, /actor is required/],
        [{ actor: '', action: 'x.y' }, /actor must be a string/],
        [{ actor: 'user:a', action: 42 }, /action must be a string/],
        [{ actor: 'user:a', action: 'x.y', case_id: 7 }, /case_id must be a string/],
        [{ actor: 'user:a', action: 'x'.repeat(201) }, /action must be a string of at most 200/],
        [{ actor: 'user:a', action: 'x.y', detail: [1] }, /detail must be an object/],
        [{ actor: 'user:a', action: 'x.y', detail: { body: { nested: true } } }, /detail\.body must be a string, finite number/],
        [{ actor: 'user:a', action: 'x.y', detail: { n: Number.NaN } }, /detail\.n must be/],
        [{ actor: 'user:a', action: 'x.y', detail: { n: undefined } }, /detail\.n must be/],
        [{ actor: 'user:a', action: 'x.y', detail: { body: 'x'.repeat(3000) } }, /detail is longer than 2048/],
      ];
      const results = await Promise.allSettled([
        audit.append(event(1)),
        ...bad.map(([input]) => audit.append(input as AuditEvent)),
        audit.append(event(2)),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', ...bad.map(() => 'rejected'), 'fulfilled']);
      bad.forEach(([, message], i) => assert.match(String((results[i + 1] as PromiseRejectedResult).reason), message));
      await assert.rejects(db.transaction().execute((trx) => audit.appendIn(trx, { actor: 'user:a' } as AuditEvent)), /action is required/);
      await assertSoundChain(t.store, 2);
    } finally {
      await t.close();
    }
  });

  // Two handles in one process on SQLite would wait for each other on one thread (better-sqlite3 is
  // synchronous): a deployment opens one; several processes are covered by the next test.
  const onPostgres = BACKEND === 'postgres' ? it : undefined;
  onPostgres?.('keeps one chain when two handles on the same store append at once', async () => {
    const t = await openTestStore();
    const other = await openStore({ dataDir: t.place.dataDir, dbUrl: t.place.dbUrl }, { clock: t.clock });
    try {
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        work.push(t.store.ctx.audit.append(event(i, { action: 'handle.one' })));
        work.push(other.ctx.audit.append(event(i, { action: 'handle.two' })));
        if (i % 20 === 0) work.push(other.ctx.db.transaction().execute((trx) => other.ctx.audit.appendIn(trx, event(i, { action: 'handle.two.trx' }))));
      }
      await Promise.all(work);
      await assertSoundChain(t.store, 205);
    } finally {
      await other.close();
      await t.close();
    }
  });

  it('keeps one chain when two processes append at once', async () => {
    const t = await openTestStore();
    try {
      // Each child opens its store, says so, and waits for the word: both then append at the same time.
      const script = `
        import { once } from 'node:events';
        import { openStore } from ${JSON.stringify(join(ROOT, 'src', 'store.ts'))};
        import { createAuditLog } from ${JSON.stringify(join(ROOT, 'src', 'audit', 'audit.service.ts'))};
        const store = await openStore({ dataDir: process.argv[1], dbUrl: process.argv[2] || undefined });
        const viaRaw = createAuditLog(store.ctx.db, store.ctx.dialect, store.ctx.clock, store.database.sqlite);
        process.stdout.write('ready\\n');
        await once(process.stdin, 'data');
        const work = [];
        for (let i = 0; i < 150; i++) work.push(store.ctx.audit.append({ actor: 'system:test', action: 'process.' + process.argv[3], detail: { i } }));
        await Promise.all(work);
        for (let i = 0; i < 100; i++) await (i % 2 ? viaRaw : store.ctx.audit).append({ actor: 'system:test', action: 'process.' + process.argv[3] });
        await Promise.all(Array.from({ length: 50 }, () => viaRaw.append({ actor: 'system:test', action: 'process.' + process.argv[3] })));
        await store.close();
        process.exit(0);
      `;
      const children = ['a', 'b'].map((name) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, t.place.dataDir, t.place.dbUrl ?? '', name], { cwd: ROOT });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
        return { child, ready, exited };
      });
      await Promise.race([Promise.all(children.map((c) => c.ready)), Promise.all(children.map((c) => c.exited))]);
      for (const { child } of children) child.stdin.write('go\n');
      const results = await Promise.all(children.map((c) => c.exited));
      for (const result of results) assert.equal(result.code, 0, result.stderr);
      await assertSoundChain(t.store, 600);
      const actions = (await allEntries(t.store)).map((r) => r.action);
      assert.equal(actions.filter((a) => a === 'process.a').length, 300);
      assert.equal(actions.filter((a) => a === 'process.b').length, 300);
    } finally {
      await t.close();
    }
  });

  it('verifies while appends go on', async () => {
    const t = await openTestStore();
    const { db, audit } = t.store.ctx;
    try {
      for (let i = 0; i < 40; i++) await audit.append(event(i));
      const appends = Array.from({ length: 200 }, (_, i) => audit.append(event(i)));
      const results = await Promise.all([verifyAuditChain(db, { pageSize: 5 }), verifyAuditChain(db, { pageSize: 5 }), ...appends]);
      for (const result of results.slice(0, 2) as Awaited<ReturnType<typeof verifyAuditChain>>[]) assert.equal(result.ok, true, JSON.stringify(result));
      await assertSoundChain(t.store, 240);
    } finally {
      await t.close();
    }
  });

  describe('finds tampering', () => {
    let t: Awaited<ReturnType<typeof openTestStore>>;
    let pristine: AuditEntryRow[];
    let pristineHead: { seq: number; hash: string };

    before(async () => {
      t = await openTestStore();
      for (let i = 0; i < 30; i++) await t.store.ctx.audit.append(event(i));
      pristine = await allEntries(t.store);
      pristineHead = await head(t.store);
    });
    after(async () => {
      await t.close();
    });

    /** Puts the chain back as it was written, so each case starts from a sound chain. */
    async function restore(): Promise<void> {
      await exec(t.store, sql`delete from audit_entries`);
      await t.store.ctx.db.insertInto('audit_entries').values(pristine).execute();
      await exec(t.store, sql`delete from audit_head`);
      await exec(t.store, sql`insert into audit_head (id, seq, hash) values (1, ${pristineHead.seq}, ${pristineHead.hash})`);
      assert.equal((await verifyAuditChain(t.store.ctx.db)).ok, true);
    }

    async function expectBreak(tamper: () => Promise<void>, seq: number, reason: string, message: RegExp): Promise<void> {
      await restore();
      await tamper();
      for (const pageSize of [10_000, 7, 1]) {
        const result = await verifyAuditChain(t.store.ctx.db, { pageSize });
        assert.equal(result.ok, false, `page size ${pageSize}`);
        if (result.ok) return;
        assert.deepEqual([result.seq, result.reason], [seq, reason], result.message);
        assert.match(result.message, message);
      }
    }

    it('an edited action, detail or time: names that entry as changed', async () => {
      await expectBreak(() => exec(t.store, sql`update audit_entries set action = 'person.read' where seq = 17`), 17, 'changed', /^audit entry #17 does not match: it was changed$/);
      await expectBreak(() => exec(t.store, sql`update audit_entries set detail = '{"n":16}' where seq = 17`), 17, 'changed', /#17 does not match/);
      await expectBreak(() => exec(t.store, sql`update audit_entries set at = '2026-11-28T06:00:00.000Z' where seq = 8`), 8, 'changed', /#8 does not match/);
      await expectBreak(() => exec(t.store, sql`update audit_entries set case_id = null where seq = 1`), 1, 'changed', /#1 does not match/);
      await expectBreak(() => exec(t.store, sql`update audit_entries set actor = 'user:someone-else' where seq = 30`), 30, 'changed', /#30 does not match/);
    });

    it('an entry rewritten with a fresh hash: the next one no longer follows it', async () => {
      const row = pristine[16]!;
      const forged = { ...row, action: 'person.read' };
      await expectBreak(
        () => exec(t.store, sql`update audit_entries set action = ${forged.action}, hash = ${entryHash(forged.prev_hash, forged)} where seq = 17`),
        18,
        'reordered',
        /^audit entry #18 does not follow #17: .*#17 was rewritten/,
      );
    });

    it('a removed entry in the middle or at the start: a gap', async () => {
      await expectBreak(() => exec(t.store, sql`delete from audit_entries where seq = 12`), 12, 'removed', /^audit entry #12 is missing: it was removed$/);
      await expectBreak(() => exec(t.store, sql`delete from audit_entries where seq = 1`), 1, 'removed', /#1 is missing/);
      await expectBreak(() => exec(t.store, sql`delete from audit_entries where seq between 5 and 9`), 5, 'removed', /#5 is missing/);
    });

    it('a removed tail: the head records more than the chain holds', async () => {
      await expectBreak(() => exec(t.store, sql`delete from audit_entries where seq = 30`), 30, 'head_mismatch', /^audit entry #30 is missing: the chain ends at #29 but its head records #30/);
      await expectBreak(() => exec(t.store, sql`delete from audit_entries where seq > 27`), 28, 'head_mismatch', /#28 is missing/);
      await expectBreak(() => exec(t.store, sql`delete from audit_entries`), 1, 'head_mismatch', /#1 is missing: the chain ends at #0/);
    });

    it('two entries swapped: out of place', async () => {
      await expectBreak(
        async () => {
          await exec(t.store, sql`update audit_entries set seq = -1 where seq = 10`);
          await exec(t.store, sql`update audit_entries set seq = 10 where seq = 11`);
          await exec(t.store, sql`update audit_entries set seq = 11 where seq = -1`);
        },
        10,
        'reordered',
        /^audit entry #10 does not follow #9: entries were reordered or inserted/,
      );
    });

    it('an entry inserted past the head, or a head rewritten or removed', async () => {
      const [forged] = chainEntries(pristineHead, [{ at: '2026-11-29T07:00:00.000Z', actor: 'user:u1', action: 'person.update', case_id: null, entity: null, entity_id: null, detail: null }]);
      await expectBreak(() => t.store.ctx.db.insertInto('audit_entries').values(forged!).execute().then(() => undefined), 31, 'inserted', /^audit entry #31 lies beyond the chain head \(#30\): it was inserted, or the head was moved back$/);
      await expectBreak(() => exec(t.store, sql`update audit_head set hash = ${'a'.repeat(64)} where id = 1`), 30, 'head_mismatch', /#30 does not match the chain head/);
      await expectBreak(() => exec(t.store, sql`update audit_head set seq = 25, hash = ${pristine[24]!.hash} where id = 1`), 26, 'inserted', /^audit entry #26 lies beyond the chain head \(#25\)/);
      await expectBreak(() => exec(t.store, sql`delete from audit_head`), 30, 'head_mismatch', /has no head record/);
      // Numbered before the chain's start, where the walk (from #1) never looks.
      const [early] = chainEntries({ seq: -1, hash: pristine[0]!.prev_hash }, [{ at: '2026-11-29T07:00:00.000Z', actor: 'user:u1', action: 'person.update', case_id: null, entity: null, entity_id: null, detail: null }]);
      await expectBreak(() => t.store.ctx.db.insertInto('audit_entries').values(early!).execute().then(() => undefined), 0, 'inserted', /^audit entry #0 lies before the chain's first entry/);
      await restore();
      await exec(t.store, sql`delete from audit_head`);
      await assert.rejects(t.store.ctx.audit.append(event(1)), /the audit chain has no head row/);
      await assert.rejects(createAuditLog(t.store.ctx.db, t.store.ctx.dialect, t.clock, t.store.database.sqlite).append(event(1)), /the audit chain has no head row/);
      await restore();
    });

    it('an entry moved to another case is caught, and lists still show it without failing', async () => {
      await expectBreak(() => exec(t.store, sql`update audit_entries set case_id = 'case-1', detail = 'not json' where seq = 2`), 2, 'changed', /#2 does not match/);
      const page = await listCaseAudit(t.store.ctx, 'case-1', { limit: 200 });
      assert.equal(page.items.find((e) => e.seq === 2)?.detail, null);
      await restore();
    });
  });

  describe("a case's audit trail", () => {
    let t: Awaited<ReturnType<typeof openTestStore>>;
    before(async () => {
      t = await openTestStore();
      for (let i = 0; i < 12; i++) {
        await t.store.ctx.audit.append(event(i, { case_id: i % 3 === 0 ? 'case-b' : 'case-a' }));
        t.clock.advance(1000);
      }
      await t.store.ctx.audit.append({ actor: 'user:u9', action: 'login.failed' });
    });
    after(async () => {
      await t.close();
    });

    it('lists newest first in keyset pages, and only that case', async () => {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await listCaseAudit(t.store.ctx, 'case-a', { cursor, limit: 3 });
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((e) => e.seq));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, [12, 11, 9, 8, 6, 5, 3, 2]);
      const whole = await listCaseAudit(t.store.ctx, 'case-b');
      assert.deepEqual(whole.items.map((e) => e.seq), [10, 7, 4, 1]);
      assert.equal(whole.next_cursor, null);
      assert.deepEqual((await listCaseAudit(t.store.ctx, 'no-such-case')).items, []);
    });

    it('gives domain objects, presented field by field', async () => {
      const [entry] = (await listCaseAudit(t.store.ctx, 'case-b', { limit: 1 })).items;
      assert.deepEqual(entry, {
        seq: 10,
        at: '2026-11-29T06:00:09.000Z',
        actor: 'user:u0',
        action: 'person.read_secret',
        case_id: 'case-b',
        entity: 'person',
        entity_id: 'p9',
        detail: { n: 9, fields: 'national_id' },
      });
      const presented = presentAuditEntry({ ...entry!, hash: 'secret-looking', prev_hash: 'x' } as never);
      assert.deepEqual(Object.keys(presented), ['seq', 'at', 'actor', 'action', 'case_id', 'entity', 'entity_id', 'detail']);
      assert.deepEqual(presented.detail, { n: 9, fields: 'national_id' });
    });

    it('refuses a bad limit or cursor with a clear error', async () => {
      const { encodeKeyCursor } = await import('../src/records/list-cursor.ts');
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ limit: 0 }, /limit must be a whole number from 1 to 200/],
        [{ limit: 201 }, /limit/],
        [{ limit: 1.5 }, /limit/],
        [{ cursor: 'garbage!' }, /cursor is not one this list gave out/],
        [{ cursor: encodeKeyCursor(['abc']) }, /cursor is not one/],
        [{ cursor: encodeKeyCursor(['0']) }, /cursor is not one/],
        [{ cursor: encodeKeyCursor(['-5']) }, /cursor is not one/],
        [{ cursor: encodeKeyCursor(['1e3']) }, /cursor is not one/],
        [{ cursor: encodeKeyCursor(['3', '4']) }, /cursor is not one/],
      ];
      for (const [query, message] of bad) {
        await assert.rejects(listCaseAudit(t.store.ctx, 'case-a', query as never), (error: Error) => error instanceof InvalidInputError && message.test(error.message), JSON.stringify(query));
      }
    });
  });

  describe('vigil audit verify', () => {
    let place: Awaited<ReturnType<typeof createProcessStore>>;
    before(async () => {
      place = await createProcessStore('auditcli');
    });
    after(async () => {
      await place.drop();
    });

    function vigil(args: string[]) {
      const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '' }, timeout: 60_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    async function withCliStore<T>(run: (store: Store) => Promise<T>): Promise<T> {
      const store = await openStore({ dataDir: place.dataDir, dbUrl: place.dbUrl });
      try {
        return await run(store);
      } finally {
        await store.close();
      }
    }

    it('prints one line and exits 0 on a sound chain, recording the verification in it', async () => {
      const empty = vigil(['audit', 'verify', ...place.storeArgs]);
      assert.equal(empty.status, 0, empty.stderr);
      assert.equal(empty.stdout, `ok: 0 entries, head ${GENESIS_HASH}\n`);
      await withCliStore(async (store) => {
        for (let i = 0; i < 25; i++) await store.ctx.audit.append(event(i));
      });
      const res = vigil(['audit', 'verify', ...place.storeArgs]);
      assert.equal(res.status, 0, res.stderr);
      assert.equal(res.stderr, '');
      const headAfter = await withCliStore(async (store) => {
        const entries = await allEntries(store);
        assert.equal(entries.length, 27, 'each verify added its entry');
        const last = entries.at(-1)!;
        assert.deepEqual([last.actor, last.action, JSON.parse(last.detail!)], ['system:cli', 'audit.verify', { entries: 26, head_seq: 26, head_hash: entries[25]!.hash }]);
        return entries[25]!.hash;
      });
      assert.equal(res.stdout, `ok: 26 entries, head ${headAfter}\n`);
    });

    it('names the first bad entry on one line, exits 1, and writes nothing', async () => {
      const original = await withCliStore(async (store) => {
        const detail = (await allEntries(store))[11]!.detail;
        await exec(store, sql`update audit_entries set detail = '{"n":999}' where seq = 12`);
        await exec(store, sql`delete from audit_entries where seq > 25`);
        return detail;
      });
      const res = vigil(['audit', 'verify', ...place.storeArgs]);
      assert.equal(res.status, 1);
      assert.equal(res.stdout, '');
      assert.equal(res.stderr, 'vigil: audit entry #12 does not match: it was changed\n', 'the first bad entry, not the cut tail');
      await withCliStore(async (store) => {
        assert.equal((await allEntries(store)).length, 25, 'a failed verify appends nothing');
        await exec(store, sql`update audit_entries set detail = ${original} where seq = 12`);
      });
      const cut = vigil(['audit', 'verify', ...place.storeArgs]);
      assert.equal(cut.status, 1);
      assert.equal(cut.stdout, '');
      assert.equal(cut.stderr, 'vigil: audit entry #26 is missing: the chain ends at #25 but its head records #27 (the tail was removed)\n');
    });

    it('rejects unknown options', () => {
      const res = vigil(['audit', 'verify', '--frobnicate', ...place.storeArgs]);
      assert.notEqual(res.status, 0);
      assert.match(res.stderr, /unknown option '--frobnicate'/);
    });
  });
});
