import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { prepareSessions, session, webClient } from './helpers/web-client.ts';

/** The case's access page, break-glass and its notice, in the web UI over real HTTP. */
describe(`web UI: members, break-glass, audit trail (${BACKEND})`, () => {
  let t: TestApp;
  let web: ReturnType<typeof webClient>;
  let caseId = '';
  let caseNumber = '';
  const emailOf = async (role: 'admin' | 'coordinator' | 'viewer') => (await t.api('GET', `/api/v1/users/${t.users[role].id}`, { token: t.tokens.admin })).body.email as string;

  before(async () => {
    t = await startTestApp();
    await prepareSessions(t);
    web = webClient(t);
    const created = await t.api('POST', '/api/v1/persons', { body: personInput({ national_id: 'KZ-77-SECRET' }) });
    caseId = created.body.id;
    caseNumber = created.body.case_number;
  });
  after(async () => {
    await t?.stop();
  });

  it('a coordinator adds and removes members by email; the audit trail shows it, without values', async () => {
    const page = await web.get(`/persons/${caseId}/access`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Audit trail/);
    const unknown = await web.post(`/persons/${caseId}/access`, { email: 'nobody@example.org', role: 'viewer' });
    assert.equal(unknown.status, 422);
    assert.match(unknown.html, /nobody@example\.org/, 'what was typed comes back');
    const hostile = await web.post(`/persons/${caseId}/access`, { email: '<script>alert(1)</script>', role: 'viewer' });
    assert.equal(hostile.status, 422);
    assert.ok(!hostile.html.includes('<script>alert(1)</script>'), 'typed text is escaped');
    const badRole = await web.post(`/persons/${caseId}/access`, { email: await emailOf('viewer'), role: 'owner' });
    assert.equal(badRole.status, 400);
    const added = await web.post(`/persons/${caseId}/access`, { email: await emailOf('viewer'), role: 'viewer' });
    assert.equal(added.status, 303, added.html.slice(0, 300));
    assert.equal((await web.get(`/persons/${caseId}`, session(t, 'viewer'))).status, 200, 'the new member reads the case');
    const viewerPage = await web.get(`/persons/${caseId}`, session(t, 'viewer'));
    assert.ok(!viewerPage.html.includes('KZ-77-SECRET'), 'a viewer never sees secret fields');
    const asViewer = await web.get(`/persons/${caseId}/access`, session(t, 'viewer'));
    assert.equal(asViewer.status, 200);
    assert.ok(!asViewer.html.includes('Audit trail') && !asViewer.html.includes('action="/persons/'), 'viewers see members, not the trail or the forms');
    const viewerPost = await web.post(`/persons/${caseId}/access`, { email: await emailOf('coordinator'), role: 'coordinator' }, session(t, 'viewer'));
    assert.equal(viewerPost.status, 403);
    const removed = await web.post(`/persons/${caseId}/access/remove`, { user_id: t.users.viewer.id });
    assert.equal(removed.status, 303);
    assert.equal((await web.get(`/persons/${caseId}`, session(t, 'viewer'))).status, 404, 'a removed member no longer sees the case');
    assert.match((await web.get(`/persons/${caseId}`)).html, /KZ-77-SECRET/, 'the coordinator sees the secret field');
    const trail = await web.get(`/persons/${caseId}/access`);
    assert.match(trail.html, /member\.add/);
    assert.match(trail.html, /member\.remove/);
    assert.match(trail.html, /person\.read_secret/);
    assert.ok(!trail.html.includes('KZ-77-SECRET'));
  });

  it('a post without the CSRF token changes no membership', async () => {
    const response = await web.request('POST', `/persons/${caseId}/access`, { cookie: session(t), form: { email: await emailOf('coordinator'), role: 'coordinator' } });
    assert.equal(response.status, 403);
    const members = await t.api('GET', `/api/v1/persons/${caseId}/members`);
    assert.ok(!members.body.items.some((m: { user_id: string }) => m.user_id === t.users.coordinator.id));
  });

  it('an admin breaks the glass with a reason; the coordinator sees a notice on the dashboard', async () => {
    const admin = session(t, 'admin');
    assert.equal((await web.get(`/persons/${caseId}`, admin)).status, 404, 'admins are not members');
    const form = await web.get('/break-glass', admin);
    assert.equal(form.status, 200);
    const short = await web.post('/break-glass', { case_number: caseNumber, reason: 'because' }, admin);
    assert.equal(short.status, 400);
    const noCase = await web.post('/break-glass', { case_number: 'VG-999999', reason: 'Contact lost with the family' }, admin);
    assert.equal(noCase.status, 422);
    const opened = await web.post('/break-glass', { case_number: caseNumber, reason: 'Contact lost; coordinator unreachable' }, admin);
    assert.equal(opened.status, 303);
    assert.equal(opened.location, `/persons/${caseId}`);
    const page = await web.get(`/persons/${caseId}`, admin);
    assert.equal(page.status, 200);
    assert.match(page.html, /break-glass/);
    assert.ok(!page.html.includes(`href="/persons/${caseId}/edit"`), 'break-glass reads, it does not edit');
    const dashboard = await web.get('/persons');
    assert.match(dashboard.html, /coordinator unreachable/);
    assert.equal((await web.post('/notices/read', {})).status, 303);
    assert.ok(!(await web.get('/persons')).html.includes('coordinator unreachable'), 'read notices leave the dashboard');
  });

  it('the API never takes the session cookie, however its address is spelled; only admins break the glass', async () => {
    for (const path of ['/api/v1/users/me', '/%61pi/v1/users/me', '/api/v1/persons']) {
      const response = await web.get(path, session(t));
      assert.equal(response.status, 401, path);
    }
    const asCoordinator = await web.post('/break-glass', { case_number: 'VG-999999', reason: 'Checking which cases exist' }, session(t, 'coordinator'));
    assert.equal(asCoordinator.status, 403);
    const existing = await web.post('/break-glass', { case_number: caseNumber, reason: 'Checking which cases exist' }, session(t, 'coordinator'));
    assert.equal(existing.status, 403, 'the same answer for a case that exists');
  });

  it('warns admins, and only admins, while the deployment key sits beside the data', async () => {
    assert.match((await web.get('/persons', session(t, 'admin'))).html, /deployment key is stored in the data directory/);
    assert.ok(!(await web.get('/persons')).html.includes('deployment key is stored in the data directory'));
  });
});
