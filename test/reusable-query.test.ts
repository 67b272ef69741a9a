import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reusableQuery } from '../src/db/reusable-query.ts';
import type { Database } from '../src/db/schema.ts';
import type { Kysely } from 'kysely';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`reusable queries (${BACKEND})`, () => {
  let t: TestApp;
  const ids: string[] = [];
  before(async () => {
    t = await startTestApp();
    for (const ethnicity of ['kazakh', 'uyghur', 'kyrgyz']) ids.push((await t.api('POST', '/api/v1/persons', { body: personInput({ ethnicity }) })).body.id);
  });
  after(async () => {
    await t.stop();
  });

  // Arguments used out of order, beside constants the query carries itself (the limit).
  const byEthnicityOrId = reusableQuery((db: Kysely<Database>, id: string, ethnicity: string) =>
    db.selectFrom('persons').select(['id', 'ethnicity']).where((eb) => eb.or([eb('ethnicity', '=', ethnicity), eb('id', '=', id)])).orderBy('case_seq').limit(10),
  );

  it('runs the same compiled query with new arguments each time', async () => {
    const db = t.app.ctx.db;
    assert.deepEqual((await byEthnicityOrId(db, ids[0]!, 'kyrgyz')).map((r) => r.ethnicity), ['kazakh', 'kyrgyz']);
    assert.deepEqual((await byEthnicityOrId(db, ids[1]!, 'nobody')).map((r) => r.ethnicity), ['uyghur']);
    assert.deepEqual(await byEthnicityOrId(db, 'no-such-id', 'nobody'), []);
  });

  it('refuses a builder that does not use an argument as a parameter', async () => {
    const unused = reusableQuery((db: Kysely<Database>, _id: string) => db.selectFrom('persons').select('id'));
    await assert.rejects(unused(t.app.ctx.db, 'x'), /not used as a query parameter/);
  });
});
