import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/lib/clock.ts';
import { createDeliveryChannels, type DeliveryChannels } from '../src/notify/channels.ts';
import { runWorkerPass } from '../src/watch/worker.ts';
import { startMailCatcher, type MailCatcher } from './helpers/receivers.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { prepareSessions, session, webClient } from './helpers/web-client.ts';

/** The alert page's notices and dossier, and the watch page's drill button, through real HTTP forms. */
describe(`web pages of the alarm: who was called, the dossier veto, drills (${BACKEND})`, () => {
  let t: TestApp;
  let mail: MailCatcher;
  let channels: DeliveryChannels;
  const clock = new ManualClock('2026-08-01T09:00:00.000Z');
  let personId = '';
  let watchId = '';
  let alertId = '';

  before(async () => {
    mail = await startMailCatcher();
    t = await startTestApp({ clock });
    await prepareSessions(t);
    channels = createDeliveryChannels({ smtpUrl: mail.url, mailFrom: 'alerts@ngo.example', clock });
    personId = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
    await t.addMember(personId, 'coordinator', { caseRole: 'coordinator' });
    await t.addMember(personId, 'viewer', { caseRole: 'viewer' });
    const watch = await t.api('POST', '/api/v1/watches', {
      body: { person_id: personId, interval: 'PT1H', grace: 'PT0S', pin: '271828', duress_pin: '314159', escalation: [{ after: 'PT0S', ack_within: 'PT1H', notify: [{ email: 'sister@family.example' }] }] },
    });
    watchId = watch.body.id;
    const dossier = await t.api('PUT', `/api/v1/watches/${watchId}/dossier`, { body: { statement: 'We call for her release.', records: [personId], recipients: [{ email: 'desk@press.example' }], release_after: 'P1D' } });
    assert.equal(dossier.status, 200, dossier.text);
    clock.advance(3600_000 + 1000);
    await pass();
    alertId = (await t.api('GET', '/api/v1/alerts?state=open')).body.items[0].id;
  });
  after(async () => {
    channels?.close();
    await t?.stop();
    await mail?.close();
  });

  const pass = () => runWorkerPass(t.app.ctx, { channels, baseUrl: t.url, owner: 'web-test' });

  it('shows who was called to members allowed secrets, and only that someone was to a viewer', async () => {
    const web = webClient(t);
    const page = await web.get(`/alerts/${alertId}`, session(t, 'researcher'));
    assert.equal(page.status, 200);
    assert.match(page.html, /id="notices"/);
    assert.match(page.html, /sister@family\.example/);
    assert.match(page.html, /Delivered/);
    assert.match(page.html, /id="dossier"/);
    assert.match(page.html, /Vetoes: 0 of the 2/);
    const viewed = await web.get(`/alerts/${alertId}`, session(t, 'viewer'));
    assert.equal(viewed.status, 200);
    assert.doesNotMatch(viewed.html, /sister@family\.example/, 'a viewer does not see the address');
    assert.match(viewed.html, /Delivered/);
    assert.doesNotMatch(viewed.html, /id="veto"/, 'nor the veto form');
    const russian = await web.get(`/alerts/${alertId}`, session(t, 'researcher'), { 'accept-language': 'ru' });
    assert.match(russian.html, /Кого оповестили/);
  });

  it('takes a coordinator’s veto through the form, refuses an empty one, and a second coordinator’s stops the release', async () => {
    const web = webClient(t);
    const empty = await web.post(`/alerts/${alertId}/dossier/veto`, { reason: '  ' }, session(t, 'researcher'));
    assert.equal(empty.status, 400);
    assert.match(empty.html, /Give a reason for the veto/);
    const hostile = '<script>alert(1)</script>';
    const first = await web.post(`/alerts/${alertId}/dossier/veto`, { reason: hostile }, session(t, 'researcher'));
    assert.equal(first.status, 303);
    assert.equal(first.location, `/alerts/${alertId}?saved=vetoed`);
    const again = await web.post(`/alerts/${alertId}/dossier/veto`, { reason: 'twice' }, session(t, 'researcher'));
    assert.equal(again.status, 409, 'one coordinator counts once');
    const viewer = await web.post(`/alerts/${alertId}/dossier/veto`, { reason: 'no' }, session(t, 'viewer'));
    assert.equal(viewer.status, 403);
    const noToken = await web.request('POST', `/alerts/${alertId}/dossier/veto`, { cookie: session(t, 'coordinator'), form: { reason: 'no csrf' } });
    assert.equal(noToken.status, 403, 'a post without the CSRF token is refused');
    const second = await web.post(`/alerts/${alertId}/dossier/veto`, { reason: 'Contact is back' }, session(t, 'coordinator'));
    assert.equal(second.status, 303);
    const page = await web.get(`/alerts/${alertId}`, session(t, 'researcher'));
    assert.match(page.html, /Stopped by two vetoes/);
    assert.ok(!page.html.includes(hostile), 'escaped');
    clock.advance(2 * 86_400_000);
    await pass();
    assert.equal(mail.mails.filter((item) => item.to.includes('desk@press.example')).length, 0);
    await prepareSessions(t); // two days on, the sessions of before have expired
  });

  it('runs a drill from the watch page for coordinators only', async () => {
    const web = webClient(t);
    const page = await web.get(`/watches/${watchId}`, session(t, 'researcher'));
    assert.match(page.html, /id="drill"/);
    const viewerPage = await web.get(`/watches/${watchId}`, session(t, 'viewer'));
    assert.doesNotMatch(viewerPage.html, /id="drill"/);
    assert.equal((await web.post(`/watches/${watchId}/drill`, {}, session(t, 'viewer'))).status, 403);
    assert.equal((await web.post(`/watches/${watchId}/drill`, {}, session(t, 'admin'))).status, 404, 'a non-member learns nothing');
    assert.equal((await web.post('/watches/not-an-id/drill', {}, session(t, 'researcher'))).status, 404);
    const drill = await web.post(`/watches/${watchId}/drill`, {}, session(t, 'researcher'));
    assert.equal(drill.status, 303);
    const drillPage = await web.get(drill.location!, session(t, 'researcher'));
    assert.equal(drillPage.status, 200);
    assert.match(drillPage.html, /Drill/);
    await pass();
    const [notice] = mail.mails.filter((item) => item.subject.startsWith('[DRILL]'));
    assert.ok(notice, 'the drill reached the real recipient, marked');
  });
});
