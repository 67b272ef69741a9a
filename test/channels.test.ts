import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.ts';
import { createToken } from '../src/auth/tokens.service.ts';
import { readConfig } from '../src/config.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { signPayload, verifySignature, type SignatureProblem } from '../src/lib/signature.ts';
import { listRevisionsForEntity } from '../src/records/revisions.repository.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import { messageTime, normaliseSender, parseInboundText, type InboundGateway } from '../src/watch/inbound.ts';
import { launchBrowser, openContext } from './helpers/browser.ts';
import { vigilInProcess } from './helpers/processes.ts';
import { BACKEND, createProcessStore, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const START = '2026-06-01T10:00:00.000Z';
const PIN = '271828';
const DURESS = '314159';
const HOUR = 3600_000;
const SECRET = 'whsec_test_secret_0123';
const PHONE = '+7 (701) 555-01-23';
const NOTE = 'Her sister called: police at the door of the flat on Abay street';
const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';

describe('webhook signatures (pure)', () => {
  const body = '{"from":"+77015550123","text":"OK 271828"}';
  const t = 1_700_000_000;
  const now = new Date(t * 1000);

  it('signs as DESIGN §6 says: t=UNIX_SECONDS,v1=HMAC-SHA256(secret, t.body) in hex', () => {
    // Computed outside Vigil: printf '1700000000.{…}' | openssl dgst -sha256 -hmac whsec_test_secret_0123
    assert.equal(signPayload(SECRET, body, t), `t=${t},v1=9edbd428b89015bd7405b6584d8888f9624e21465a4ae377644b6335d564c596`);
    assert.equal(signPayload(SECRET, Buffer.from(body), t), signPayload(SECRET, body, t), 'bytes and text sign alike');
    assert.throws(() => signPayload(SECRET, body, 1.5), RangeError);
    assert.throws(() => signPayload(SECRET, body, -1), RangeError);
  });

  it('verifies what it signs, and says why it refuses the rest', () => {
    const good = signPayload(SECRET, body, t);
    const v1 = good.split('v1=')[1]!;
    const cases: Array<[string, string | undefined, string, Date, true | SignatureProblem]> = [
      ['good', good, body, now, true],
      ['good, 300 s late', good, body, new Date((t + 300) * 1000), true],
      ['good, 300 s early', good, body, new Date((t - 300) * 1000), true],
      ['spaces around parts', `t=${t}, v1=${v1}`, body, now, true],
      ['upper-case hex', `t=${t},v1=${v1.toUpperCase()}`, body, now, true],
      ['several v1, one right', `t=${t},v1=${'0'.repeat(64)},v1=${v1}`, body, now, true],
      ['an unknown scheme beside it', `t=${t},v0=abc,v1=${v1}`, body, now, true],
      ['missing', undefined, body, now, 'missing'],
      ['empty', '', body, now, 'missing'],
      ['no t', `v1=${v1}`, body, now, 'malformed'],
      ['no v1', `t=${t}`, body, now, 'malformed'],
      ['two t', `t=${t},t=${t},v1=${v1}`, body, now, 'malformed'],
      ['t not a number', `t=soon,v1=${v1}`, body, now, 'malformed'],
      ['t negative', `t=-${t},v1=${v1}`, body, now, 'malformed'],
      ['v1 too short', `t=${t},v1=${v1.slice(2)}`, body, now, 'malformed'],
      ['v1 not hex', `t=${t},v1=${'z'.repeat(64)}`, body, now, 'malformed'],
      ['garbage', 'Bearer abc', body, now, 'malformed'],
      ['very long', `t=${t},v1=${v1}`.padEnd(5000, ','), body, now, 'malformed'],
      ['stale', good, body, new Date((t + 301) * 1000), 'stale'],
      ['from the future', good, body, new Date((t - 301) * 1000), 'stale'],
      ['another body', good, `${body} `, now, 'mismatch'],
      ['another secret', signPayload('another_secret_0123456', body, t), body, now, 'mismatch'],
      ['t changed after signing', `t=${t + 1},v1=${v1}`, body, now, 'mismatch'],
    ];
    for (const [name, header, signedBody, at, expected] of cases) {
      const check = verifySignature(SECRET, header, signedBody, at);
      assert.deepEqual(check, expected === true ? { ok: true, t: Number(/t=(\d+)/.exec(header!)![1]) } : { ok: false, problem: expected }, name);
    }
  });
});

describe('inbound messages (pure)', () => {
  it('writes a sender one way, whatever way it was typed', () => {
    const cases: Array<[InboundGateway, string, string | null]> = [
      ['sms', '+7 (701) 555-01-23', '77015550123'],
      ['sms', '77015550123', '77015550123'],
      ['sms', '0077015550123', '77015550123'],
      ['sms', ' +7.701.555.01.23 ', '77015550123'],
      ['signal', '+44 7700 900123', '447700900123'],
      ['signal', 'A1B2C3D4-0000-4000-8000-00000000ABCD', 'a1b2c3d4-0000-4000-8000-00000000abcd'],
      ['telegram', '@Aigerim_Kz', '@aigerim_kz'],
      ['telegram', 'aigerim_kz', '@aigerim_kz'],
      ['telegram', '123456789', '123456789'],
      ['telegram', '-100123456789', '-100123456789'],
      ['sms', 'hello', null],
      ['sms', '+7 701', null],
      ['sms', '', null],
      ['sms', '+7701555012\u202E3', null],
      ['sms', '<script>', null],
      ['sms', '1'.repeat(65), null],
      ['signal', '@aigerim_kz', null],
      ['telegram', '@a b', null],
      ['telegram', '@ай', null],
    ];
    for (const [gateway, from, expected] of cases) assert.equal(normaliseSender(gateway, from), expected, `${gateway} ${JSON.stringify(from)}`);
  });

  it('reads OK, SOS and CANCEL with a PIN, in any case; nothing else', () => {
    const cases: Array<[string, { action: string; pin: string } | null]> = [
      ['OK 271828', { action: 'checkin', pin: '271828' }],
      ['ok 271828', { action: 'checkin', pin: '271828' }],
      ['  Ok\t271828 \n', { action: 'checkin', pin: '271828' }],
      ['SOS 271828', { action: 'sos', pin: '271828' }],
      ['sos  27 18 28', { action: 'sos', pin: '27 18 28' }],
      ['Cancel 271828', { action: 'cancel', pin: '271828' }],
      ['CANCEL\n271828', { action: 'cancel', pin: '271828' }],
      ['OK', null],
      ['OK ', null],
      ['OK271828', null],
      ['okay 271828', null],
      ['271828', null],
      ['hello', null],
      ['', null],
      // The Kelvin sign folds to k only under Unicode case folding, which the grammar does not use.
      ['O\u212A 271828', null],
      ['\u202EOK 271828', null],
    ];
    for (const [text, expected] of cases) assert.deepEqual(parseInboundText(text), expected, JSON.stringify(text));
  });

  it('counts a message from when the gateway got it, within now and the watch’s start', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const created = new Date('2026-06-01T10:00:00Z');
    assert.equal(messageTime(undefined, now, created).toISOString(), now.toISOString());
    assert.equal(messageTime(new Date('2026-06-01T11:00:00Z'), now, created).toISOString(), '2026-06-01T11:00:00.000Z');
    assert.equal(messageTime(new Date('2026-06-01T12:00:30Z'), now, created).toISOString(), now.toISOString());
    assert.equal(messageTime(new Date('2026-05-01T00:00:00Z'), now, created).toISOString(), created.toISOString());
  });
});

function watchBody(personId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    person_id: personId,
    interval: 'PT24H',
    grace: 'PT2H',
    pin: PIN,
    duress_pin: DURESS,
    escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }] }],
    ...extra,
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function answerOf(response: Response): Promise<Answer> {
  const headers = Object.fromEntries([...response.headers.entries()].filter(([name]) => name !== 'date'));
  return { status: response.status, headers, body: await response.text() };
}

/** The check-in page's form as a browser posts it. */
async function postPage(t: TestApp, path: string, fields: Record<string, string>): Promise<Answer> {
  return answerOf(await fetch(t.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() }));
}

describe(`check-in channels: SOS, its cancel, and the inbound gateway webhook (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock(START);
  const ids = { person: '', proxy: '', other: '' };

  before(async () => {
    t = await startTestApp({ clock, env: { VIGIL_INBOUND_SECRET: SECRET } });
    ids.person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
    ids.proxy = (await t.api('POST', '/api/v1/persons', { body: personInput({ names: [{ text: 'Gulnar', script: 'Latn', lang: 'en', kind: 'primary' }] }) })).body.id;
    // A case the researcher is no member of.
    ids.other = (await t.api('POST', '/api/v1/persons', { token: t.tokens.coordinator, body: personInput() })).body.id;
    assert.ok(ids.person && ids.proxy && ids.other);
  });
  after(async () => {
    await t?.stop();
  });

  const db = () => t.app.ctx.db;
  let senderCounter = 0;
  /** A fresh watch; `inbound` senders are made unique per watch unless given. */
  const newWatch = async (extra: Record<string, unknown> = {}) => {
    const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { proxies: [ids.proxy], ...extra }) });
    assert.equal(created.status, 201, created.text);
    return { id: created.body.id as string, path: created.body.checkin_url as string, deadline: created.body.next_deadline as string };
  };
  /** A watch with one sender per gateway, numbers of its own. */
  const newWatchWithSenders = async () => {
    const n = String(++senderCounter).padStart(2, '0');
    const senders = { sms: `+7 701 555 00 ${n}`, signal: `+44 7700 9001${n}`, telegram: `@person_${n}` };
    const watch = await newWatch({ inbound: [{ gateway: 'sms', from: senders.sms }, { gateway: 'signal', from: senders.signal }, { gateway: 'telegram', from: senders.telegram }] });
    return { ...watch, senders };
  };
  const alertsOf = (watchId: string) => db().selectFrom('alerts').selectAll().where('watch_id', '=', watchId).orderBy('opened_at').orderBy('id').execute();
  const checkinsOf = (watchId: string) => db().selectFrom('checkins').selectAll().where('watch_id', '=', watchId).orderBy('recorded_at').orderBy('id').execute();
  const watchRow = (watchId: string) => db().selectFrom('watches').selectAll().where('id', '=', watchId).executeTakeFirstOrThrow();
  /** Everything a refused request must leave as it was. */
  const snapshot = async () =>
    JSON.stringify({
      checkins: await db().selectFrom('checkins').select('id').orderBy('id').execute(),
      alerts: await db().selectFrom('alerts').select(['id', 'version', 'state']).orderBy('id').execute(),
      watches: await db().selectFrom('watches').select(['id', 'failed_pins', 'locked_until', 'next_deadline', 'last_contact_at']).orderBy('id').execute(),
      revisions: (await db().selectFrom('revisions').select('id').execute()).length,
      // Every bearer request appends its token's use; that is the only entry a refusal may add.
      audit: (await db().selectFrom('audit_entries').select('seq').where('action', 'not like', 'token.%').execute()).length,
    });

  /** A gateway's post: signed with `secret` at the clock's time unless told otherwise. */
  const inbound = async (gateway: string, message: unknown, options: { secret?: string; t?: number; signature?: string | null; raw?: string; contentType?: string } = {}) => {
    const raw = options.raw ?? JSON.stringify(message);
    const at = options.t ?? Math.floor(clock.now().getTime() / 1000);
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
    const signature = options.signature === undefined ? signPayload(options.secret ?? SECRET, raw, at) : options.signature;
    if (signature !== null) headers['x-vigil-signature'] = signature;
    const response = await fetch(`${t.url}/api/v1/inbound/${gateway}`, { method: 'POST', headers, body: raw });
    const answer = await answerOf(response);
    let json: any = null;
    try {
      json = JSON.parse(answer.body);
    } catch {
      json = null;
    }
    return { ...answer, json };
  };

  describe('SOS on the check-in page', () => {
    it('opens an sos alert at once, without the sweep; the duress PIN answers byte for byte alike and also leaves a duress mark', async () => {
      const a = await newWatch();
      const b = await newWatch();
      clock.advance(60_000);
      const before = (await watchRow(a.id)).next_deadline;
      const real = await postPage(t, a.path, { pin: PIN, action: 'sos' });
      const duress = await postPage(t, b.path, { pin: DURESS, action: 'sos' });
      assert.equal(real.status, 200, real.body);
      assert.deepEqual(duress, real, 'status, headers and body are the same');
      assert.match(real.body, /Thank you\. Saved\./);
      assert.ok(!/sos|alert|help|vigil/i.test(real.body), 'the answer names nothing');
      // Plain check-in answers the same page: nothing tells an onlooker which button was pressed.
      const c = await newWatch();
      assert.deepEqual(await postPage(t, c.path, { pin: PIN }), real);

      for (const watch of [a, b]) {
        const alerts = await alertsOf(watch.id);
        assert.deepEqual(alerts.map((x) => [x.kind, x.state, x.opened_at]), [['sos', 'open', clock.now().toISOString()]], 'open at once');
        const sos = (await checkinsOf(watch.id)).find((x) => x.kind === 'sos')!;
        assert.equal(alerts[0]!.checkin_id, sos.id);
        assert.equal(sos.channel, 'page');
        const revisions = await listRevisionsForEntity(db(), t.app.ctx.cipher, 'alert', alerts[0]!.id);
        assert.equal(revisions[0]!.actor, 'checkin:page');
        assert.deepEqual(revisions[0]!.changes.kind, { to: 'sos' });
        const audit = await db().selectFrom('audit_entries').select('action').where('entity_id', '=', alerts[0]!.id).execute();
        assert.deepEqual(audit.map((x) => x.action), ['alert.create']);
      }
      assert.equal((await watchRow(a.id)).next_deadline, before, 'an SOS is no sign of life: the deadline stays');
      assert.deepEqual((await checkinsOf(a.id)).map((x) => x.kind), ['sos']);
      assert.deepEqual((await checkinsOf(b.id)).map((x) => x.kind), ['sos', 'duress']);
      // The sweep turns the duress mark into a duress alert; the SOS is not opened twice.
      const swept = await runDeadlineSweep(t.app.ctx);
      assert.equal(swept.duress, 1);
      assert.deepEqual((await alertsOf(b.id)).map((x) => x.kind).sort(), ['duress', 'sos']);
      assert.deepEqual((await alertsOf(a.id)).map((x) => x.kind), ['sos']);

      const listed = (await t.api('GET', `/api/v1/alerts?person_id=${ids.person}&state=open`)).body.items.filter((x: { watch_id: string }) => x.watch_id === a.id);
      assert.deepEqual(listed.map((x: { kind: string }) => x.kind), ['sos']);
    });

    it('a second SOS while the first is running is recorded but opens no second alert; the answer stays the same', async () => {
      const watch = await newWatch();
      const first = await postPage(t, watch.path, { pin: PIN, action: 'sos' });
      const second = await postPage(t, watch.path, { pin: PIN, action: 'sos' });
      assert.deepEqual(second, first);
      assert.equal((await alertsOf(watch.id)).length, 1);
      assert.deepEqual((await checkinsOf(watch.id)).map((x) => x.kind), ['sos', 'sos']);
    });

    it('a wrong PIN raises nothing and counts toward the lockout; an odd action is refused and counts nothing', async () => {
      const watch = await newWatch();
      const wrong = await postPage(t, watch.path, { pin: '000000', action: 'sos' });
      assert.equal(wrong.status, 403);
      assert.deepEqual(wrong, await postPage(t, watch.path, { pin: '000000' }), 'the same refusal as a wrong check-in');
      assert.equal((await alertsOf(watch.id)).length, 0);
      assert.equal((await watchRow(watch.id)).failed_pins, 2);
      const state = await snapshot();
      for (const action of ['delete', 'SOS', '', 'sos\u0000']) {
        const odd = await postPage(t, watch.path, { pin: PIN, action });
        assert.equal(odd.status, 400, action);
        assert.ok(!/vigil|<nav/i.test(odd.body));
      }
      const doubled = await answerOf(await fetch(t.url + watch.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `pin=${PIN}&action=sos&action=cancel` }));
      assert.equal(doubled.status, 400);
      assert.equal(await snapshot(), state, 'nothing changed');
    });

    it('the page offers the three buttons in one plain form, no script', async () => {
      const watch = await newWatch();
      const html = await (await fetch(t.url + watch.path)).text();
      assert.match(html, /<button type="submit">Continue<\/button>/);
      assert.match(html, /<button type="submit" name="action" value="sos">Help<\/button>/);
      assert.match(html, /<button type="submit" name="action" value="cancel">Cancel<\/button>/);
      assert.ok(html.indexOf('>Continue<') < html.indexOf('value="sos"'), 'Enter checks in: Continue is the first button');
      assert.ok(!/<script|vigil|sos/i.test(html.replace('value="sos"', '')));
    });
  });

  describe('SOS by the API', () => {
    it('a case worker reports an SOS: 201 with the open alert and its note; again while it runs: 200, the same alert', async () => {
      const watch = await newWatch();
      const raised = await t.api('POST', `/api/v1/watches/${watch.id}/sos`, { body: { note: NOTE, by_person_id: ids.proxy } });
      assert.equal(raised.status, 201, raised.text);
      assert.equal(raised.body.kind, 'sos');
      assert.equal(raised.body.state, 'open');
      assert.equal(raised.body.watch_id, watch.id);
      assert.equal(raised.body.person_id, ids.person);
      assert.equal(raised.body.opened_at, clock.now().toISOString());
      assert.equal(raised.body.note, NOTE);
      assert.equal(raised.headers.get('etag'), '"1"');
      const sos = (await checkinsOf(watch.id))[0]!;
      assert.deepEqual([sos.kind, sos.channel, sos.by_person_id], ['sos', 'api', ids.proxy]);
      assert.ok(sos.note!.startsWith('vs1.'), 'the note is sealed');
      const revisions = await listRevisionsForEntity(db(), t.app.ctx.cipher, 'alert', raised.body.id);
      assert.equal(revisions[0]!.actor, `user:${t.users.researcher.id}`);
      const audit = await db().selectFrom('audit_entries').select(['action', 'actor', 'case_id']).where('entity_id', 'in', [raised.body.id, sos.id]).orderBy('seq').execute();
      assert.deepEqual(audit.map((x) => x.action), ['checkin.create', 'alert.create']);
      assert.ok(audit.every((x) => x.actor === `user:${t.users.researcher.id}` && x.case_id === ids.person));

      const again = await t.api('POST', `/api/v1/watches/${watch.id}/sos`, { body: {} });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.id, raised.body.id);
      assert.equal((await alertsOf(watch.id)).length, 1);
      assert.equal((await checkinsOf(watch.id)).length, 2, 'the second report is kept');
    });

    it('bad input gets a clear error and changes nothing; who may not write gets 403 or 404', async () => {
      const watch = await newWatch();
      const foreign = await t.api('POST', '/api/v1/watches', { token: t.tokens.coordinator, body: watchBody(ids.other) });
      assert.equal(foreign.status, 201, foreign.text);
      const state = await snapshot();
      const cases: Array<[string, { body?: unknown; raw?: string; token?: string | null }, number, RegExp?]> = [
        [watch.id, { body: { note: 'x'.repeat(2001) } }, 400, /note/],
        [watch.id, { body: { note: 'a\u0000b' } }, 400, /note/],
        [watch.id, { body: { by_person_id: 'not-a-uuid' } }, 400, /by_person_id/],
        [watch.id, { body: { by_person_id: ids.other } }, 422, /by_person_id/],
        [watch.id, { body: { note: 'x', kind: 'missed' } }, 400, /kind/],
        [watch.id, { body: [] }, 400],
        [watch.id, { raw: '{"note":' }, 400, /JSON/],
        [watch.id, { body: {}, token: t.tokens.viewer }, 403],
        [watch.id, { body: {}, token: null }, 401],
        [foreign.body.id, { body: {} }, 404],
        [MISSING, { body: {} }, 404],
        ['nope', { body: {} }, 400],
      ];
      for (const [id, request, status, message] of cases) {
        const response = await t.api('POST', `/api/v1/watches/${id}/sos`, request);
        assert.equal(response.status, status, `${JSON.stringify(request)}: ${response.text}`);
        if (message) assert.match(response.body.error.message, message);
      }
      const oversized = await t.api('POST', `/api/v1/watches/${watch.id}/sos`, { raw: JSON.stringify({ note: 'x'.repeat(2 * 1024 * 1024) }) });
      assert.equal(oversized.status, 413);
      assert.equal(await snapshot(), state, 'nothing changed');
    });
  });

  describe('SOS cancel', () => {
    it('with the real PIN: every running SOS alert of the watch is resolved as cancelled, with revision and audit entry, nothing on the timeline', async () => {
      const watch = await newWatch();
      await postPage(t, watch.path, { pin: PIN, action: 'sos' });
      const [alert] = await alertsOf(watch.id);
      // Acknowledged by the duty officer meanwhile: still the person's to call off.
      assert.equal((await t.api('POST', `/api/v1/alerts/${alert!.id}/ack`)).status, 200);
      const timelineBefore = (await t.api('GET', `/api/v1/persons/${ids.person}/statuses`)).body.items.length;
      clock.advance(5 * 60_000);
      const cancelled = await postPage(t, watch.path, { pin: PIN, action: 'cancel' });
      assert.equal(cancelled.status, 200, cancelled.body);
      const shown = await t.api('GET', `/api/v1/alerts/${alert!.id}`);
      assert.equal(shown.body.state, 'resolved');
      assert.equal(shown.body.outcome, 'cancelled');
      assert.equal(shown.body.resolved_by, 'checkin:page');
      assert.equal(shown.body.resolved_at, clock.now().toISOString());
      assert.equal(shown.body.version, 3);
      const revisions = await listRevisionsForEntity(db(), t.app.ctx.cipher, 'alert', alert!.id);
      assert.deepEqual(revisions.at(-1)!.changes.outcome, { from: null, to: 'cancelled' });
      assert.equal(revisions.at(-1)!.actor, 'checkin:page');
      const audit = await db().selectFrom('audit_entries').select('action').where('entity_id', '=', alert!.id).orderBy('seq').execute();
      assert.deepEqual(audit.map((x) => x.action), ['alert.create', 'alert.update', 'alert.update']);
      assert.equal((await t.api('GET', `/api/v1/persons/${ids.person}/statuses`)).body.items.length, timelineBefore, 'no status entry');
      assert.equal((await checkinsOf(watch.id)).filter((x) => x.kind === 'duress').length, 0);
      // Cancelled is the person's word only: a human resolves with what happened.
      const byHuman = await t.api('POST', `/api/v1/alerts/${alert!.id}/resolve`, { body: { outcome: 'cancelled' } });
      assert.equal(byHuman.status, 400);
      // A new SOS after a cancel opens a new alert.
      await postPage(t, watch.path, { pin: PIN, action: 'sos' });
      assert.deepEqual((await alertsOf(watch.id)).map((x) => x.state), ['resolved', 'open']);
    });

    it('with the duress PIN: the very same answer, but the alert stays open, says it was a duress cancel, and a duress alert follows', async () => {
      const real = await newWatch();
      const forced = await newWatch();
      for (const watch of [real, forced]) await t.api('POST', `/api/v1/watches/${watch.id}/sos`, { body: { note: NOTE } });
      clock.advance(60_000);
      const realAnswer = await postPage(t, real.path, { pin: PIN, action: 'cancel' });
      const forcedAnswer = await postPage(t, forced.path, { pin: DURESS, action: 'cancel' });
      assert.equal(realAnswer.status, 200);
      assert.deepEqual(forcedAnswer, realAnswer, 'status, headers and body are the same');

      assert.equal((await alertsOf(real.id))[0]!.state, 'resolved');
      const [sos] = await alertsOf(forced.id);
      assert.equal(sos!.state, 'open', 'the SOS stands');
      const shown = (await t.api('GET', `/api/v1/alerts/${sos!.id}`)).body;
      assert.match(shown.note, /duress PIN/);
      assert.equal(shown.version, 2);
      const revisions = await listRevisionsForEntity(db(), t.app.ctx.cipher, 'alert', sos!.id);
      assert.deepEqual(revisions.at(-1)!.changes.cancel_under_duress, { from: null, to: true });
      assert.deepEqual(revisions.at(-1)!.changes.note!.from, NOTE, 'the reporter’s note stays in the history');
      assert.deepEqual((await checkinsOf(forced.id)).map((x) => x.kind), ['sos', 'duress']);
      assert.equal((await runDeadlineSweep(t.app.ctx)).duress, 1);
      assert.deepEqual((await alertsOf(forced.id)).map((x) => [x.kind, x.state]).sort(), [['duress', 'open'], ['sos', 'open']]);
    });

    it('a cancel with no SOS running answers alike and changes no alert; the duress PIN still leaves its mark', async () => {
      const a = await newWatch();
      const b = await newWatch();
      const realAnswer = await postPage(t, a.path, { pin: PIN, action: 'cancel' });
      assert.deepEqual(await postPage(t, b.path, { pin: DURESS, action: 'cancel' }), realAnswer);
      assert.equal((await alertsOf(a.id)).length, 0);
      assert.deepEqual((await checkinsOf(a.id)).map((x) => x.kind), []);
      assert.deepEqual((await checkinsOf(b.id)).map((x) => x.kind), ['duress']);
    });

    it('a wrong PIN cancels nothing and shares the lockout with the page and the gateways: five tries in all, by any channel', async () => {
      const watch = await newWatchWithSenders();
      await t.api('POST', `/api/v1/watches/${watch.id}/sos`, { body: {} });
      assert.equal((await postPage(t, watch.path, { pin: '000000', action: 'cancel' })).status, 403);
      assert.equal((await postPage(t, watch.path, { pin: '000001', action: 'sos' })).status, 403);
      assert.equal((await postPage(t, watch.path, { pin: '000002' })).status, 403);
      assert.deepEqual((await inbound('sms', { from: watch.senders.sms, text: 'CANCEL 000003' })).json, { reply: 'That did not work.' });
      assert.deepEqual((await inbound('telegram', { from: watch.senders.telegram, text: 'OK 000004' })).json, { reply: 'That did not work.' });
      const row = await watchRow(watch.id);
      assert.equal(row.failed_pins, 5, 'one count on the watch for every channel');
      assert.ok(row.locked_until && row.locked_until > clock.now().toISOString());
      // Locked: the right PIN is refused too, on the page and by message.
      assert.equal((await postPage(t, watch.path, { pin: PIN, action: 'cancel' })).status, 429);
      assert.deepEqual((await inbound('signal', { from: watch.senders.signal, text: `CANCEL ${PIN}` })).json, { reply: 'Too many tries. Wait a while, then try again.' });
      assert.deepEqual((await alertsOf(watch.id)).map((x) => x.state), ['open']);
      clock.advance(61_000);
      assert.deepEqual((await inbound('signal', { from: watch.senders.signal, text: `CANCEL ${PIN}` })).json, { reply: 'Thank you. Saved.' });
      assert.deepEqual((await alertsOf(watch.id)).map((x) => [x.state, x.outcome]), [['resolved', 'cancelled']]);
      assert.equal((await watchRow(watch.id)).failed_pins, 0, 'the right PIN clears the count');
    });
  });

  describe('the inbound gateway webhook', () => {
    it('OK with the PIN checks in from when the gateway got it; the duress PIN gets the very same answer and a duress check-in', async () => {
      const a = await newWatchWithSenders();
      const b = await newWatchWithSenders();
      clock.advance(10 * 60_000);
      const receivedAt = new Date(clock.now().getTime() - 2 * 60_000).toISOString();
      const real = await inbound('sms', { from: a.senders.sms, text: `OK ${PIN}`, received_at: receivedAt });
      const duress = await inbound('sms', { from: b.senders.sms, text: `ok ${DURESS}`, received_at: receivedAt });
      assert.equal(real.status, 200, real.body);
      assert.deepEqual(real.json, { reply: 'Thank you. Saved.' });
      assert.deepEqual(duress, real, 'status, headers and body are the same');
      const [ok] = await checkinsOf(a.id);
      assert.deepEqual([ok!.kind, ok!.channel, ok!.by_person_id, ok!.at], ['ok', 'sms', ids.person, receivedAt]);
      assert.equal((await watchRow(a.id)).last_contact_at, receivedAt);
      assert.deepEqual((await checkinsOf(b.id)).map((x) => [x.kind, x.channel]), [['duress', 'sms']]);
      const revisions = await listRevisionsForEntity(db(), t.app.ctx.cipher, 'checkin', ok!.id);
      assert.equal(revisions[0]!.actor, 'checkin:sms');
      await runDeadlineSweep(t.app.ctx);
      assert.deepEqual((await alertsOf(b.id)).map((x) => x.kind), ['duress']);
      assert.deepEqual((await alertsOf(a.id)).map((x) => x.kind), []);
    });

    it('SOS by Signal opens the alert at once; CANCEL by Telegram with the PIN resolves it, with the duress PIN answers alike and keeps it', async () => {
      const a = await newWatchWithSenders();
      const b = await newWatchWithSenders();
      const raisedA = await inbound('signal', { from: a.senders.signal, text: `SOS ${PIN}` });
      const raisedB = await inbound('signal', { from: b.senders.signal, text: `sos ${DURESS}` });
      assert.deepEqual(raisedA.json, { reply: 'Thank you. Saved.' });
      assert.deepEqual(raisedB, raisedA);
      for (const watch of [a, b]) assert.deepEqual((await alertsOf(watch.id)).map((x) => [x.kind, x.state]), [['sos', 'open']]);
      assert.equal((await checkinsOf(a.id))[0]!.channel, 'signal');
      const cancelA = await inbound('telegram', { from: a.senders.telegram, text: `Cancel ${PIN}` });
      const cancelB = await inbound('telegram', { from: b.senders.telegram.toUpperCase(), text: `CANCEL ${DURESS}` });
      assert.deepEqual(cancelB, cancelA, 'the duress cancel answers as the real one');
      assert.deepEqual((await alertsOf(a.id)).map((x) => [x.state, x.outcome, x.resolved_by]), [['resolved', 'cancelled', 'checkin:telegram']]);
      const [sosB] = await alertsOf(b.id);
      assert.equal(sosB!.state, 'open');
      assert.match((await t.api('GET', `/api/v1/alerts/${sosB!.id}`)).body.note, /duress PIN \(telegram/);
      assert.deepEqual((await checkinsOf(b.id)).map((x) => x.kind), ['sos', 'duress', 'duress'], 'SOS with the duress PIN, then the duress cancel');
    });

    it('finds the sender however the number is written; an unknown sender is refused as a wrong PIN is, and nothing of it is kept', async () => {
      const watch = await newWatch({ inbound: [{ gateway: 'sms', from: PHONE }] });
      const known = await inbound('sms', { from: '0077015550123', text: `OK ${PIN}` });
      assert.deepEqual(known.json, { reply: 'Thank you. Saved.' });
      assert.equal((await checkinsOf(watch.id)).length, 1);
      // The same number under another gateway is another sender.
      const state = await snapshot();
      const unknown = await inbound('signal', { from: PHONE, text: `OK ${PIN}` });
      assert.equal(unknown.status, 200);
      assert.deepEqual(unknown.json, { reply: 'That did not work.' });
      assert.equal(await snapshot(), state, 'an unknown sender changes nothing');
      const wrong = await inbound('sms', { from: PHONE, text: 'OK 000000' });
      assert.deepEqual(wrong, unknown, 'a wrong PIN and an unknown sender get the same answer');
      assert.equal((await watchRow(watch.id)).failed_pins, 1);

      const everything = JSON.stringify({
        senders: await db().selectFrom('watch_inbound_senders').selectAll().execute(),
        revisions: await db().selectFrom('revisions').selectAll().execute(),
        audit: await db().selectFrom('audit_entries').selectAll().execute(),
        checkins: await db().selectFrom('checkins').selectAll().execute(),
        settings: await db().selectFrom('settings').selectAll().execute(),
      });
      for (const secret of ['77015550123', '555-01-23', '7700900', 'person_0', PIN, DURESS, SECRET]) assert.ok(!everything.includes(secret), `the database shows ${secret}`);
      const senders = await db().selectFrom('watch_inbound_senders').selectAll().where('watch_id', '=', watch.id).execute();
      assert.equal(senders.length, 1);
      assert.match(senders[0]!.sender_hash, /^[0-9a-f]{64}$/);
      const setting = await db().selectFrom('settings').select('value').where('name', '=', 'inbound_sender_key').executeTakeFirstOrThrow();
      assert.ok(setting.value.startsWith('vs1.'), 'the hash key is sealed');
      const revision = (await listRevisionsForEntity(db(), t.app.ctx.cipher, 'watch', watch.id))[0]!;
      assert.deepEqual(revision.changes.inbound, { changed: true });
    });

    it('unknown senders are locked out as watches are, so the lock tells nothing either', async () => {
      const stranger = '+1 202 555 0100';
      for (let i = 0; i < 5; i++) assert.deepEqual((await inbound('sms', { from: stranger, text: `OK 00000${i}` })).json, { reply: 'That did not work.' });
      assert.deepEqual((await inbound('sms', { from: stranger, text: `OK ${PIN}` })).json, { reply: 'Too many tries. Wait a while, then try again.' });
    });

    it('hostile text is refused like any wrong message, and stores nothing of itself', async () => {
      const watch = await newWatchWithSenders();
      const hostile = [
        `OK 2718\u000028`,
        `OK \u202E${PIN}`,
        `OK ${PIN}\u200B`,
        `SOS ${'9'.repeat(1990)}`,
        `CANCEL <script>alert(1)</script>`,
      ];
      for (const [index, text] of hostile.entries()) {
        const answer = await inbound('sms', { from: watch.senders.sms, text });
        assert.equal(answer.status, 200, answer.body);
        assert.deepEqual(answer.json, { reply: 'That did not work.' }, JSON.stringify(text).slice(0, 40));
        assert.equal((await watchRow(watch.id)).failed_pins, index + 1, 'counted as a wrong PIN');
      }
      const state = await snapshot();
      const ignored = ['\u0007\u0008', `\u202EOK ${PIN}`, `O\u212A ${PIN}`, 'x'.repeat(2000), `OK${PIN}`, ''];
      for (const text of ignored) {
        assert.deepEqual((await inbound('sms', { from: watch.senders.sms, text })).json, { reply: 'That did not work.' }, JSON.stringify(text).slice(0, 40));
      }
      for (const from of ['<b>+7</b>', '\u202E+77015550001', '+7701555\u00000001', '']) {
        const answer = await inbound('sms', { from, text: `OK ${PIN}` });
        assert.ok(answer.status === 200 || answer.status === 400, answer.body);
        if (answer.status === 200) assert.deepEqual(answer.json, { reply: 'That did not work.' });
      }
      assert.equal(await snapshot(), state, 'messages that are no command look nothing up and count nothing');
      assert.equal((await checkinsOf(watch.id)).length, 0);
      const everything = JSON.stringify(await db().selectFrom('revisions').selectAll().execute());
      assert.ok(!everything.includes('<script>'));
    });

    it('refuses what is not signed with the secret (401), and changes nothing', async () => {
      const watch = await newWatchWithSenders();
      const message = { from: watch.senders.sms, text: `SOS ${PIN}` };
      const raw = JSON.stringify(message);
      const now = Math.floor(clock.now().getTime() / 1000);
      const state = await snapshot();
      const refused = [
        await inbound('sms', message, { signature: null }),
        await inbound('sms', message, { signature: '' }),
        await inbound('sms', message, { signature: 'nonsense' }),
        await inbound('sms', message, { secret: 'not_the_inbound_secret' }),
        await inbound('sms', message, { t: now - 301 }),
        await inbound('sms', message, { t: now + 301 }),
        // Signed for one body, sent with another.
        await inbound('sms', message, { signature: signPayload(SECRET, raw.replace('SOS', 'OK '), now) }),
        // A signature over nothing, for a post with no body.
        await answerOf(await fetch(`${t.url}/api/v1/inbound/sms`, { method: 'POST', headers: { 'x-vigil-signature': `t=${now},v1=${createHmac('sha256', 'x').update('y').digest('hex')}` } })),
      ];
      for (const [index, answer] of refused.entries()) {
        assert.equal(answer.status, 401, `case ${index}: ${answer.body}`);
        assert.equal(JSON.parse(answer.body).error.code, 'unauthenticated');
      }
      assert.match(refused[4]!.body, /stale/);
      assert.equal(await snapshot(), state, 'nothing changed');
      assert.equal((await alertsOf(watch.id)).length, 0);
      // And then the same message, signed, works.
      assert.deepEqual((await inbound('sms', message)).json, { reply: 'Thank you. Saved.' });
      assert.equal((await alertsOf(watch.id)).length, 1);
    });

    it('bad input from a gateway gets a clear error and changes nothing: malformed JSON, wrong fields, oversized, unknown gateway, wrong type', async () => {
      const watch = await newWatchWithSenders();
      const state = await snapshot();
      const future = new Date(clock.now().getTime() + 10 * 60_000).toISOString();
      const cases: Array<[string, { message?: unknown; raw?: string; contentType?: string }, number, RegExp]> = [
        ['sms', { raw: '{"from":' }, 400, /not valid JSON/],
        ['sms', { raw: '' }, 400, /JSON/],
        ['sms', { message: [] }, 400, /body/],
        ['sms', { message: { from: watch.senders.sms } }, 400, /text/],
        ['sms', { message: { text: `OK ${PIN}` } }, 400, /from/],
        ['sms', { message: { from: watch.senders.sms, text: `OK ${PIN}`, pin: PIN } }, 400, /pin/],
        ['sms', { message: { from: watch.senders.sms, text: 42 } }, 400, /text/],
        ['sms', { message: { from: watch.senders.sms, text: `OK ${PIN}`, received_at: 'yesterday' } }, 400, /received_at/],
        ['sms', { message: { from: watch.senders.sms, text: `OK ${PIN}`, received_at: future } }, 400, /future/],
        ['sms', { message: { from: watch.senders.sms, text: `OK ${'1'.repeat(2001)}` } }, 400, /text/],
        ['sms', { message: { from: 'x'.repeat(201), text: `OK ${PIN}` } }, 400, /from/],
        ['sms', { message: { from: watch.senders.sms, text: 'x'.repeat(20_000) } }, 413, /larger/],
        ['sms', { message: { from: watch.senders.sms, text: `OK ${PIN}` }, contentType: 'text/plain' }, 415, /json/],
        ['sms', { message: { from: watch.senders.sms, text: `OK ${PIN}` }, contentType: 'application/x-www-form-urlencoded' }, 415, /json/],
        ['fax', { message: { from: watch.senders.sms, text: `OK ${PIN}` } }, 404, /not found/],
        ['SMS', { message: { from: watch.senders.sms, text: `OK ${PIN}` } }, 404, /not found/],
      ];
      for (const [gateway, request, status, message] of cases) {
        const answer = await inbound(gateway, request.message, { ...(request.raw === undefined ? {} : { raw: request.raw }), ...(request.contentType ? { contentType: request.contentType } : {}) });
        assert.equal(answer.status, status, `${gateway} ${answer.body.slice(0, 200)}`);
        assert.match(answer.json.error.message, message);
      }
      assert.equal(await snapshot(), state, 'nothing changed');
    });

    it('a watch refuses senders that are no address, and gateways it does not know, creating nothing', async () => {
      const state = await snapshot();
      const cases: Array<[unknown, RegExp]> = [
        [[{ gateway: 'sms', from: 'hello' }], /inbound\.0\.from/],
        [[{ gateway: 'sms', from: '+7 701 555 01 23' }, { gateway: 'telegram', from: '@x' }], /inbound\.1\.from/],
        [[{ gateway: 'fax', from: '+77015550123' }], /inbound\.0\.gateway/],
        [[{ gateway: 'sms' }], /inbound\.0\.from/],
        [[{ gateway: 'sms', from: '1'.repeat(65) }], /inbound\.0\.from/],
        [Array.from({ length: 11 }, (_, i) => ({ gateway: 'sms', from: `+770155501${String(i).padStart(2, '0')}` })), /inbound/],
        ['+77015550123', /inbound/],
      ];
      for (const [inboundField, message] of cases) {
        const response = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { inbound: inboundField }) });
        assert.equal(response.status, 400, response.text);
        assert.match(response.body.error.message, message);
      }
      assert.equal(await snapshot(), state);
      // The same sender twice is kept once.
      const twice = await newWatch({ inbound: [{ gateway: 'sms', from: '+7 701 555 77 77' }, { gateway: 'sms', from: '77015557777' }] });
      assert.equal((await db().selectFrom('watch_inbound_senders').select('sender_hash').where('watch_id', '=', twice.id).execute()).length, 1);
    });

    it('a sender on two live watches checks in for the newest', async () => {
      const older = await newWatch({ inbound: [{ gateway: 'telegram', from: '987654321' }] });
      clock.advance(1000);
      const newer = await newWatch({ inbound: [{ gateway: 'telegram', from: '987654321' }] });
      assert.deepEqual((await inbound('telegram', { from: '987654321', text: `OK ${PIN}` })).json, { reply: 'Thank you. Saved.' });
      assert.equal((await checkinsOf(newer.id)).length, 1);
      assert.equal((await checkinsOf(older.id)).length, 0);
    });

    it('is in the OpenAPI document, beside the SOS route', async () => {
      const doc = (await t.api('GET', '/api/v1/openapi.json')).body;
      const inboundPath = doc.paths['/api/v1/inbound/{gateway}'];
      assert.ok(inboundPath?.post, Object.keys(doc.paths).join(' '));
      assert.deepEqual(inboundPath.post.security, []);
      assert.deepEqual(inboundPath.post.parameters.find((p: { name: string }) => p.name === 'gateway').schema.enum, ['sms', 'signal', 'telegram']);
      assert.ok(doc.paths['/api/v1/watches/{id}/sos']?.post);
    });
  });
});

describe(`SOS and its cancel in a real browser with JavaScript off (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t?.stop();
  });

  it('the Help and Cancel buttons work without script; the PIN and the duress PIN show the very same pages', async () => {
    const person = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const watches = [];
    for (let i = 0; i < 2; i++) {
      const created = await t.api('POST', '/api/v1/watches', { body: watchBody(person.body.id) });
      assert.equal(created.status, 201, created.text);
      watches.push(created.body as { id: string; checkin_url: string });
    }
    const browser = await launchBrowser();
    try {
      const shown: string[][] = [];
      for (const [index, pin] of [PIN, DURESS].entries()) {
        const pages: string[] = [];
        const recorded = await openContext(browser, t.url, { javaScriptEnabled: false });
        try {
          for (const button of ['Help', 'Cancel']) {
            await recorded.page.goto(t.url + watches[index]!.checkin_url);
            await recorded.page.fill('input[name="pin"]', pin);
            await Promise.all([recorded.page.waitForNavigation(), recorded.page.getByRole('button', { name: button }).click()]);
            pages.push(await recorded.page.content());
          }
          assert.deepEqual(await recorded.context.cookies(), []);
          assert.ok(recorded.requests.every((url) => url.startsWith(`${t.url}/`)), recorded.requests.join(' '));
          assert.deepEqual(recorded.errors, []);
        } finally {
          await recorded.close();
        }
        shown.push(pages);
      }
      assert.match(shown[0]![0]!, /Thank you\. Saved\./);
      assert.deepEqual(shown[1], shown[0], 'the duress PIN shows the very same pages');
      const states = async (watchId: string) =>
        (await t.app.ctx.db.selectFrom('alerts').select(['kind', 'state', 'outcome']).where('watch_id', '=', watchId).execute()).map((a) => [a.kind, a.state, a.outcome]);
      assert.deepEqual(await states(watches[0]!.id), [['sos', 'resolved', 'cancelled']]);
      assert.deepEqual(await states(watches[1]!.id), [['sos', 'open', null]], 'the duress cancel left the SOS running');
    } finally {
      await browser.close();
    }
  });
});

describe(`the inbound webhook without VIGIL_INBOUND_SECRET (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t?.stop();
  });

  it('does not exist: 404 whatever the signature', async () => {
    const raw = JSON.stringify({ from: '+77015550123', text: `OK ${PIN}` });
    const now = Math.floor(Date.now() / 1000);
    for (const secret of [SECRET, '']) {
      const response = await fetch(`${t.url}/api/v1/inbound/sms`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vigil-signature': signPayload(secret, raw, now) }, body: raw });
      assert.equal(response.status, 404);
      assert.equal((await response.json()).error.code, 'not_found');
    }
  });

  it('a secret too short to be one stops the start with a clear reason', () => {
    assert.throws(() => readConfig({}, { VIGIL_INBOUND_SECRET: 'short' }), /VIGIL_INBOUND_SECRET must be 16 to 200 characters/);
    assert.equal(readConfig({}, { VIGIL_INBOUND_SECRET: SECRET }).inboundSecret, SECRET);
    assert.equal(readConfig({}, {}).inboundSecret, undefined);
  });
});

const BIN = join(import.meta.dirname, '..', 'bin', 'vigil.js');

describe(`vigil checkin (${BACKEND})`, () => {
  let store: Awaited<ReturnType<typeof createProcessStore>>;
  let watchId = '';
  let createdAt = '';

  function vigil(args: string[]) {
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '' }, timeout: 60_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs `check` against the store through a running Vigil, as the test's own researcher. */
  async function withApp<T>(check: (api: (method: string, path: string, body?: unknown) => Promise<any>, app: Awaited<ReturnType<typeof createApp>>) => Promise<T>): Promise<T> {
    const app = await createApp({ ...readConfig({ data: store.dataDir, db: store.dbUrl, port: 0, worker: false }, {}), logger: false });
    try {
      const url = await app.start();
      const { token } = await createToken(app.ctx.db, app.ctx.clock, { role: 'researcher', name: 'cli test' });
      const api = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
        return { status: response.status, body: await response.json() };
      };
      return await check(api, app);
    } finally {
      await app.stop();
    }
  }

  before(async () => {
    store = await createProcessStore('checkin');
    await withApp(async (api) => {
      const person = await api('POST', '/api/v1/persons', personInput());
      const watch = await api('POST', '/api/v1/watches', watchBody(person.body.id));
      assert.equal(watch.status, 201, JSON.stringify(watch.body));
      watchId = watch.body.id;
      createdAt = watch.body.created_at;
    });
  });
  after(async () => {
    await store?.drop();
  });

  it('records the operator’s contact report: the deadline moves, with a revision and an audit entry as the operator', async () => {
    const at = new Date(Date.parse(createdAt) + 1000).toISOString();
    const result = vigil(['checkin', '--watch', watchId, '--at', at, '--channel', 'phone_call', '--note', NOTE, ...store.storeArgs]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, new RegExp(`^recorded phone_call contact at ${at.replace(/\./g, '\\.')} for watch ${watchId}; next deadline \\S+\\n$`));
    await withApp(async (_api, app) => {
      const watch = await app.ctx.db.selectFrom('watches').select(['last_contact_at', 'next_deadline']).where('id', '=', watchId).executeTakeFirstOrThrow();
      assert.equal(watch.last_contact_at, at);
      assert.equal(watch.next_deadline, new Date(Date.parse(at) + 26 * HOUR).toISOString());
      const checkins = await app.ctx.db.selectFrom('checkins').selectAll().where('watch_id', '=', watchId).execute();
      assert.deepEqual(checkins.map((c) => [c.kind, c.channel, c.at]), [['ok', 'phone_call', at]]);
      assert.ok(checkins[0]!.note!.startsWith('vs1.'));
      const revisions = await listRevisionsForEntity(app.ctx.db, app.ctx.cipher, 'checkin', checkins[0]!.id);
      assert.equal(revisions[0]!.actor, 'system:cli');
      assert.deepEqual(revisions[0]!.changes.note, { to: NOTE });
      const audit = await app.ctx.db.selectFrom('audit_entries').select(['actor', 'action']).where('entity_id', '=', checkins[0]!.id).execute();
      assert.deepEqual(audit, [{ actor: 'system:cli', action: 'checkin.create' }]);
    });
  });

  it('fails with one line and a non-zero status on bad input, recording nothing', async () => {
    const count = () => withApp(async (_api, app) => (await app.ctx.db.selectFrom('checkins').select('id').where('watch_id', '=', watchId).execute()).length);
    const before = await count();
    const at = new Date(Date.parse(createdAt) + 2000).toISOString();
    const future = new Date(Date.now() + 3 * HOUR).toISOString();
    const early = new Date(Date.parse(createdAt) - HOUR).toISOString();
    const cases: Array<[string[], RegExp]> = [
      [['checkin', '--at', at, '--channel', 'meeting'], /required option '--watch/],
      [['checkin', '--watch', watchId, '--channel', 'meeting'], /required option '--at/],
      [['checkin', '--watch', watchId, '--at', at], /required option '--channel/],
      [['checkin', '--watch', 'watch-1', '--at', at, '--channel', 'meeting'], /--watch takes a watch id/],
      [['checkin', '--watch', MISSING, '--at', at, '--channel', 'meeting'], /watch not found/],
      [['checkin', '--watch', watchId, '--at', 'yesterday', '--channel', 'meeting'], /at must be a valid date-time/],
      [['checkin', '--watch', watchId, '--at', '2026-06-01', '--channel', 'meeting'], /at must be a valid date-time/],
      [['checkin', '--watch', watchId, '--at', future, '--channel', 'meeting'], /at lies in the future/],
      [['checkin', '--watch', watchId, '--at', early, '--channel', 'meeting'], /before the watch was set up/],
      [['checkin', '--watch', watchId, '--at', at, '--channel', 'fax'], /channel must be one of: phone_call, message, meeting, other/],
      [['checkin', '--watch', watchId, '--at', at, '--channel', 'page'], /channel must be one of/],
      [['checkin', '--watch', watchId, '--at', at, '--channel', 'meeting', '--note', 'bell\u0007'], /note contains characters/],
      [['checkin', '--watch', watchId, '--at', at, '--channel', 'meeting', '--note', 'x'.repeat(2001)], /note must NOT have more than 2000 characters/],
    ];
    // Two through a real process (exit status and all), the rest through the same entry point in
    // this process: a process start costs seconds here.
    for (const [args, message] of cases.slice(0, 2).concat([cases[5]!])) {
      const result = vigil([...args, ...store.storeArgs]);
      assert.notEqual(result.status, 0, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(result.stdout, '');
    }
    for (const [args, message] of cases) {
      const result = await vigilInProcess([...args, ...store.storeArgs]);
      assert.notEqual(result.status, 0, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.deepEqual(result.lines, []);
    }
    assert.equal(await count(), before, 'nothing recorded');
  });
});
