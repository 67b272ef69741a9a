import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/lib/clock.ts';
import { verifySignature } from '../src/lib/signature.ts';
import { createDeliveryChannels, type DeliveryChannels } from '../src/notify/channels.ts';
import { decideEscalation, MAX_ATTEMPTS, nextTierDue, retryAt } from '../src/notify/escalation.ts';
import { listRevisionsForEntity } from '../src/records/revisions.repository.ts';
import { guardTime, type GuardState } from '../src/watch/clock-guard.ts';
import { runWorkerPass, startWorker } from '../src/watch/worker.ts';
import type { EscalationTier } from '../src/watch/watches.types.ts';
import { startHookCatcher, startMailCatcher, type HookCatcher, type MailCatcher } from './helpers/receivers.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const HOOK_SECRET = 'a-webhook-secret-of-the-partner';

function tier(after: number, ackWithin: number): EscalationTier {
  return { after: `PT${after}S`, after_seconds: after, ack_within: `PT${ackWithin}S`, ack_within_seconds: ackWithin, notify: [{ email: 'x@ngo.example' }] };
}

describe('escalation rules (pure)', () => {
  const plan = [tier(0, 1800), tier(0, 1800), tier(900, 600)];
  const opened = new Date('2026-06-01T10:00:00Z');
  const at = (minutes: number) => new Date(opened.getTime() + minutes * MINUTE);
  const cases: { name: string; state: { notifiedTiers: number; stepDueAt: Date | null }; now: Date; expected: ReturnType<typeof decideEscalation> }[] = [
    { name: 'a fresh alert calls tier 1 at once', state: { notifiedTiers: 0, stepDueAt: opened }, now: opened, expected: { action: 'notify', tier: 1, nextStepAt: at(30).toISOString() } },
    { name: 'tier 2 when it falls due, tier 3 after its own delay', state: { notifiedTiers: 1, stepDueAt: at(30) }, now: at(31), expected: { action: 'notify', tier: 2, nextStepAt: at(31 + 30 + 15).toISOString() } },
    { name: 'the last tier leaves nothing after it', state: { notifiedTiers: 2, stepDueAt: at(76) }, now: at(76), expected: { action: 'notify', tier: 3, nextStepAt: null } },
    { name: 'every tier called: done', state: { notifiedTiers: 3, stepDueAt: at(90) }, now: at(90), expected: { action: 'done' } },
    { name: 'a step that is not due yet waits', state: { notifiedTiers: 1, stepDueAt: at(30) }, now: at(29), expected: { action: 'wait', nextStepAt: at(30).toISOString() } },
  ];
  for (const { name, state, now, expected } of cases) {
    it(name, () => assert.deepEqual(decideEscalation(plan, { openedAt: opened, ...state }, now), expected));
  }
  it('tier 1 with a delay waits for it from the opening', () => {
    assert.deepEqual(decideEscalation([tier(600, 60)], { openedAt: opened, notifiedTiers: 0, stepDueAt: opened }, at(1)), { action: 'wait', nextStepAt: at(10).toISOString() });
  });
  it('counts the next tier from when the tier was actually called', () => {
    assert.equal(nextTierDue(plan, 1, at(45)), at(45 + 30).toISOString());
    assert.equal(nextTierDue(plan, 3, at(45)), null);
  });
  it('backs off between attempts and gives up after the last', () => {
    const now = new Date('2026-06-01T10:00:00Z');
    assert.equal(retryAt(1, now, 0), new Date(now.getTime() + 10_000).toISOString());
    assert.equal(retryAt(2, now, 0.5), new Date(now.getTime() + 30_000 * 1.1).toISOString());
    assert.equal(retryAt(MAX_ATTEMPTS - 1, now, 0), new Date(now.getTime() + 300_000).toISOString());
    assert.equal(retryAt(MAX_ATTEMPTS, now, 0), null);
  });
});

describe('clock-jump guard (pure)', () => {
  const options = { toleranceMs: 60_000, confirmMs: 300_000 };
  it('follows a wall clock that moves with the monotonic one', () => {
    const first = guardTime(null, 1_000_000, 0, options);
    const next = guardTime(first.state, 1_005_000, 5000, options);
    assert.equal(next.nowMs, 1_005_000);
    assert.equal(next.event, null);
  });
  it('holds a jump forward, keeps monotonic time, and accepts it only once it held steady', () => {
    let state: GuardState = guardTime(null, 0, 0, options).state;
    const jumped = guardTime(state, 2 * 86_400_000, 1000, options);
    assert.equal(jumped.event, 'jump-held');
    assert.equal(jumped.nowMs, 1000, 'time goes on by the monotonic clock');
    state = jumped.state;
    const still = guardTime(state, 2 * 86_400_000 + 100_000, 101_000, options);
    assert.equal(still.nowMs, 101_000);
    const accepted = guardTime(still.state, 2 * 86_400_000 + 300_000, 301_000, options);
    assert.equal(accepted.event, 'jump-accepted');
    assert.equal(accepted.nowMs, 2 * 86_400_000 + 300_000);
  });
  it('forgets a jump that is undone', () => {
    const held = guardTime(guardTime(null, 0, 0, options).state, 86_400_000, 1000, options);
    const undone = guardTime(held.state, 2000, 2000, options);
    assert.equal(undone.event, 'jump-undone');
    assert.equal(undone.nowMs, 2000);
  });
});

/** A Vigil with a manual clock, a real SMTP server and webhook listener, real channels to them, and one person. */
async function startAlarmRig(clock: ManualClock) {
  const [mail, hooks] = await Promise.all([startMailCatcher(), startHookCatcher()]);
  const t = await startTestApp({ clock });
  const channels = createDeliveryChannels({ smtpUrl: mail.url, mailFrom: 'alerts@ngo.example', clock });
  const person = await t.api('POST', '/api/v1/persons', { body: personInput() });
  assert.equal(person.status, 201, person.text);
  return {
    t,
    mail,
    hooks,
    channels,
    personId: person.body.id as string,
    caseNumber: person.body.case_number as string,
    /** One worker pass, run by the test itself. */
    pass: () => runWorkerPass(t.app.ctx, { channels, baseUrl: 'https://vigil.ngo.example', owner: 'test-worker' }),
    mailsTo: (address: string) => mail.mails.filter((item) => item.to.includes(address)),
    async stop() {
      channels.close();
      await t.stop();
      await Promise.all([mail.close(), hooks.close()]);
    },
  };
}

describe(`escalation and delivery over real SMTP and HTTP (${BACKEND})`, () => {
  let rig: Awaited<ReturnType<typeof startAlarmRig>>;
  let t: TestApp;
  let mail: MailCatcher;
  let hooks: HookCatcher;
  let channels: DeliveryChannels;
  const clock = new ManualClock('2026-06-01T10:00:00.000Z');
  let personId = '';
  let caseNumber = '';

  before(async () => {
    rig = await startAlarmRig(clock);
    ({ t, mail, hooks, channels, personId, caseNumber } = rig);
  });
  after(async () => {
    await rig?.stop();
  });

  const pass = () => rig.pass();

  /** Three tiers: the sister by mail, the duty officer's webhook half an hour later, the partner 15 min after that. */
  const threeTiers = (prefix: string) => [
    { after: 'PT0S', ack_within: 'PT30M', notify: [{ email: `${prefix}-sister@family.example` }] },
    { after: 'PT0S', ack_within: 'PT30M', notify: [{ webhook: `${hooks.url}/${prefix}`, secret: HOOK_SECRET }] },
    { after: 'PT15M', ack_within: 'PT1H', notify: [{ email: `${prefix}-partner@press.example` }, { email: `${prefix}-desk@press.example` }] },
  ];

  async function overdueWatch(escalation: unknown[], token = t.tokens.researcher): Promise<{ watchId: string; alertId: string }> {
    const created = await t.api('POST', '/api/v1/watches', { token, body: { person_id: personId, interval: 'PT1H', grace: 'PT0S', pin: '271828', duress_pin: '314159', escalation } });
    assert.equal(created.status, 201, created.text);
    clock.advance(HOUR + 1000);
    return { watchId: created.body.id, alertId: '' };
  }

  async function alertOf(watchId: string) {
    const list = await t.api('GET', `/api/v1/alerts?state=open&limit=200`);
    const alert = list.body.items.find((item: { watch_id: string }) => item.watch_id === watchId);
    assert.ok(alert, 'the alert is open');
    return alert as { id: string; tier: number; notified_tiers: number; next_escalation_at: string | null; state: string; drill: boolean };
  }

  const notices = async (alertId: string, token = t.tokens.researcher) => {
    const response = await t.api('GET', `/api/v1/alerts/${alertId}/notifications`, { token });
    assert.equal(response.status, 200, response.text);
    return response.body.items as { tier: number; channel: string; recipient: string | null; state: string; attempts: number; next_attempt_at: string | null; drill: boolean }[];
  };

  const mailsTo = (address: string) => rig.mailsTo(address);
  const hooksAt = (path: string) => hooks.hooks.filter((item) => item.path === path);

  it('calls tier 1 when the deadline passes, the next tiers when no one acknowledges, each recipient exactly once', async () => {
    const { watchId } = await overdueWatch(threeTiers('a'));
    const first = await pass();
    assert.equal(first.missed, 1);
    assert.equal(first.tiers, 1);
    assert.equal(first.sent, 1);
    const [sisterMail] = mailsTo('a-sister@family.example');
    assert.ok(sisterMail, 'the sister’s mail arrived over SMTP');
    assert.equal(sisterMail.from, 'alerts@ngo.example');
    assert.match(sisterMail.subject, new RegExp(`^Vigil alert ${caseNumber}: a check-in was missed$`));
    assert.doesNotMatch(sisterMail.raw, /Жанаргүл|Zhanargul|Zhumatai/, 'no name leaves in a mail');
    assert.match(sisterMail.text, /https:\/\/vigil\.ngo\.example\/ack\/[A-Za-z0-9_-]{43}/);
    const alert = await alertOf(watchId);
    assert.equal(alert.tier, 1);
    assert.equal(alert.next_escalation_at, new Date(clock.now().getTime() + 30 * MINUTE).toISOString());
    assert.equal(sisterMail.messageId, `<${alert.id}.1.0@vigil.invalid>`);

    clock.advance(29 * MINUTE);
    assert.equal((await pass()).tiers, 0, 'tier 1 still has its window');
    assert.equal(hooksAt('/a').length, 0);

    clock.advance(2 * MINUTE);
    const second = await pass();
    assert.equal(second.tiers, 1);
    const [hook] = hooksAt('/a');
    assert.ok(hook, 'the webhook arrived');
    assert.equal(hook.headers['content-type'], 'application/json');
    assert.equal(hook.headers['idempotency-key'], `${alert.id}.2.0`);
    assert.equal(verifySignature(HOOK_SECRET, hook.headers['x-vigil-signature'] as string, hook.body, clock.now()).ok, true, 'signed with the secret, over the raw body');
    const payload = JSON.parse(hook.body);
    assert.equal(payload.id, `${alert.id}.2.0`);
    assert.equal(payload.drill, false);
    assert.deepEqual(
      { kind: payload.alert.kind, case_number: payload.alert.case_number, tier: payload.alert.tier, tiers: payload.alert.tiers, person_id: payload.alert.person_id },
      { kind: 'missed', case_number: caseNumber, tier: 2, tiers: 3, person_id: personId },
    );
    assert.ok(!hook.body.includes(HOOK_SECRET), 'the secret never travels');

    clock.advance(30 * MINUTE + 14 * MINUTE);
    assert.equal((await pass()).tiers, 0, 'tier 3 waits its own 15 minutes after tier 2’s window');
    clock.advance(2 * MINUTE);
    assert.equal((await pass()).tiers, 1);
    assert.equal(mailsTo('a-partner@press.example').length, 1);
    assert.equal(mailsTo('a-desk@press.example').length, 1);

    clock.advance(5 * HOUR);
    const idle = await pass();
    assert.deepEqual(idle, { missed: 0, duress: 0, tiers: 0, dossiers: 0, sent: 0, retrying: 0, failed: 0, logged: 0 }, 'nothing is called twice');
    assert.equal(mailsTo('a-sister@family.example').length, 1);
    assert.equal(hooksAt('/a').length, 1);
    const shown = await notices(alert.id);
    assert.deepEqual(
      shown.map((notice) => [notice.tier, notice.channel, notice.recipient, notice.state]),
      [
        [1, 'email', 'a-sister@family.example', 'sent'],
        [2, 'webhook', `${hooks.url}/a`, 'sent'],
        [3, 'email', 'a-partner@press.example', 'sent'],
        [3, 'email', 'a-desk@press.example', 'sent'],
      ],
    );
    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'alert', alert.id);
    assert.deepEqual(
      revisions.map((revision) => [revision.actor, revision.changes.tier?.to ?? revision.changes.state?.to]),
      [['system:worker', 'open'], ['system:escalation', 1], ['system:escalation', 2], ['system:escalation', 3]],
    );
  });

  it('keeps recipients sealed at rest and from readers without the right to secrets', async () => {
    const { watchId } = await overdueWatch(threeTiers('b'));
    await pass();
    const alert = await alertOf(watchId);
    const rows = await t.app.ctx.db.selectFrom('notifications').selectAll().where('alert_id', '=', alert.id).execute();
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes('b-sister@family.example'), 'the address is not in the row');
    await t.addMember(personId, 'viewer', { caseRole: 'viewer' });
    const viewed = await notices(alert.id, t.tokens.viewer);
    assert.deepEqual(viewed.map((notice) => [notice.recipient, notice.state]), [[null, 'sent']]);
    const outsider = await t.api('GET', `/api/v1/alerts/${alert.id}/notifications`, { token: t.tokens.coordinator });
    assert.equal(outsider.status, 404, 'a non-member learns nothing');
  });

  it('an acknowledgement through the link in the mail stops the next tiers; opening the link alone does not', async () => {
    const { watchId } = await overdueWatch(threeTiers('c'));
    await pass();
    const [sisterMail] = mailsTo('c-sister@family.example');
    const link = /https:\/\/vigil\.ngo\.example(\/ack\/[A-Za-z0-9_-]{43})/.exec(sisterMail!.text)![1]!;
    const opened = await fetch(t.url + link);
    const page = await opened.text();
    assert.equal(opened.status, 200);
    assert.match(page, /I am taking this in hand/);
    assert.ok(page.includes(caseNumber));
    assert.doesNotMatch(page, /<script|Zhanargul/);
    assert.equal((await alertOf(watchId)).state, 'open', 'a mail scanner opening the link acknowledges nothing');

    const crossSite = await fetch(t.url + link, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossSite.status, 403);
    assert.equal((await alertOf(watchId)).state, 'open');

    const acked = await fetch(t.url + link, { method: 'POST' });
    assert.equal(acked.status, 200);
    assert.match(await acked.text(), /acknowledged in your name/);
    const list = await t.api('GET', `/api/v1/alerts?state=acknowledged&limit=200`);
    const alert = list.body.items.find((item: { watch_id: string }) => item.watch_id === watchId);
    assert.match(alert.acknowledged_by, /^recipient:/);
    assert.equal(alert.next_escalation_at, null);
    const again = await fetch(t.url + link, { method: 'POST' });
    assert.match(await again.text(), /already acknowledged/);

    clock.advance(3 * HOUR);
    await pass();
    assert.equal(hooksAt('/c').length, 0, 'tier 2 was never called');
    assert.equal(mailsTo('c-partner@press.example').length, 0);
  });

  it('answers a wrong or hostile acknowledgement link with the same plain 404', async () => {
    for (const token of ['x'.repeat(43), 'short', '%00', '..%2F..%2Fetc', `${'A'.repeat(42)}\u202e`, 'a'.repeat(5000)]) {
      const label = token.slice(0, 50);
      const get = await fetch(`${t.url}/ack/${encodeURIComponent(token)}`);
      // An address too long for the router is refused before it reaches the page.
      if (token.length > 1000) assert.equal(get.status, 414, label);
      else {
        assert.equal(get.status, 404, label);
        assert.match(await get.text(), /This link does not work/);
      }
      const post = await fetch(`${t.url}/ack/${encodeURIComponent(token)}`, { method: 'POST' });
      assert.equal(post.status, token.length > 1000 ? 414 : 404, label);
    }
  });

  it('retries a failing webhook with back-off and the same idempotency key, then delivers', async () => {
    const { watchId } = await overdueWatch([{ after: 'PT0S', ack_within: 'PT1H', notify: [{ webhook: `${hooks.url}/d`, secret: HOOK_SECRET }] }]);
    hooks.status = 503;
    try {
      const first = await pass();
      assert.equal(first.retrying, 1);
      const alert = await alertOf(watchId);
      let [notice] = await notices(alert.id);
      assert.equal(notice!.state, 'pending');
      assert.equal(notice!.attempts, 1);
      const wait = Date.parse(notice!.next_attempt_at!) - clock.now().getTime();
      assert.ok(wait >= 10_000 && wait <= 12_000, `first retry after 10–12 s, not ${wait} ms`);
      assert.equal((await pass()).retrying, 0, 'not before its time');
      clock.advance(wait);
      assert.equal((await pass()).retrying, 1);
      hooks.status = 200;
      clock.advance(60_000);
      assert.equal((await pass()).sent, 1);
      [notice] = await notices(alert.id);
      assert.equal(notice!.state, 'sent');
      assert.equal(notice!.attempts, 3);
      const received = hooksAt('/d');
      assert.equal(received.length, 3);
      assert.equal(new Set(received.map((hook) => hook.headers['idempotency-key'])).size, 1, 'one key on every attempt');
      assert.equal(new Set(received.map((hook) => hook.body)).size, 1, 'the same body');
    } finally {
      hooks.status = 200;
    }
  });

  it('a delivery that fails for good is not counted as sent: the next tier is called at once', async () => {
    const { watchId } = await overdueWatch(threeTiers('e'));
    mail.reject = { code: 550, message: 'No such user' };
    try {
      const result = await pass();
      assert.equal(result.failed, 1, 'a 550 is final');
      // The failure brought tier 2 forward; the next pass calls it, long before tier 1's 30 minutes.
      const next = await pass();
      assert.equal(next.tiers, 1);
      assert.equal(hooksAt('/e').length, 1);
      const alert = await alertOf(watchId);
      const shown = await notices(alert.id);
      assert.deepEqual(shown.map((notice) => [notice.tier, notice.state]), [[1, 'failed'], [2, 'sent']]);
      assert.equal(alert.tier, 2);
    } finally {
      mail.reject = null;
    }
  });

  it('transient failures end as failed for good after the last attempt, and escalate then', async () => {
    const { watchId } = await overdueWatch([
      { after: 'PT0S', ack_within: 'PT2H', notify: [{ webhook: `${hooks.url}/f`, secret: HOOK_SECRET }] },
      { after: 'PT0S', ack_within: 'PT2H', notify: [{ email: 'f-duty@ngo.example' }] },
    ]);
    hooks.status = 500;
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        await pass();
        clock.advance(7 * MINUTE);
      }
      assert.equal(hooksAt('/f').length, MAX_ATTEMPTS);
      await pass();
      const alert = await alertOf(watchId);
      assert.deepEqual((await notices(alert.id)).map((notice) => [notice.tier, notice.state, notice.attempts]), [[1, 'failed', MAX_ATTEMPTS], [2, 'sent', 1]]);
      assert.equal(mailsTo('f-duty@ngo.example').length, 1);
    } finally {
      hooks.status = 200;
    }
  });

  it('resolving an alert drops notices still waiting for a retry', async () => {
    const { watchId } = await overdueWatch([{ after: 'PT0S', ack_within: 'PT1H', notify: [{ webhook: `${hooks.url}/g`, secret: HOOK_SECRET }] }]);
    hooks.status = 503;
    try {
      await pass();
      const alert = await alertOf(watchId);
      const resolved = await t.api('POST', `/api/v1/alerts/${alert.id}/resolve`, { body: { outcome: 'contact_restored' } });
      assert.equal(resolved.status, 200, resolved.text);
      hooks.status = 200;
      clock.advance(HOUR);
      await pass();
      assert.deepEqual((await notices(alert.id)).map((notice) => notice.state), ['cancelled']);
      assert.equal(hooksAt('/g').length, 1, 'only the first, failed attempt');
    } finally {
      hooks.status = 200;
    }
  });

  it('without an SMTP server a mail fails for good and the next tier (a webhook) is called', async () => {
    const { watchId } = await overdueWatch(threeTiers('h'));
    const noMail = createDeliveryChannels({ smtpUrl: undefined, mailFrom: 'alerts@ngo.example', clock });
    const passWithout = () => runWorkerPass(t.app.ctx, { channels: noMail, baseUrl: 'https://vigil.ngo.example', owner: 'no-mail' });
    assert.equal((await passWithout()).failed, 1);
    assert.equal((await passWithout()).tiers, 1);
    assert.equal(hooksAt('/h').length, 1);
    const alert = await alertOf(watchId);
    assert.equal(alert.tier, 2);
  });

  it('a drill goes through the real plan and says DRILL in every notice and record; it cannot end as a detention', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: { person_id: personId, interval: 'P7D', grace: 'PT0S', pin: '271828', duress_pin: '314159', escalation: threeTiers('i').slice(0, 2) } });
    const watchId = created.body.id;
    await t.addMember(personId, 'viewer', { caseRole: 'viewer' });
    assert.equal((await t.api('POST', `/api/v1/watches/${watchId}/drill`, { token: t.tokens.viewer })).status, 403, 'a viewer may not wake people');
    assert.equal((await t.api('POST', `/api/v1/watches/${watchId}/drill`, { token: t.tokens.coordinator })).status, 404, 'nor a non-member');
    assert.equal((await t.api('POST', '/api/v1/watches/01a22566-2c15-770d-9624-01048a0a9716/drill')).status, 404);
    assert.equal((await t.api('POST', '/api/v1/watches/not-a-uuid/drill')).status, 400);
    const drill = await t.api('POST', `/api/v1/watches/${watchId}/drill`);
    assert.equal(drill.status, 201, drill.text);
    assert.equal(drill.body.kind, 'drill');
    assert.equal(drill.body.drill, true);
    await pass();
    const [drillMail] = mailsTo('i-sister@family.example');
    assert.match(drillMail!.subject, /^\[DRILL\] Vigil alert/);
    assert.match(drillMail!.text, /^DRILL: this is a test of the alarm/);
    clock.advance(31 * MINUTE);
    await pass();
    const [hook] = hooksAt('/i');
    assert.equal(JSON.parse(hook!.body).drill, true);
    assert.deepEqual((await notices(drill.body.id)).map((notice) => notice.drill), [true, true]);
    const detained = await t.api('POST', `/api/v1/alerts/${drill.body.id}/resolve`, { body: { outcome: 'detained' } });
    assert.equal(detained.status, 422, 'a drill writes nothing on the timeline');
    const statuses = await t.api('GET', `/api/v1/persons/${personId}/statuses`);
    assert.ok(!statuses.body.items.some((entry: { status: string }) => entry.status === 'detained'));
    assert.equal((await t.api('POST', `/api/v1/alerts/${drill.body.id}/resolve`, { body: { outcome: 'contact_restored' } })).status, 200);
    assert.equal(watchId.length > 0, true);
  });

  it('the worker loop holds deadlines passed by a jump of the clock until the jump held steady', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: { person_id: personId, interval: 'PT1H', grace: 'PT0S', pin: '271828', duress_pin: '314159', escalation: threeTiers('j') } });
    let mono = 0;
    const jumps: string[] = [];
    const worker = startWorker(t.app.ctx, { channels, baseUrl: 'https://vigil.ngo.example', intervalMs: 10, monotonic: () => mono, onClockJump: (event) => jumps.push(event) });
    const openAlerts = async () => (await t.app.ctx.db.selectFrom('alerts').select('id').where('watch_id', '=', created.body.id).execute()).length;
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      clock.advance(2 * 86_400_000); // the wall clock jumps two days; the monotonic clock does not move
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.deepEqual(jumps, ['jump-held']);
      assert.equal(await openAlerts(), 0, 'nothing fires on the jump alone');
      mono += 300_000; // five minutes later, the new time still holds
      for (let i = 0; i < 300 && (await openAlerts()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(jumps, ['jump-held', 'jump-accepted']);
      assert.equal(await openAlerts(), 1);
    } finally {
      await worker.stop();
    }
  });

  it('sends its heartbeat to the monitor while it runs, and stops when it stops', async () => {
    const worker = startWorker(t.app.ctx, { channels, baseUrl: 'https://vigil.ngo.example', intervalMs: 10, heartbeat: { url: `${hooks.url}/heartbeat`, everyMs: 20 } });
    try {
      for (let i = 0; i < 300 && hooksAt('/heartbeat').length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await worker.stop();
    }
    const beats = hooksAt('/heartbeat').length;
    assert.ok(beats >= 3, `${beats} heartbeats`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(hooksAt('/heartbeat').length <= beats + 1, 'a stopped worker goes quiet');
  });
});

describe(`pre-authorised dossier: release after the delay, unless two coordinators veto (${BACKEND})`, () => {
  let rig: Awaited<ReturnType<typeof startAlarmRig>>;
  let t: TestApp;
  let hooks: HookCatcher;
  const clock = new ManualClock('2026-07-01T08:00:00.000Z');
  let personId = '';
  let caseNumber = '';
  let eventId = '';
  const STATEMENT = 'Asemgul has not been heard from since her arrest. We call for her immediate release.';

  before(async () => {
    rig = await startAlarmRig(clock);
    ({ t, hooks, personId, caseNumber } = rig);
    const event = await t.api('POST', '/api/v1/events', { body: { person_id: personId, title: 'Taken from her mother’s home by county police', date: '2026-06-12', place: 'Ghulja' } });
    assert.equal(event.status, 201, event.text);
    eventId = event.body.id;
    // A second coordinator, for the two-person veto; the researcher role is a plain member.
    await t.addMember(personId, 'coordinator', { caseRole: 'coordinator' });
    await t.addMember(personId, 'viewer', { caseRole: 'viewer' });
  });
  after(async () => {
    await rig?.stop();
  });

  const pass = () => rig.pass();
  const mailsTo = (address: string) => rig.mailsTo(address);

  async function watchWithDossier(prefix: string): Promise<string> {
    const created = await t.api('POST', '/api/v1/watches', {
      body: { person_id: personId, interval: 'PT1H', grace: 'PT0S', pin: '271828', duress_pin: '314159', escalation: [{ after: 'PT0S', ack_within: 'PT6H', notify: [{ email: `${prefix}-duty@ngo.example` }] }] },
    });
    assert.equal(created.status, 201, created.text);
    const dossier = await t.api('PUT', `/api/v1/watches/${created.body.id}/dossier`, {
      body: { statement: STATEMENT, records: [personId, eventId], recipients: [{ email: `${prefix}-desk@press.example` }, { webhook: `${hooks.url}/${prefix}`, secret: 'the-partners-webhook-secret' }], release_after: 'PT2H' },
    });
    assert.equal(dossier.status, 200, dossier.text);
    return created.body.id;
  }

  async function openAlertOf(watchId: string): Promise<string> {
    const list = await t.api('GET', '/api/v1/alerts?limit=200');
    const alert = list.body.items.find((item: { watch_id: string }) => item.watch_id === watchId);
    assert.ok(alert);
    return alert.id;
  }

  it('refuses bad dossiers and changes nothing', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: { person_id: personId, interval: 'P1D', grace: 'PT0S', pin: '271828', duress_pin: '314159', escalation: [{ after: 'PT0S', ack_within: 'PT1H', notify: [{ email: 'x@ngo.example' }] }] } });
    const path = `/api/v1/watches/${created.body.id}/dossier`;
    const good = { statement: STATEMENT, records: [personId], recipients: [{ email: 'desk@press.example' }], release_after: 'P2D' };
    const other = await t.api('POST', '/api/v1/persons', { token: t.tokens.coordinator, body: personInput() });
    const cases: [string, unknown, number, string | null][] = [
      ['a duration in months', { ...good, release_after: 'P1M' }, 400, null],
      ['no duration', { ...good, release_after: 'tomorrow' }, 400, null],
      ['an empty statement', { ...good, statement: '   ' }, 400, null],
      ['an oversized statement', { ...good, statement: 'x'.repeat(20_001) }, 400, null],
      ['no recipient', { ...good, recipients: [] }, 400, null],
      ['a webhook to a non-http address', { ...good, recipients: [{ webhook: 'file:///etc/passwd', secret: 'a-secret-long-enough' }] }, 400, null],
      ['an unknown field', { ...good, extra: 1 }, 400, null],
      ['a record of another case', { ...good, records: [other.body.id] }, 422, null],
      ['a record that does not exist', { ...good, records: ['01a22566-2c15-770d-9624-01048a0a9716'] }, 422, null],
      ['a viewer', good, 403, t.tokens.viewer],
      ['a non-member', good, 404, t.tokens.admin],
    ];
    for (const [name, body, status, token] of cases) {
      const response = await t.api('PUT', path, { body, ...(token ? { token } : {}) });
      assert.equal(response.status, status, `${name}: ${response.text}`);
    }
    assert.equal((await t.api('GET', path)).status, 404, 'no dossier was stored');
    assert.equal((await t.api('PUT', path, { body: good })).status, 200);
    assert.equal((await t.api('PUT', path, { body: { ...good, release_after: 'P3D' } })).status, 409, 'a change needs the version');
    const changed = await t.api('PUT', path, { body: { ...good, release_after: 'P3D', version: 1 } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.version, 2);
    const viewed = await t.api('GET', path, { token: t.tokens.viewer });
    assert.equal(viewed.status, 200);
    assert.equal('statement' in viewed.body || 'recipients' in viewed.body, false, 'a viewer does not read the statement or recipients');
    const rows = await t.app.ctx.db.selectFrom('dossiers').selectAll().execute();
    assert.ok(!JSON.stringify(rows).includes('immediate release') && !JSON.stringify(rows).includes('desk@press.example'), 'sealed at rest');
  });

  it('releases the statement and records to the recipients once the delay ran out, through signed, recorded delivery', async () => {
    const watchId = await watchWithDossier('r');
    clock.advance(3600_000 + 1000);
    await pass();
    const alertId = await openAlertOf(watchId);
    const scheduled = await t.api('GET', `/api/v1/alerts/${alertId}/dossier`);
    assert.equal(scheduled.status, 200, scheduled.text);
    assert.equal(scheduled.body.state, 'scheduled');
    assert.equal(scheduled.body.release_at, new Date(Date.parse(clock.now().toISOString()) + 2 * 3600_000).toISOString());
    assert.equal(mailsTo('r-desk@press.example').length, 0);

    clock.advance(2 * 3600_000);
    const released = await pass();
    assert.equal(released.dossiers, 1);
    const [desk] = mailsTo('r-desk@press.example');
    assert.equal(desk!.subject, `Statement on case ${caseNumber}`);
    assert.ok(desk!.text.startsWith(STATEMENT));
    assert.match(desk!.text, /Zhanargul Zhumatai/, 'the pre-authorised records are in it');
    assert.match(desk!.text, /2026-06-12: Taken from her mother’s home by county police/);
    const hook = hooks.hooks.find((item) => item.path === '/r')!;
    assert.equal(verifySignature('the-partners-webhook-secret', hook.headers['x-vigil-signature'] as string, hook.body, clock.now()).ok, true);
    const payload = JSON.parse(hook.body);
    assert.equal(payload.type, 'dossier.release');
    assert.equal(payload.statement, STATEMENT);
    assert.equal((await t.api('GET', `/api/v1/alerts/${alertId}/dossier`)).body.state, 'released');
    const notices = (await t.api('GET', `/api/v1/alerts/${alertId}/notifications`)).body.items as { purpose: string; state: string }[];
    assert.deepEqual(notices.filter((notice) => notice.purpose === 'dossier').map((notice) => notice.state), ['sent', 'sent']);
    clock.advance(6 * 3600_000);
    assert.equal((await pass()).dossiers, 0, 'released once');
    assert.equal(mailsTo('r-desk@press.example').length, 1);
  });

  it('two different coordinators stop it; one alone, or one twice, does not', async () => {
    const watchId = await watchWithDossier('v');
    clock.advance(3600_000 + 1000);
    await pass();
    const alertId = await openAlertOf(watchId);
    const veto = (token: string, reason = 'She called her sister; the arrest was a misunderstanding') => t.api('POST', `/api/v1/alerts/${alertId}/dossier/veto`, { token, body: { reason } });
    assert.equal((await veto(t.tokens.viewer)).status, 403, 'a viewer cannot veto');
    assert.equal((await veto(t.tokens.admin)).status, 404, 'a non-member learns nothing');
    assert.equal((await t.api('POST', `/api/v1/alerts/${alertId}/dossier/veto`, { body: { reason: 'x'.repeat(2001) } })).status, 400);
    assert.equal((await t.api('POST', `/api/v1/alerts/${alertId}/dossier/veto`, { body: {} })).status, 400);
    assert.equal((await t.api('POST', `/api/v1/alerts/${alertId}/dossier/veto`, { body: { reason: '   ' } })).status, 400);
    const first = await veto(t.tokens.researcher);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.state, 'scheduled', 'one veto is not enough');
    assert.equal(first.body.vetoes.length, 1);
    assert.equal((await veto(t.tokens.researcher)).status, 409, 'the same coordinator twice counts once');
    const second = await veto(t.tokens.coordinator);
    assert.equal(second.body.state, 'vetoed');
    assert.equal((await t.api('GET', `/api/v1/alerts/${alertId}/dossier`, { token: t.tokens.viewer })).body.vetoes[0].reason, null, 'reasons are for those allowed secrets');
    clock.advance(3 * 3600_000);
    assert.equal((await pass()).dossiers, 0);
    assert.equal(mailsTo('v-desk@press.example').length, 0);
    assert.equal((await veto(t.tokens.coordinator)).status, 409, 'nothing left to veto');
  });

  it('two vetoes sent at once both count; the dossier cannot be rewritten while a release waits', async () => {
    const watchId = await watchWithDossier('p');
    clock.advance(3600_000 + 1000);
    await pass();
    const alertId = await openAlertOf(watchId);
    const rewrite = await t.api('PUT', `/api/v1/watches/${watchId}/dossier`, { body: { statement: 'Something else', records: [], recipients: [{ email: 'me@elsewhere.example' }], release_after: 'PT1M', version: 1 } });
    assert.equal(rewrite.status, 409, 'one coordinator cannot change what goes out while the others may veto');
    const [first, second] = await Promise.all(
      [t.tokens.researcher, t.tokens.coordinator].map((token) => t.api('POST', `/api/v1/alerts/${alertId}/dossier/veto`, { token, body: { reason: 'She is safe' } })),
    );
    assert.deepEqual([first!.status, second!.status], [200, 200]);
    assert.equal((await t.api('GET', `/api/v1/alerts/${alertId}/dossier`)).body.state, 'vetoed');
    clock.advance(3 * 3600_000);
    assert.equal((await pass()).dossiers, 0);
    assert.equal(mailsTo('p-desk@press.example').length, 0);
  });

  it('a released dossier still goes out when the alert is resolved while a notice waits for its retry', async () => {
    const watchId = await watchWithDossier('q');
    clock.advance(3600_000 + 1000);
    await pass();
    const alertId = await openAlertOf(watchId);
    hooks.status = 503;
    try {
      clock.advance(2 * 3600_000);
      assert.equal((await pass()).dossiers, 1);
      const resolved = await t.api('POST', `/api/v1/alerts/${alertId}/resolve`, { body: { outcome: 'disappeared' } });
      assert.equal(resolved.status, 200, resolved.text);
      hooks.status = 200;
      clock.advance(60_000);
      await pass();
    } finally {
      hooks.status = 200;
    }
    const notices = (await t.api('GET', `/api/v1/alerts/${alertId}/notifications`)).body.items as { purpose: string; channel: string; state: string }[];
    assert.deepEqual(notices.filter((notice) => notice.purpose === 'dossier').map((notice) => [notice.channel, notice.state]), [['email', 'sent'], ['webhook', 'sent']]);
  });

  it('contact restored cancels the release; a drill releases only a DRILL notice', async () => {
    const watchId = await watchWithDossier('c');
    clock.advance(3600_000 + 1000);
    await pass();
    const alertId = await openAlertOf(watchId);
    assert.equal((await t.api('POST', `/api/v1/alerts/${alertId}/resolve`, { body: { outcome: 'contact_restored' } })).status, 200);
    clock.advance(3 * 3600_000);
    await pass();
    assert.equal((await t.api('GET', `/api/v1/alerts/${alertId}/dossier`)).body.state, 'cancelled');
    assert.equal(mailsTo('c-desk@press.example').length, 0);

    const drillWatch = await watchWithDossier('d');
    const drill = await t.api('POST', `/api/v1/watches/${drillWatch}/drill`);
    assert.equal(drill.status, 201, drill.text);
    await pass();
    clock.advance(2 * 3600_000 + 1000);
    await pass();
    const [notice] = mailsTo('d-desk@press.example');
    assert.match(notice!.subject, /^\[DRILL\] Statement on case/);
    assert.ok(!notice!.text.includes(STATEMENT) && !notice!.text.includes('Zhanargul'), 'a drill carries no statement and no record');
  });
});
