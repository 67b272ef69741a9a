import { maskUrlSecrets } from '../src/http/server.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EdtfError, parseEdtf } from '../src/lib/edtf.ts';
import { revealInvisible, textFlags } from '../src/lib/text.ts';
import { diffChanges, expectedVersion } from '../src/records/versioning.ts';
import { VersionRequiredError } from '../src/lib/errors.ts';

describe('EDTF dates', () => {
  const valid: Array<[string, string, string, string | null]> = [
    ['2021', '2021', '2021-01-01', '2021-12-31'],
    ['2021-02', '2021-02', '2021-02-01', '2021-02-28'],
    ['2020-02', '2020-02', '2020-02-01', '2020-02-29'],
    ['2021-02-19', '2021-02-19', '2021-02-19', '2021-02-19'],
    ['2021-02~', '2021-02~', '2021-02-01', '2021-02-28'],
    ['2021-02?', '2021-02?', '2021-02-01', '2021-02-28'],
    ['1970~', '1970~', '1970-01-01', '1970-12-31'],
    ['2021-01/2021-03', '2021-01/2021-03', '2021-01-01', '2021-03-31'],
    ['2019-05/..', '2019-05/..', '2019-05-01', null],
    ['../2019-05', '../2019-05', '2019-05-01', '2019-05-31'],
    [' 2021 ', '2021', '2021-01-01', '2021-12-31'],
  ];
  for (const [input, edtf, earliest, latest] of valid) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseEdtf(input), { edtf, earliest, latest });
    });
  }
  for (const input of ['Y12345', '-0500', 'Y-20000', '', 'abc', '2021-02-30', '2021-13', '21-02-19', '2021/2020', '../..', 'x'.repeat(65), '2021-02-19<script>']) {
    it(`rejects ${JSON.stringify(input.slice(0, 20))}`, () => {
      assert.throws(() => parseEdtf(input), EdtfError);
    });
  }
});

describe('invisible characters', () => {
  it('flags bidi controls and zero-width characters and shows them visibly', () => {
    assert.deepEqual(textFlags('Gulnar'), []);
    assert.deepEqual(textFlags('Gul\u202Enar'), ['bidi_control']);
    assert.deepEqual(textFlags('Gul\u200Bnar'), ['zero_width']);
    assert.deepEqual(textFlags('ئايگۈل'), []);
    assert.equal(revealInvisible('a\u202Eb\u200Dc'), 'a⟨U+202E⟩b⟨U+200D⟩c');
  });
});

describe('versions and changes', () => {
  it('reads the expected version from If-Match or the body', () => {
    assert.equal(expectedVersion('"3"', undefined), 3);
    assert.equal(expectedVersion('W/"4"', 9), 4);
    assert.equal(expectedVersion(undefined, 2), 2);
    assert.throws(() => expectedVersion(undefined, undefined), VersionRequiredError);
    assert.throws(() => expectedVersion('garbage', undefined), VersionRequiredError);
  });

  it('records changed fields and masks secret ones', () => {
    assert.deepEqual(diffChanges({ a: 1, b: 'x', s: 'old' }, { a: 1, b: 'y', s: 'new' }, ['s']), {
      b: { from: 'x', to: 'y' },
      s: { changed: true },
    });
    assert.deepEqual(diffChanges(null, { a: 1, b: null, s: 'secret' }, ['s']), { a: { to: 1 }, s: { changed: true } });
  });
});

describe('log lines keep no link-borne secret', () => {
  it('masks one-time sign-in links and secret query parameters', () => {
    const cases: Array<[string, string]> = [
      ['/setup/vgl_abcDEF123', '/setup/…'],
      ['/setup/vgl_abc?lang=kk', '/setup/…?lang=kk'],
      ['/c/secret-check-in-link', '/c/…'],
      ['/ack/a-notices-acknowledgement-token', '/ack/…'],
      ['/persons?token=abc&lang=en', '/persons?token=…&lang=en'],
      ['/persons/0190/edit', '/persons/0190/edit'],
    ];
    for (const [url, logged] of cases) assert.equal(maskUrlSecrets(url), logged, url);
  });
});
