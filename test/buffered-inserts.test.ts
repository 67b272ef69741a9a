import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { withBufferedInserts } from '../src/db/buffered-inserts.ts';
import { BACKEND, startTestApp, type TestApp } from './helpers/test-app.ts';

/** The import's batches write through withBufferedInserts (src/import/import.service.ts); here its own rules, on a real database. */
describe(`multi-row inserts within a transaction (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const names = async (prefix: string) =>
    (await t.app.ctx.db.selectFrom('settings').select(['name', 'value']).where('name', 'like', `${prefix}%`).orderBy('name').execute()).map((row) => `${row.name}=${row.value}`);

  it('holds plain inserts back until a statement names the table, then sends them in order, every parameter in its place', async () => {
    const seen = await t.app.ctx.db.transaction().execute((trx) =>
      withBufferedInserts(trx, t.app.ctx.dialect, ['settings'], async (db) => {
        for (let i = 0; i < 1203; i += 1) await db.insertInto('settings').values({ name: `bulk-${String(i).padStart(4, '0')}`, value: `v${i}` }).execute();
        // Two rows in one statement, then a table not held back: written at once.
        await db.insertInto('settings').values([{ name: 'bulk-pair-a', value: 'a' }, { name: 'bulk-pair-b', value: 'b' }]).execute();
        await db.insertInto('counters').values({ name: 'bulk-counter', value: 7 }).execute();
        const before = await db.selectFrom('counters').select('value').where('name', '=', 'bulk-counter').executeTakeFirst();
        // A statement that names the table (here raw SQL, unquoted) sees every row held back.
        const count = await sql<{ n: number }>`select count(*) as n from settings where name like 'bulk-%'`.execute(db);
        await db.insertInto('settings').values({ name: 'bulk-last', value: '$1 ? (x)' }).execute();
        return { counter: before?.value, rows: Number(count.rows[0]!.n) };
      }),
    );
    assert.deepEqual(seen, { counter: 7, rows: 1205 });
    const rows = await names('bulk-');
    assert.equal(rows.length, 1206, 'the last row, held back to the end, is written before the transaction commits');
    assert.equal(rows[0], 'bulk-0000=v0');
    assert.equal(rows[1202], 'bulk-1202=v1202');
    assert.ok(rows.includes('bulk-pair-b=b'));
    assert.ok(rows.includes('bulk-last=$1 ? (x)'), 'a value that looks like a placeholder is a value');
  });

  it('a failing held-back insert fails the transaction: nothing of it is written', async () => {
    await assert.rejects(
      t.app.ctx.db.transaction().execute((trx) =>
        withBufferedInserts(trx, t.app.ctx.dialect, ['settings'], async (db) => {
          await db.insertInto('settings').values({ name: 'dup-1', value: 'x' }).execute();
          await db.insertInto('settings').values({ name: 'dup-1', value: 'y' }).execute();
        }),
      ),
    );
    assert.deepEqual(await names('dup-'), []);
  });
});
