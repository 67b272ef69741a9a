import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`API access, errors and hostile input (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const countPersons = async () => (await t.api('GET', '/api/v1/persons?limit=200&include_retracted=true')).body.items.length;

  it('answers liveness without a token', async () => {
    const res = await t.api('GET', '/healthz', { token: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true });
  });

  it('needs a valid bearer token: 401 without, with a forged or malformed one', async () => {
    for (const token of [null, 'vgl_forged0000000000000000000000000000000000', 'not-a-token', 'x'.repeat(5000)]) {
      const res = await t.api('GET', '/api/v1/persons', { token });
      assert.equal(res.status, 401, String(token).slice(0, 20));
      assert.equal(res.body.error.code, 'unauthenticated');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
  });

  it('lets viewers read but not write (403), and every other role write', async () => {
    const res = await t.api('POST', '/api/v1/persons', { body: personInput(), token: t.tokens.viewer });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    assert.equal((await t.api('GET', '/api/v1/persons', { token: t.tokens.viewer })).status, 200);
    for (const role of ['admin', 'coordinator', 'researcher'] as const) {
      assert.equal((await t.api('POST', '/api/v1/persons', { body: personInput(), token: t.tokens[role] })).status, 201, role);
    }
  });

  it('records who made each change', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput(), token: t.tokens.coordinator });
    const history = await t.api('GET', `/api/v1/persons/${person.id}/history`, { token: t.tokens.coordinator });
    const me = await t.api('GET', '/api/v1/users/me', { token: t.tokens.coordinator });
    assert.equal(history.body.items[0].actor, `user:${me.body.id}`, 'the user the token belongs to');
  });

  it('gives malformed JSON, an empty body and a wrong content type a clear error and writes nothing', async () => {
    const before = await countPersons();
    const malformed = await t.api('POST', '/api/v1/persons', { raw: '{"names": [' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'invalid_json');
    const empty = await t.api('POST', '/api/v1/persons', { raw: '' });
    assert.equal(empty.status, 400);
    const wrongType = await t.api('POST', '/api/v1/persons', { raw: 'names=x', headers: { 'content-type': 'text/plain' } });
    assert.equal(wrongType.status, 415);
    const array = await t.api('POST', '/api/v1/persons', { body: [personInput()] });
    assert.equal(array.status, 400);
    const proto = await t.api('POST', '/api/v1/persons', { raw: '{"names":[{"text":"a","script":"Latn"}],"__proto__":{"published":true}}' });
    assert.equal(proto.status, 400);
    assert.equal(await countPersons(), before);
  });

  it('refuses an oversized body with 413', async () => {
    const before = await countPersons();
    const res = await t.api('POST', '/api/v1/persons', { body: personInput({ notes: 'x'.repeat(2 * 1024 * 1024) }) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'too_large');
    assert.equal(await countPersons(), before);
  });

  it('refuses wrong types, unknown fields, unknown codes and control characters, naming each field', async () => {
    const before = await countPersons();
    const cases: Array<[Record<string, unknown>, string]> = [
      [personInput({ names: [] }), 'names'],
      [personInput({ names: 'Ayša' }), 'names'],
      [personInput({ names: [{ text: 'A', script: 'Klingon' }] }), 'names.0.script'],
      [personInput({ names: [{ text: 'A', script: 'Latn', lang: 'not a language' }] }), 'names.0.lang'],
      [personInput({ names: [{ text: 'A\u0000B', script: 'Latn' }] }), 'names.0.text'],
      [personInput({ names: [{ text: 'x'.repeat(301), script: 'Latn' }] }), 'names.0.text'],
      [personInput({ verification: '3' }), 'verification'],
      [personInput({ verification: 5 }), 'verification'],
      [personInput({ published: 'yes' }), 'published'],
      [personInput({ birth: 'last spring' }), 'birth'],
      [personInput({ citizenships: ['china'] }), 'citizenships.0'],
      [personInput({ role: 'admin' }), 'role'],
      [personInput({ consent: { publicity: 'everyone' } }), 'consent.publicity'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api('POST', '/api/v1/persons', { body });
      assert.equal(res.status, 400, field);
      assert.ok(res.body.error.fields?.[field], `${field} in ${JSON.stringify(res.body.error.fields)}`);
    }
    assert.equal(await countPersons(), before);
  });

  it('stores HTML and script as plain text, returned verbatim as JSON', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const res = await t.api('POST', '/api/v1/persons', {
      body: personInput({ names: [{ text: hostile, script: 'Latn' }], occupation: hostile }),
    });
    assert.equal(res.status, 201);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(res.body.names[0].text, hostile);
    assert.equal(res.body.occupation, hostile);
  });

  it('refuses a duplicate_of that names no person (422), and names the field', async () => {
    const res = await t.api('POST', '/api/v1/persons', { body: personInput({ duplicate_of: '01a22566-2c15-770d-9624-01048a0a9716' }) });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.fields.duplicate_of);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.api('GET', '/api/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });

  it('publishes an OpenAPI 3 document made from the request schemas', async () => {
    const res = await t.api('GET', '/api/v1/openapi.json', { token: null });
    assert.equal(res.status, 200);
    assert.match(res.body.openapi, /^3\./);
    const create = res.body.paths['/api/v1/persons'].post;
    const schema = create.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required, ['names']);
    assert.equal(schema.additionalProperties, false);
    assert.ok(res.body.paths['/api/v1/persons/{id}/statuses'].post);
    assert.ok(res.body.paths['/api/v1/persons/{id}/history'].get);
  });

  it('sends security headers on every response', async () => {
    const res = await t.api('GET', '/healthz', { token: null });
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  });
});
