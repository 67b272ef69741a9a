import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { leafHash, verifyInclusion } from '../src/vault/merkle.ts';
import { openNote, parseCheckpoint, parseVerifierKey } from '../src/vault/signed-note.ts';
import { leafData } from '../src/vault/statements.ts';
import en from '../src/web/messages/en.json' with { type: 'json' };
import { CATALOGS, translator, type Language } from '../src/web/i18n.ts';
import { csrfIn } from './helpers/accounts.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { multipartBody, type Part } from './helpers/uploads.ts';
import { csrfFor, prepareSessions, session, textOf, webClient } from './helpers/web-client.ts';

const MAX_BYTES = 256 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const decode = (text: string) => text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The English sentences this feature added, which a translated page must not show. */
function englishLeft(html: string, lang: Language): string[] {
  return Object.entries(en as Record<string, string>)
    .filter(([key, text]) => /^(evidence|custody|derivation)\./.test(key) && text.length >= 15 && !/[{]/.test(text) && CATALOGS[lang][key] !== text)
    .map(([, text]) => escape(text))
    .filter((text) => html.includes(text));
}

describe(`web UI for evidence: upload form, item page, custody and proofs (${BACKEND})`, () => {
  let t: TestApp;
  let web: ReturnType<typeof webClient>;
  let person: { id: string; case_number: string };
  /** A case the researcher is no member of. */
  let stranger: { id: string };

  const count = async (table: 'evidence_items' | 'custody_events' | 'evidence_blobs') =>
    Number((await t.app.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  /** Posts the upload form as a browser sends it: multipart, the CSRF field first, the file last. */
  async function postForm(parts: Part[], cookie = session(t)) {
    const { body, contentType } = multipartBody(parts);
    const response = await fetch(`${t.url}/evidence`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': contentType }, body: new Uint8Array(body) });
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  }

  /** The form's fields before the file, with the token of the form page as `cookie` sees it. */
  async function formFields(fields: Record<string, string> = {}, cookie = session(t), personId = person.id): Promise<Part[]> {
    const page = await web.get(`/evidence/new?person_id=${personId}`, cookie);
    assert.equal(page.status, 200, page.html);
    const values: Record<string, string> = { person_id: personId, description: '', recorded_by: '', recorded_by_asserted_by: '', recorded_at: '', recorded_at_asserted_by: '', place: '', place_asserted_by: '', device: '', device_asserted_by: '', parent_id: '', derivation: '', ...fields };
    return [{ name: '_csrf', value: csrfIn(page.html) }, ...Object.entries(values).map(([name, value]) => ({ name, value }))];
  }

  const file = (data: Buffer, fileName = 'voice.wav', type = 'audio/wav'): Part => ({ name: 'file', fileName, type, data });

  async function upload(fields: Record<string, string> = {}, data = randomBytes(4000), fileName?: string, type?: string): Promise<string> {
    const response = await postForm([...(await formFields(fields)), file(data, fileName, type)]);
    assert.equal(response.status, 303, response.html);
    const match = /^\/evidence\/([0-9a-f-]{36})\?saved=received$/.exec(response.location ?? '');
    assert.ok(match, `redirected to the item: ${response.location}`);
    return match[1]!;
  }

  before(async () => {
    t = await startTestApp({ env: { VIGIL_EVIDENCE_MAX_BYTES: String(MAX_BYTES) } });
    await prepareSessions(t);
    web = webClient(t);
    person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body;
    stranger = (await t.api('POST', '/api/v1/persons', { body: personInput(), token: t.tokens.coordinator })).body;
  });
  after(async () => {
    await t?.stop();
  });

  it('offers "Add evidence" on the person page and a multipart form with the CSRF field first and the file last', async () => {
    const personPage = await web.get(`/persons/${person.id}`);
    assert.equal(personPage.status, 200);
    assert.match(personPage.html, /<section id="evidence" class="panel">/);
    assert.match(personPage.html, /No evidence has been filed for this person/);
    assert.ok(personPage.html.includes(`href="/evidence/new?person_id=${person.id}"`));

    const page = await web.get(`/evidence/new?person_id=${person.id}`);
    assert.equal(page.status, 200);
    const form = page.html.slice(page.html.indexOf('<form method="post" action="/evidence"'), page.html.indexOf('</form>', page.html.indexOf('action="/evidence"')));
    assert.match(form, /enctype="multipart\/form-data"/);
    const names = [...form.matchAll(/\bname="([^"]+)"/g)].map((m) => m[1]!);
    assert.equal(names[0], '_csrf', 'the CSRF token comes first');
    assert.equal(names.at(-1), 'file', 'the file comes last');
    for (const name of ['description', 'recorded_by', 'recorded_by_asserted_by', 'recorded_at', 'place', 'device_asserted_by', 'parent_id', 'derivation']) assert.ok(names.includes(name), name);
    assert.ok(!page.html.includes('<script>') && !/<script(?![^>]*\bsrc=)/.test(page.html), 'no inline script');

    // A viewer is offered nothing and may not open the form; a stranger's person is not found.
    await t.addMember(person.id, 'viewer', { caseRole: 'viewer' });
    const viewerPage = await web.get(`/persons/${person.id}`, session(t, 'viewer'));
    assert.equal(viewerPage.status, 200);
    assert.ok(!viewerPage.html.includes('/evidence/new'));
    assert.equal((await web.get(`/evidence/new?person_id=${person.id}`, session(t, 'viewer'))).status, 403);
    assert.equal((await web.get(`/evidence/new?person_id=${stranger.id}`)).status, 404);
    assert.equal((await web.get('/evidence/new?person_id=nope')).status, 404);
  });

  it('uploads through the form and shows the item: file, SHA-256, capture facts, custody and a proof that checks', async () => {
    const data = randomBytes(50_000);
    const id = await upload(
      { description: 'Voice message from her brother, 19 Feb', recorded_by: 'her brother', recorded_at: '2021-02-19 23:10', recorded_at_asserted_by: 'the file’s metadata', device: 'Android phone' },
      data,
      'brother-19feb.wav',
    );
    const page = await web.get(`/evidence/${id}?saved=received`);
    assert.equal(page.status, 200, page.html);
    assert.match(page.html, /The file was received and stored encrypted/);
    assert.ok(page.html.includes('brother-19feb.wav'));
    assert.ok(page.html.includes(sha256(data)), 'the SHA-256 of the original');
    assert.match(page.html, new RegExp(`<audio controls preload="metadata" src="/evidence/${id}/content">`));
    assert.ok(page.html.includes(`href="/evidence/${id}/content?download=1"`));
    assert.match(textOf(page.html, 'details') ?? '', /the file’s metadata/);
    assert.match(page.html, /<tr data-kind="received">/);
    assert.ok(page.html.includes(`href="/persons/${person.id}"`), 'linked to the person');

    // The proof on the page checks out: leaf input from salt and statement, inclusion to the signed checkpoint.
    const note = decode(/<pre class="proof" dir="ltr" id="checkpoint">([\s\S]*?)<\/pre>/.exec(page.html)![1]!);
    const key = decode(/<pre class="proof" dir="ltr" id="log-key">([\s\S]*?)<\/pre>/.exec(page.html)![1]!).trim();
    assert.equal(key, (await t.api('GET', '/api/v1/log/key')).text.trim());
    const checkpoint = parseCheckpoint(openNote(note, [parseVerifierKey(key)]).text);
    const leaves = [...page.html.matchAll(/<details class="proof-leaf" id="leaf-(\d+)">([\s\S]*?)<\/details>/g)];
    assert.equal(leaves.length, 1, 'one custody event so far');
    const [, index, body] = leaves[0]!;
    const codes = [...body!.matchAll(/<code class="hash">([^<]*)<\/code>/g)].map((m) => m[1]!);
    const [salt, dataB64, ...hashes] = codes;
    const statement = decode(/<pre class="proof">([\s\S]*?)<\/pre>/.exec(body!)![1]!);
    assert.equal(JSON.parse(statement).kind, 'received');
    assert.equal(JSON.parse(statement).sha256, sha256(data));
    assert.equal(leafData(Buffer.from(salt!, 'base64'), statement).toString('base64'), dataB64);
    assert.ok(verifyInclusion(leafHash(Buffer.from(dataB64!, 'base64')), Number(index), checkpoint.size, hashes.map((h) => Buffer.from(h, 'base64')), checkpoint.root));
    assert.match(page.html, /vigil verify FILE/);

    // The person page lists it.
    const personPage = await web.get(`/persons/${person.id}`);
    assert.ok(personPage.html.includes(`<a href="/evidence/${id}"><bdi dir="auto">brother-19feb.wav</bdi></a>`));
    assert.match(textOf(personPage.html, `evidence-${id}`) ?? '', /48\.8 KB/);
    assert.match(personPage.html, /evidence item · <strong>created<\/strong>/, 'its revision is in the case history');
  });

  it('refuses a post without the form’s CSRF token (403) and stores nothing', async () => {
    const before = [await count('evidence_items'), await count('custody_events'), await count('evidence_blobs')];
    const fields = (await formFields()).filter((part) => part.name !== '_csrf');
    const missing = await postForm([...fields, file(randomBytes(2000))]);
    assert.equal(missing.status, 403);
    assert.match(missing.html, /This form is out of date or was not sent from Vigil/);
    const wrong = await postForm([{ name: '_csrf', value: 'x'.repeat(43) }, ...fields, file(randomBytes(2000))]);
    assert.equal(wrong.status, 403);
    // Another user's token is no good either.
    const other = await csrfFor(t, session(t, 'coordinator'));
    assert.equal((await postForm([{ name: '_csrf', value: other.token }, ...fields, file(randomBytes(2000))])).status, 403);
    // A post from another site is refused before the form is read.
    const { body, contentType } = multipartBody([...(await formFields()), file(randomBytes(2000))]);
    const crossSite = await fetch(`${t.url}/evidence`, { method: 'POST', redirect: 'manual', headers: { cookie: session(t), 'content-type': contentType, 'sec-fetch-site': 'cross-site' }, body: new Uint8Array(body) });
    assert.equal(crossSite.status, 403);
    assert.deepEqual([await count('evidence_items'), await count('custody_events'), await count('evidence_blobs')], before);
  });

  it('refuses a viewer (403) and stores nothing', async () => {
    const before = await count('evidence_items');
    const viewer = session(t, 'viewer');
    const { token } = await csrfFor(t, viewer);
    const response = await postForm([{ name: '_csrf', value: token }, { name: 'person_id', value: person.id }, file(randomBytes(2000))], viewer);
    assert.equal(response.status, 403);
    assert.match(response.html, /Your role can read case files but cannot change them/);
    assert.equal(await count('evidence_items'), before);
  });

  it('shows the form again with the error for bad input, keeping what was typed, and stores nothing', async () => {
    const before = [await count('evidence_items'), await count('evidence_blobs')];
    // No file chosen: a browser sends an empty file part.
    const none = await postForm([...(await formFields({ description: 'kept as typed' })), file(Buffer.alloc(0), '', 'application/octet-stream')]);
    assert.equal(none.status, 422);
    assert.match(textOf(none.html, 'f-file-error') ?? '', /No file was chosen, or the file is empty/);
    assert.match(none.html, /<textarea id="f-description"[^>]*>kept as typed<\/textarea>/);
    assert.equal(csrfIn(none.html).length > 0, true, 'the form comes back ready to send again');

    const empty = await postForm([...(await formFields()), file(Buffer.alloc(0), 'empty.ogg', 'audio/ogg')]);
    assert.equal(empty.status, 422);
    assert.match(empty.html, /error-summary/);

    // A body with no file part at all.
    const noPart = await postForm(await formFields());
    assert.equal(noPart.status, 400);
    assert.match(noPart.html, /No file was chosen|Choose a file/);

    const tooLarge = await postForm([...(await formFields()), file(randomBytes(MAX_BYTES + 1))]);
    assert.equal(tooLarge.status, 413);
    assert.match(textOf(tooLarge.html, 'f-file-error') ?? '', /larger than this deployment takes \(256 KB\)/);

    const assertedAlone = await postForm([...(await formFields({ place_asserted_by: 'her cousin' })), file(randomBytes(100))]);
    assert.equal(assertedAlone.status, 400);
    assert.equal(textOf(assertedAlone.html, 'f-place-error'), 'Required.');
    assert.ok(assertedAlone.html.includes('value="her cousin"'));

    const tooLong = await postForm([...(await formFields({ device: 'x'.repeat(501) })), file(randomBytes(100))]);
    assert.equal(tooLong.status, 400);
    assert.match(textOf(tooLong.html, 'f-device-error') ?? '', /500/);

    // An item of this case named as the original of a file for another case.
    const otherCase = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body;
    const foreignParent = await upload({}, randomBytes(300), 'other.png', 'image/png');
    const wrongParent = await postForm([...(await formFields({ parent_id: foreignParent, derivation: 'redacted' }, session(t), otherCase.id)), file(randomBytes(100))]);
    assert.equal(wrongParent.status, 422);
    assert.match(textOf(wrongParent.html, 'f-parent_id-error') ?? '', /Choose an item of this same case/);

    const noDerivation = await postForm([...(await formFields({ parent_id: foreignParent })), file(randomBytes(100))]);
    assert.equal(noDerivation.status, 422);
    assert.match(textOf(noDerivation.html, 'f-derivation-error') ?? '', /Say how this file was made/);

    // Only the one good upload above was stored.
    assert.deepEqual([await count('evidence_items'), await count('evidence_blobs')], [before[0]! + 1, before[1]! + 1]);
  });

  it('serves the content to the page by range, whole and as a download; a non-member gets 404', async () => {
    const data = randomBytes(70_000);
    const id = await upload({}, data, 'photo.png', 'image/png');
    const whole = await fetch(`${t.url}/evidence/${id}/content`, { headers: { cookie: session(t) } });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'image/png');
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.match(whole.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(data));
    const part = await fetch(`${t.url}/evidence/${id}/content`, { headers: { cookie: session(t), range: 'bytes=65530-65600' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 65530-65600/${data.length}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(data.subarray(65530, 65601)));
    const download = await fetch(`${t.url}/evidence/${id}/content?download=1`, { headers: { cookie: session(t) } });
    assert.equal(download.headers.get('content-type'), 'application/octet-stream');
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="photo\.png"/);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(data));
    const page = await web.get(`/evidence/${id}`);
    assert.ok(page.html.includes(`<img src="/evidence/${id}/content" alt="photo.png"/>`));
    assert.match(page.html, /<tr data-kind="accessed">/, 'reading the file is in its trail');

    // Need-to-know: a non-member is told nothing exists, as the API tells them.
    const coordinator = session(t, 'coordinator');
    assert.equal((await fetch(`${t.url}/evidence/${id}/content`, { headers: { cookie: coordinator } })).status, 404);
    assert.equal((await fetch(`${t.url}/evidence/${id}/content`, { headers: { cookie: coordinator, range: 'bytes=0-1' } })).status, 404);
    assert.equal((await web.get(`/evidence/${id}`, coordinator)).status, 404);
    assert.equal((await t.api('GET', `/api/v1/evidence/${id}`, { token: t.tokens.coordinator })).status, 404);
    assert.equal((await web.get('/evidence/00000000-0000-7000-8000-000000000000/content')).status, 404);
    // Signed out: to the sign-in page.
    const signedOut = await fetch(`${t.url}/evidence/${id}/content`, { redirect: 'manual' });
    assert.equal(signedOut.status, 303);
  });

  it('records a transfer and a retraction through the forms; both appear in the trail and the proof', async () => {
    const id = await upload({}, randomBytes(3000), 'screenshot.png', 'image/png');
    const blank = await web.post(`/evidence/${id}/custody`, { to: '  ', note: '' });
    assert.equal(blank.status, 400);
    assert.equal(textOf(blank.html, 'f-transfer-to-error'), 'Required.');

    const transferred = await web.post(`/evidence/${id}/custody`, { to: 'WGEID secretariat', note: 'by encrypted mail' });
    assert.equal(transferred.status, 303, transferred.html);
    assert.equal(transferred.location, `/evidence/${id}?saved=transferred#custody`);
    let page = await web.get(`/evidence/${id}?saved=transferred`);
    assert.match(page.html, /The transfer was recorded/);
    const row = /<tr data-kind="transferred">([\s\S]*?)<\/tr>/.exec(page.html)?.[1] ?? '';
    assert.match(row, /Transferred/);
    assert.match(row, /WGEID secretariat/);
    assert.match(row, /href="#leaf-\d+"/, 'placed in the log');

    const short = await web.post(`/evidence/${id}/retract`, { reason: 'x', version: '1' });
    assert.equal(short.status, 400);
    assert.match(short.html, /<details class="add-form" id="retract" open>/);
    const stale = await web.post(`/evidence/${id}/retract`, { reason: 'Duplicate of an earlier upload', version: '7' });
    assert.equal(stale.status, 409);
    const retracted = await web.post(`/evidence/${id}/retract`, { reason: 'Duplicate of an earlier upload', version: '1' });
    assert.equal(retracted.status, 303, retracted.html);
    page = await web.get(`/evidence/${id}?saved=retracted`);
    assert.match(page.html, /The item was retracted/);
    assert.match(page.html, /Retracted on \d{4}-\d{2}-\d{2}:/);
    assert.match(page.html, /Duplicate of an earlier upload/);
    assert.match(page.html, /<tr data-kind="retracted">/);
    assert.ok(!page.html.includes(`action="/evidence/${id}/custody"`), 'no forms on a retracted item');
    const kinds = [...page.html.matchAll(/<summary>Leaf \d+: ([^<]+)<\/summary>/g)].map((m) => m[1]);
    assert.deepEqual(kinds, ['Received', 'Transferred', 'Retracted']);
    assert.equal((await web.post(`/evidence/${id}/retract`, { reason: 'again and again', version: '2' })).status, 409);
    assert.ok(!(await web.get(`/persons/${person.id}`)).html.includes(`/evidence/${id}"`), 'a retracted item leaves the person page');
  });

  it('escapes what was typed and cleans a hostile file name', async () => {
    const id = await upload({ description: '<script>alert(1)</script><img src=x onerror=alert(2)>', place: '<b>Ghulja</b>' }, randomBytes(500), 'gpj\u202E.exe<script>.png', 'image/png');
    const page = await web.get(`/evidence/${id}`);
    assert.ok(!page.html.includes('<script>alert') && !page.html.includes('<img src=x') && !page.html.includes('<b>Ghulja'));
    assert.ok(!page.html.includes('\u202E'), 'no right-to-left override reaches the page');
    assert.ok(page.html.includes('gpj.exe&lt;script>.png'));
  });

  it('speaks the reader’s language on the item page and the form', async () => {
    const id = await upload({ recorded_by: 'her brother' }, randomBytes(800), 'note.pdf', 'application/pdf');
    for (const lang of ['kk', 'ru', 'ug', 'zh'] as const) {
      const i18n = translator(lang);
      const page = await web.get(`/evidence/${id}?lang=${lang}`);
      assert.equal(page.status, 200);
      assert.ok(page.html.includes(escape(i18n.t('evidence.custody_title'))), lang);
      assert.ok(page.html.includes(escape(i18n.t('evidence.open_pdf'))), lang);
      assert.deepEqual(englishLeft(page.html, lang), [], `${lang}: no English left on the item page`);
      const form = await web.get(`/evidence/new?person_id=${person.id}&lang=${lang}`);
      assert.deepEqual(englishLeft(form.html, lang), [], `${lang}: no English left on the form`);
      if (i18n.dir === 'rtl') assert.ok(!page.html.includes('\u2066'), `${lang}: no English fallback`);
    }
  });

  it('links the proof bundle from the person page: the case coordinator downloads it, a stranger gets 404', async () => {
    const personPage = await web.get(`/persons/${person.id}`);
    assert.ok(personPage.html.includes(`href="/persons/${person.id}/bundle"`));
    const response = await fetch(`${t.url}/persons/${person.id}/bundle`, { headers: { cookie: session(t) } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-tar');
    const tar = Buffer.from(await response.arrayBuffer());
    assert.ok(tar.includes(Buffer.from('HOW-TO-VERIFY.txt')));
    assert.equal((await fetch(`${t.url}/persons/${person.id}/bundle`, { headers: { cookie: session(t, 'coordinator') } })).status, 404);
    assert.equal((await fetch(`${t.url}/persons/${person.id}/bundle`, { redirect: 'manual' })).status, 303);
  });
});
