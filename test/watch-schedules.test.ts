import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { listRevisionsForEntity } from '../src/records/revisions.repository.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import {
  localInstants,
  nextFixedTime,
  outsideRest,
  scheduleDeadline,
  scheduleFields,
  timeZoneName,
  wallClock,
  type Schedule,
  type Travel,
} from '../src/watch/schedule.ts';
import type { RestPeriod } from '../src/watch/watches.types.ts';
import { BACKEND, createProcessStore, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const at = (text: string) => new Date(text);

describe('watch schedules (pure)', () => {
  it('knows IANA zones through Intl, keeps their spelling, corrects their case, refuses the rest', () => {
    const cases: Array<[string, string | null]> = [
      ['Asia/Almaty', 'Asia/Almaty'],
      ['asia/almaty', 'Asia/Almaty'],
      ['Asia/Urumqi', 'Asia/Urumqi'],
      ['Europe/Berlin', 'Europe/Berlin'],
      ['America/New_York', 'America/New_York'],
      ['Europe/Kyiv', 'Europe/Kyiv'],
      ['UTC', 'UTC'],
      ['utc', 'UTC'],
      ['Mars/Olympus_Mons', null],
      ['', null],
      ['+05:00', null],
      ['Asia/Almaty; drop table watches', null],
      ['../../etc/passwd', null],
      ['A'.repeat(65), null],
    ];
    for (const [text, expected] of cases) assert.equal(timeZoneName(text), expected, text);
  });

  it('maps local times to instants: a skipped time to the jump, a repeated one to both (earlier first)', () => {
    const cases: Array<[string, string, number, string[]]> = [
      // zone, local date, local time (seconds), instants
      ['Asia/Almaty', '2026-06-01', 9 * 3600, ['2026-06-01T04:00:00.000Z']],
      ['Asia/Urumqi', '2026-06-01', 9 * 3600, ['2026-06-01T03:00:00.000Z']],
      ['UTC', '2026-06-01', 9 * 3600, ['2026-06-01T09:00:00.000Z']],
      // Berlin springs forward at 02:00 CET on 29 March 2026: 02:30 does not exist.
      ['Europe/Berlin', '2026-03-29', 2.5 * 3600, ['2026-03-29T01:00:00.000Z']],
      ['Europe/Berlin', '2026-03-29', 1.5 * 3600, ['2026-03-29T00:30:00.000Z']],
      ['Europe/Berlin', '2026-03-29', 3 * 3600, ['2026-03-29T01:00:00.000Z']],
      // … and falls back at 03:00 CEST on 25 October 2026: 02:30 happens twice.
      ['Europe/Berlin', '2026-10-25', 2.5 * 3600, ['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']],
      ['Europe/Berlin', '2026-10-25', 3 * 3600, ['2026-10-25T02:00:00.000Z']],
      ['America/New_York', '2026-03-08', 2.5 * 3600, ['2026-03-08T07:00:00.000Z']],
      ['America/New_York', '2026-11-01', 1.5 * 3600, ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']],
      // Almaty moved from UTC+6 to UTC+5 at midnight on 1 March 2024: the last hour of 29 February repeats.
      ['Asia/Almaty', '2024-02-29', 23.5 * 3600, ['2024-02-29T17:30:00.000Z', '2024-02-29T18:30:00.000Z']],
      ['Asia/Almaty', '2024-02-28', 9 * 3600, ['2024-02-28T03:00:00.000Z']],
      ['Asia/Almaty', '2024-03-01', 9 * 3600, ['2024-03-01T04:00:00.000Z']],
    ];
    for (const [zone, date, seconds, expected] of cases) {
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      assert.deepEqual(iso(localInstants({ year, month, day }, seconds, zone)), expected, `${zone} ${date} ${seconds / 3600}h`);
    }
    assert.deepEqual(wallClock(at('2026-10-25T01:30:00.000Z'), 'Europe/Berlin'), { year: 2026, month: 10, day: 25, seconds: 2.5 * 3600 });
  });

  it('finds the next fixed time; a check-in up to an hour early counts for it, a start does not', () => {
    const cases: Array<[string, string[], string, boolean, string]> = [
      // zone, times, after, early (a check-in), next fixed time
      ['Asia/Almaty', ['09:00', '21:00'], '2026-06-01T02:50:00.000Z', true, '2026-06-01T04:00:00.000Z'], // 07:50: 09:00 is 70 min ahead
      ['Asia/Almaty', ['09:00', '21:00'], '2026-06-01T03:50:00.000Z', true, '2026-06-01T16:00:00.000Z'], // 08:50 counts for 09:00
      ['Asia/Almaty', ['09:00', '21:00'], '2026-06-01T03:50:00.000Z', false, '2026-06-01T04:00:00.000Z'], // creation at 08:50
      ['Asia/Almaty', ['09:00', '21:00'], '2026-06-01T04:00:00.000Z', true, '2026-06-01T16:00:00.000Z'], // at 09:00 sharp
      ['Asia/Almaty', ['09:00', '21:00'], '2026-06-01T04:20:00.000Z', true, '2026-06-01T16:00:00.000Z'], // late, in grace
      ['Asia/Almaty', ['09:00', '21:00'], '2026-06-01T16:30:00.000Z', true, '2026-06-02T04:00:00.000Z'], // 21:30: tomorrow's 09:00
      ['Asia/Almaty', ['21:00', '09:00'], '2026-06-01T16:30:00.000Z', false, '2026-06-02T04:00:00.000Z'],
      ['Asia/Urumqi', ['09:00'], '2026-06-01T02:00:00.000Z', true, '2026-06-02T03:00:00.000Z'], // 08:00 is exactly an hour early
      ['Asia/Urumqi', ['09:00'], '2026-06-01T01:59:00.000Z', true, '2026-06-01T03:00:00.000Z'],
      // The early window is at most half the gap to the time before: 15 minutes for 09:30 after 09:00.
      ['UTC', ['09:00', '09:30'], '2026-06-01T09:14:00.000Z', true, '2026-06-01T09:30:00.000Z'],
      ['UTC', ['09:00', '09:30'], '2026-06-01T09:15:00.000Z', true, '2026-06-02T09:00:00.000Z'],
      ['UTC', ['00:00'], '2026-06-01T23:30:00.000Z', true, '2026-06-03T00:00:00.000Z'],
      // Berlin, spring: a 23-hour day; 02:30 is at the jump; 09:00 CEST is 07:00Z.
      ['Europe/Berlin', ['09:00'], '2026-03-28T09:00:00.000Z', false, '2026-03-29T07:00:00.000Z'],
      ['Europe/Berlin', ['02:30', '12:00'], '2026-03-28T23:00:00.000Z', false, '2026-03-29T01:00:00.000Z'],
      ['Europe/Berlin', ['02:30', '12:00'], '2026-03-29T01:00:00.000Z', false, '2026-03-29T10:00:00.000Z'],
      // Berlin, autumn: a 25-hour day; 02:30 counts once, at its earlier instant.
      ['Europe/Berlin', ['09:00'], '2026-10-24T08:00:00.000Z', false, '2026-10-25T08:00:00.000Z'],
      ['Europe/Berlin', ['02:30'], '2026-10-24T23:00:00.000Z', false, '2026-10-25T00:30:00.000Z'],
      ['Europe/Berlin', ['02:30'], '2026-10-25T00:30:00.000Z', false, '2026-10-26T01:30:00.000Z'],
      ['Europe/Berlin', ['02:30'], '2026-10-25T01:00:00.000Z', false, '2026-10-26T01:30:00.000Z'],
      // New York: 21:00 EST on 7 March, then 09:00 EDT on 8 March.
      ['America/New_York', ['09:00', '21:00'], '2026-03-07T14:30:00.000Z', false, '2026-03-08T02:00:00.000Z'],
      ['America/New_York', ['09:00', '21:00'], '2026-03-08T02:30:00.000Z', false, '2026-03-08T13:00:00.000Z'],
      ['America/New_York', ['02:30'], '2026-03-08T05:00:00.000Z', false, '2026-03-08T07:00:00.000Z'],
      ['America/New_York', ['01:30'], '2026-11-01T04:00:00.000Z', false, '2026-11-01T05:30:00.000Z'],
      // Almaty's own change: 09:00 was 03:00Z on 29 February 2024, and 04:00Z from 1 March.
      ['Asia/Almaty', ['09:00'], '2024-02-29T04:00:00.000Z', false, '2024-03-01T04:00:00.000Z'],
    ];
    for (const [zone, times, after, early, expected] of cases) {
      assert.equal(nextFixedTime(at(after), times, zone, { early }).toISOString(), expected, `${zone} ${times.join(',')} after ${after} early=${early}`);
    }
  });

  it('moves an instant inside a rest period to the period’s end, across midnight and clock changes', () => {
    const night: RestPeriod[] = [{ from: '23:00', to: '07:00' }];
    const cases: Array<[string, RestPeriod[], string, string]> = [
      ['Asia/Almaty', night, '2026-06-01T18:30:00.000Z', '2026-06-02T02:00:00.000Z'], // 23:30 → 07:00
      ['Asia/Almaty', night, '2026-06-01T20:00:00.000Z', '2026-06-02T02:00:00.000Z'], // 01:00 → 07:00
      ['Asia/Almaty', night, '2026-06-01T17:59:00.000Z', '2026-06-01T17:59:00.000Z'], // 22:59: awake
      ['Asia/Almaty', night, '2026-06-01T18:00:00.000Z', '2026-06-02T02:00:00.000Z'], // 23:00: asleep
      ['Asia/Almaty', night, '2026-06-02T02:00:00.000Z', '2026-06-02T02:00:00.000Z'], // 07:00: awake
      ['UTC', [{ from: '13:00', to: '15:00' }, ...night], '2026-06-01T14:00:00.000Z', '2026-06-01T15:00:00.000Z'],
      ['UTC', [{ from: '13:00', to: '15:00' }, ...night], '2026-06-01T12:00:00.000Z', '2026-06-01T12:00:00.000Z'],
      ['UTC', [], '2026-06-01T02:00:00.000Z', '2026-06-01T02:00:00.000Z'],
      // Ends at a time the clocks skip: at the jump.
      ['Europe/Berlin', [{ from: '23:00', to: '02:30' }], '2026-03-28T23:30:00.000Z', '2026-03-29T01:00:00.000Z'],
      // Ends at a repeated time: at its first showing after the instant.
      ['Europe/Berlin', [{ from: '01:00', to: '02:30' }], '2026-10-25T00:15:00.000Z', '2026-10-25T00:30:00.000Z'],
      ['Europe/Berlin', [{ from: '01:00', to: '02:30' }], '2026-10-25T01:15:00.000Z', '2026-10-25T01:30:00.000Z'],
      // 23:00 EST on 7 March until 06:00 EDT on 8 March.
      ['America/New_York', [{ from: '22:00', to: '06:00' }], '2026-03-08T04:00:00.000Z', '2026-03-08T10:00:00.000Z'],
    ];
    for (const [zone, rest, instant, expected] of cases) {
      assert.equal(outsideRest(at(instant), rest, zone).toISOString(), expected, `${zone} ${JSON.stringify(rest)} ${instant}`);
    }
  });

  it('computes deadlines: grace after the due time, rest periods holding the due time, travel mode', () => {
    const interval = (hours: number, extra: Partial<Schedule> = {}): Schedule => ({ interval_seconds: hours * 3600, times: null, time_zone: 'UTC', grace_seconds: 3600, rest: [], ...extra });
    const night: RestPeriod[] = [{ from: '23:00', to: '07:00' }];
    const almaty: Schedule = { interval_seconds: null, times: ['09:00', '21:00'], time_zone: 'Asia/Almaty', grace_seconds: 1800, rest: night };
    const trip = (start: string, until: string, hours: number | null): Travel => ({ started_at: at(start), until: at(until), interval_seconds: hours === null ? null : hours * 3600 });
    const cases: Array<[string, Parameters<typeof scheduleDeadline>[0], string]> = [
      ['interval plus grace', { schedule: interval(24), travel: null, from: at('2026-06-01T10:00:00.000Z'), fromContact: true }, '2026-06-02T11:00:00.000Z'],
      ['due at midnight, asleep: due at 07:00, grace after', { schedule: interval(14, { rest: night }), travel: null, from: at('2026-06-01T10:00:00.000Z'), fromContact: true }, '2026-06-02T08:00:00.000Z'],
      ['due at 22:30, awake: grace runs into the night', { schedule: interval(12.5, { rest: night }), travel: null, from: at('2026-06-01T10:00:00.000Z'), fromContact: true }, '2026-06-01T23:30:00.000Z'],
      ['fixed times: 08:50 counts for 09:00; 21:00 is next', { schedule: almaty, travel: null, from: at('2026-06-01T03:50:00.000Z'), fromContact: true }, '2026-06-01T16:30:00.000Z'],
      ['fixed times: set up at 08:50, 09:00 is due', { schedule: almaty, travel: null, from: at('2026-06-01T03:50:00.000Z'), fromContact: false }, '2026-06-01T04:30:00.000Z'],
      ['a change never makes her due before it', { schedule: interval(12), travel: null, from: at('2026-06-01T00:00:00.000Z'), fromContact: true, notBefore: at('2026-06-01T13:00:00.000Z') }, '2026-06-01T14:00:00.000Z'],
      ['notBefore lands in rest: pushed to its end', { schedule: interval(1, { rest: night }), travel: null, from: at('2026-06-01T10:00:00.000Z'), fromContact: true, notBefore: at('2026-06-01T23:30:00.000Z') }, '2026-06-02T08:00:00.000Z'],
      ['travel interval from the trip’s start', { schedule: interval(24), travel: trip('2026-06-01T11:00:00.000Z', '2026-06-03T00:00:00.000Z', 2), from: at('2026-06-01T10:00:00.000Z'), fromContact: true }, '2026-06-01T14:00:00.000Z'],
      ['travel interval from a later contact', { schedule: interval(24), travel: trip('2026-06-01T11:00:00.000Z', '2026-06-03T00:00:00.000Z', 2), from: at('2026-06-01T12:00:00.000Z'), fromContact: true }, '2026-06-01T15:00:00.000Z'],
      ['travel ignores rest periods', { schedule: interval(24, { rest: night }), travel: trip('2026-06-01T22:00:00.000Z', '2026-06-03T00:00:00.000Z', 2), from: at('2026-06-01T22:00:00.000Z'), fromContact: true }, '2026-06-02T01:00:00.000Z'],
      ['the trip ends before the travel deadline: the schedule resumes', { schedule: interval(24), travel: trip('2026-06-01T10:00:00.000Z', '2026-06-01T11:00:00.000Z', 2), from: at('2026-06-01T10:00:00.000Z'), fromContact: true }, '2026-06-02T11:00:00.000Z'],
      ['suspended: due when the trip ends, plus grace', { schedule: interval(24), travel: trip('2026-06-01T10:00:00.000Z', '2026-06-03T10:00:00.000Z', null), from: at('2026-06-01T10:00:00.000Z'), fromContact: true }, '2026-06-03T11:00:00.000Z'],
      ['a short suspension changes nothing', { schedule: interval(24), travel: trip('2026-06-01T10:00:00.000Z', '2026-06-01T12:00:00.000Z', null), from: at('2026-06-01T10:00:00.000Z'), fromContact: true }, '2026-06-02T11:00:00.000Z'],
      ['landing at night: due when rest ends', { schedule: interval(24, { rest: night }), travel: trip('2026-06-01T10:00:00.000Z', '2026-06-03T01:00:00.000Z', null), from: at('2026-06-01T10:00:00.000Z'), fromContact: true }, '2026-06-03T08:00:00.000Z'],
      ['a contact after the trip: as if there were none', { schedule: interval(24), travel: trip('2026-06-01T10:00:00.000Z', '2026-06-01T12:00:00.000Z', 1), from: at('2026-06-01T13:00:00.000Z'), fromContact: true }, '2026-06-02T14:00:00.000Z'],
      ['fixed times after a suspension: due at the trip’s end', { schedule: { ...almaty, rest: [] }, travel: trip('2026-06-01T03:00:00.000Z', '2026-06-01T18:00:00.000Z', null), from: at('2026-06-01T03:00:00.000Z'), fromContact: true }, '2026-06-01T18:30:00.000Z'],
    ];
    for (const [label, input, expected] of cases) assert.equal(scheduleDeadline(input).toISOString(), expected, label);
  });

  it('checks a schedule as given: exactly one of interval and times, a known zone, sound times and rest periods', () => {
    const good = scheduleFields({ times: ['21:00', '09:00'], time_zone: 'asia/almaty', grace: 'PT30M', rest: [{ from: '23:00', to: '07:00' }] });
    assert.deepEqual(good, {
      ok: true,
      fields: { interval: null, interval_seconds: null, times: ['09:00', '21:00'], time_zone: 'Asia/Almaty', rest: [{ from: '23:00', to: '07:00' }], grace: 'PT30M', grace_seconds: 1800 },
    });
    const byDefault = scheduleFields({ interval: 'PT12H', grace: 'PT0S', rest: [{ from: '23:00', to: '07:00' }] });
    assert.ok(byDefault.ok && byDefault.fields.time_zone === 'UTC' && byDefault.fields.interval_seconds === 43_200);

    const bad: Array<[string, Parameters<typeof scheduleFields>[0], string]> = [
      ['both', { interval: 'PT24H', times: ['09:00'], time_zone: 'UTC', grace: 'PT1H' }, 'interval'],
      ['neither', { grace: 'PT1H' }, 'interval'],
      ['times without a zone', { times: ['09:00'], grace: 'PT1H' }, 'time_zone'],
      ['unknown zone', { times: ['09:00'], time_zone: 'Mars/Olympus_Mons', grace: 'PT1H' }, 'time_zone'],
      ['no times', { times: [], time_zone: 'UTC', grace: 'PT1H' }, 'times'],
      ['24:00', { times: ['24:00'], time_zone: 'UTC', grace: 'PT1H' }, 'times.0'],
      ['9:00', { times: ['09:00', '9:00'], time_zone: 'UTC', grace: 'PT1H' }, 'times.1'],
      ['twice', { times: ['09:00', '09:00'], time_zone: 'UTC', grace: 'PT1H' }, 'times'],
      ['too many', { times: Array.from({ length: 25 }, (_, h) => `${String(h % 24).padStart(2, '0')}:${h >= 24 ? '30' : '00'}`), time_zone: 'UTC', grace: 'PT1H' }, 'times'],
      ['a time in rest', { times: ['09:00', '06:30'], time_zone: 'UTC', grace: 'PT1H', rest: [{ from: '23:00', to: '07:00' }] }, 'times.1'],
      ['empty rest', { interval: 'PT1H', grace: 'PT0S', rest: [{ from: '07:00', to: '07:00' }] }, 'rest.0'],
      ['overlapping rest', { interval: 'PT1H', grace: 'PT0S', rest: [{ from: '23:00', to: '07:00' }, { from: '06:00', to: '08:00' }] }, 'rest.1'],
      ['rest all day', { interval: 'PT1H', grace: 'PT0S', rest: [{ from: '00:00', to: '12:00' }, { from: '12:00', to: '00:00' }] }, 'rest'],
      ['bad rest time', { interval: 'PT1H', grace: 'PT0S', rest: [{ from: '23:60', to: '07:00' }] }, 'rest.0'],
      ['five rest periods', { interval: 'PT1H', grace: 'PT0S', rest: ['01', '03', '05', '07', '09'].map((h) => ({ from: `${h}:00`, to: `${h}:30` })) }, 'rest'],
      ['bad interval', { interval: 'P1M', grace: 'PT0S' }, 'interval'],
      ['zero interval', { interval: 'PT0S', grace: 'PT0S' }, 'interval'],
      ['bad grace', { interval: 'PT1H', grace: '-PT1H' }, 'grace'],
    ];
    for (const [label, input, field] of bad) {
      const result = scheduleFields(input);
      assert.ok(!result.ok, label);
      assert.ok(field in result.problems, `${label}: ${JSON.stringify(result.problems)}`);
    }
  });
});

const START = '2026-06-01T10:00:00.000Z';
const TRAVEL_NOTE = 'Crossing at Khorgos with her cousin';
const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';

function watchBody(personId: string, schedule: Record<string, unknown>): Record<string, unknown> {
  return {
    person_id: personId,
    grace: 'PT1H',
    pin: '271828',
    duress_pin: '314159',
    escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }] }],
    ...schedule,
  };
}

describe(`watch schedules over HTTP (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock(START);
  const ids = { person: '', other: '', times: '', rested: '', trip: '' };

  before(async () => {
    t = await startTestApp({ clock });
    ids.person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
    ids.other = (await t.api('POST', '/api/v1/persons', { token: t.tokens.coordinator, body: personInput() })).body.id;
    assert.ok(ids.person && ids.other);
  });
  after(async () => {
    await t?.stop();
  });

  const setClock = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime());
  const read = async (id: string) => (await t.api('GET', `/api/v1/watches/${id}`)).body;
  const countWatches = async () => Number((await t.app.ctx.db.selectFrom('watches').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const missedAlerts = async (watchId: string) =>
    (await t.app.ctx.db.selectFrom('alerts').select('deadline_at').where('watch_id', '=', watchId).where('kind', '=', 'missed').orderBy('deadline_at').execute()).map((a) => a.deadline_at);

  it('creates a watch with fixed times in her time zone, and one with an interval and rest periods', async () => {
    const times = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { times: ['21:00', '09:00'], time_zone: 'asia/almaty', grace: 'PT30M', rest: [{ from: '23:00', to: '07:00' }] }) });
    assert.equal(times.status, 201, times.text);
    ids.times = times.body.id;
    // 15:00 in Almaty: 21:00 is next, plus half an hour.
    assert.equal(times.body.next_deadline, '2026-06-01T16:30:00.000Z');
    assert.equal(times.body.interval, null);
    assert.deepEqual(times.body.times, ['09:00', '21:00']);
    assert.equal(times.body.time_zone, 'Asia/Almaty');
    assert.deepEqual(times.body.rest, [{ from: '23:00', to: '07:00' }]);
    assert.equal(times.body.travel, null);

    // Due at 00:00 UTC, asleep until 07:00, then the hour of grace.
    const rested = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { interval: 'PT14H', rest: [{ from: '23:00', to: '07:00' }] }) });
    assert.equal(rested.status, 201, rested.text);
    ids.rested = rested.body.id;
    assert.equal(rested.body.time_zone, 'UTC', 'an interval watch’s rest periods default to UTC');
    assert.equal(rested.body.next_deadline, '2026-06-02T08:00:00.000Z');
    assert.equal(rested.body.times, null);

    const plain = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { interval: 'PT24H' }) });
    assert.equal(plain.status, 201, 'the DESIGN §6 shape still works');
    assert.equal(plain.body.next_deadline, '2026-06-02T11:00:00.000Z');
    assert.deepEqual([plain.body.interval, plain.body.times, plain.body.time_zone, plain.body.rest], ['PT24H', null, 'UTC', []]);

    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'watch', ids.times);
    assert.deepEqual(revisions[0]!.changes.times, { to: ['09:00', '21:00'] });
    assert.deepEqual(revisions[0]!.changes.time_zone, { to: 'Asia/Almaty' });
  });

  it('refuses bad schedules on creation and creates nothing', async () => {
    const before = await countWatches();
    const cases: Array<[string, Record<string, unknown>]> = [
      ['interval and times', { interval: 'PT24H', times: ['09:00'], time_zone: 'UTC' }],
      ['neither interval nor times', {}],
      ['times without a time zone', { times: ['09:00'] }],
      ['unknown time zone', { times: ['09:00'], time_zone: 'Mars/Olympus_Mons' }],
      ['time zone with markup', { times: ['09:00'], time_zone: '<script>alert(1)</script>' }],
      ['oversized time zone', { times: ['09:00'], time_zone: 'A'.repeat(65) }],
      ['time zone as a number', { times: ['09:00'], time_zone: 5 }],
      ['no times', { times: [], time_zone: 'UTC' }],
      ['25:00', { times: ['25:00'], time_zone: 'UTC' }],
      ['9:00', { times: ['9:00'], time_zone: 'UTC' }],
      ['09:00:00', { times: ['09:00:00'], time_zone: 'UTC' }],
      ['a time twice', { times: ['09:00', '09:00'], time_zone: 'UTC' }],
      ['times as a string', { times: '09:00', time_zone: 'UTC' }],
      ['too many times', { times: Array.from({ length: 25 }, (_, i) => `${String(i % 24).padStart(2, '0')}:${i < 24 ? '00' : '30'}`), time_zone: 'UTC' }],
      ['a time in a rest period', { times: ['06:00'], time_zone: 'UTC', rest: [{ from: '23:00', to: '07:00' }] }],
      ['overlapping rest periods', { interval: 'PT24H', rest: [{ from: '23:00', to: '07:00' }, { from: '06:00', to: '08:00' }] }],
      ['rest the whole day', { interval: 'PT24H', rest: [{ from: '07:00', to: '19:00' }, { from: '19:00', to: '07:00' }] }],
      ['empty rest period', { interval: 'PT24H', rest: [{ from: '07:00', to: '07:00' }] }],
      ['rest period without an end', { interval: 'PT24H', rest: [{ from: '23:00' }] }],
      ['rest period with an unknown field', { interval: 'PT24H', rest: [{ from: '23:00', to: '07:00', days: 'weekdays' }] }],
      ['five rest periods', { interval: 'PT24H', rest: ['01', '03', '05', '07', '09'].map((h) => ({ from: `${h}:00`, to: `${h}:30` })) }],
      ['interval of months', { interval: 'P1M' }],
    ];
    for (const [label, schedule] of cases) {
      const response = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, schedule) });
      assert.equal(response.status, 400, `${label}: ${response.text}`);
      assert.ok(response.body.error.message, label);
      assert.ok(!response.text.includes('<script>'), `${label}: the answer does not echo markup`);
    }
    const both = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { interval: 'PT24H', times: ['09:00'], time_zone: 'UTC' }) });
    assert.match(both.body.error.message, /^interval and times exclude each other/);
    const neither = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, {}) });
    assert.match(neither.body.error.message, /^interval or times is required/);
    const zone = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { times: ['09:00'] }) });
    assert.match(zone.body.error.message, /time_zone/);
    assert.equal(await countWatches(), before, 'nothing was created');
  });

  it('a check-in shortly before a fixed time counts for it; the sweep opens an alert on the next one missed', async () => {
    setClock('2026-06-01T15:50:00.000Z'); // 20:50 in Almaty
    const contact = await t.api('POST', `/api/v1/watches/${ids.times}/contact`, { body: { at: '2026-06-01T15:50:00.000Z', channel: 'phone_call' } });
    assert.equal(contact.status, 201, contact.text);
    assert.equal(contact.body.next_deadline, '2026-06-02T04:30:00.000Z', '21:00 is done; 09:00 tomorrow is next, plus grace');
    const older = await t.api('POST', `/api/v1/watches/${ids.times}/contact`, { body: { at: '2026-06-01T15:00:00.000Z', channel: 'message' } });
    assert.equal(older.body.next_deadline, '2026-06-02T04:30:00.000Z', 'an older report changes nothing');

    setClock('2026-06-02T04:29:59.000Z');
    await runDeadlineSweep(t.app.ctx);
    assert.deepEqual(await missedAlerts(ids.times), []);
    setClock('2026-06-02T04:30:00.000Z');
    await runDeadlineSweep(t.app.ctx);
    assert.deepEqual(await missedAlerts(ids.times), ['2026-06-02T04:30:00.000Z']);
  });

  it('PATCH changes the schedule with If-Match or version, recomputes the deadline, and records the change', async () => {
    const patch = (body: Record<string, unknown>, headers: Record<string, string> = {}) => t.api('PATCH', `/api/v1/watches/${ids.rested}`, { body, headers });
    const refused: Array<[string, Record<string, unknown>, Record<string, string>, number]> = [
      ['no version', { interval: 'PT6H' }, {}, 400],
      ['stale If-Match', { interval: 'PT6H' }, { 'if-match': '"7"' }, 409],
      ['stale version', { interval: 'PT6H', version: 2 }, {}, 409],
      ['unknown field', { interval: 'PT6H', pin: '1234', version: 1 }, {}, 400],
      ['interval and times', { interval: 'PT6H', times: ['09:00'], time_zone: 'UTC', version: 1 }, {}, 400],
      ['switch to times without a zone', { times: ['09:00'], version: 1 }, {}, 400],
      ['bad zone', { time_zone: 'Nowhere/Land', version: 1 }, {}, 400],
      ['bad grace', { grace: 'soon', version: 1 }, {}, 400],
      ['bad state', { state: 'deleted', version: 1 }, {}, 400],
      ['interval null', { interval: null, version: 1 }, {}, 400],
      ['rest as an object', { rest: { from: '23:00', to: '07:00' }, version: 1 }, {}, 400],
    ];
    for (const [label, body, headers, status] of refused) {
      const response = await patch(body, headers);
      assert.equal(response.status, status, `${label}: ${response.text}`);
    }
    assert.equal((await t.api('PATCH', `/api/v1/watches/${ids.rested}`, { raw: '{"interval":', headers: { 'if-match': '"1"' } })).status, 400);
    const untouched = await read(ids.rested);
    assert.deepEqual([untouched.version, untouched.interval, untouched.next_deadline], [1, 'PT14H', '2026-06-02T08:00:00.000Z'], 'refusals changed nothing');

    // Now 04:30Z; the watch counts from its creation at 10:00Z yesterday and has had no contact.
    const tighter = await patch({ interval: 'PT20H' }, { 'if-match': '"1"' });
    assert.equal(tighter.status, 200, tighter.text);
    assert.equal(tighter.headers.get('etag'), '"2"');
    assert.equal(tighter.body.next_deadline, '2026-06-02T08:00:00.000Z', 'due at 06:00, in her rest period: 07:00, plus grace');
    const awake = await patch({ rest: [], version: 2 });
    assert.equal(awake.body.next_deadline, '2026-06-02T07:00:00.000Z', 'without rest periods: 06:00 plus grace');
    assert.deepEqual(awake.body.rest, []);
    const overdue = await patch({ interval: 'PT12H', version: 3 });
    assert.equal(overdue.body.next_deadline, '2026-06-02T05:30:00.000Z', 'already overdue under the new interval: due now, with grace');
    const switched = await patch({ times: ['08:00'], time_zone: 'Europe/Berlin', version: 4 });
    assert.equal(switched.status, 200, switched.text);
    assert.deepEqual([switched.body.interval, switched.body.times, switched.body.time_zone], [null, ['08:00'], 'Europe/Berlin']);
    assert.equal(switched.body.next_deadline, '2026-06-02T07:00:00.000Z', '08:00 CEST today, plus the hour');
    const same = await patch({ times: ['08:00'], version: 5 });
    assert.equal(same.status, 200);
    assert.equal(same.body.version, 5, 'a change that changes nothing is no new version');

    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'watch', ids.rested);
    assert.deepEqual(revisions.map((r) => r.version), [1, 2, 3, 4, 5]);
    assert.deepEqual(revisions[2]!.changes.rest, { from: [{ from: '23:00', to: '07:00' }], to: [] });
    assert.deepEqual(revisions[4]!.changes.interval, { from: 'PT12H', to: null });
    assert.deepEqual(revisions[4]!.changes.times, { from: null, to: ['08:00'] });
    assert.deepEqual(revisions[4]!.changes.time_zone, { from: 'UTC', to: 'Europe/Berlin' });
    assert.deepEqual(revisions[4]!.changes.next_deadline, { from: '2026-06-02T05:30:00.000Z', to: '2026-06-02T07:00:00.000Z' });
    const audit = await t.app.ctx.db.selectFrom('audit_entries').select('action').where('entity_id', '=', ids.rested).where('action', '=', 'watch.update').execute();
    assert.equal(audit.length, 4);
  });

  it('pausing stops deadlines; resuming counts from now; ending is final', async () => {
    const paused = await t.api('PATCH', `/api/v1/watches/${ids.rested}`, { body: { state: 'paused', version: 5 } });
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.body.state, 'paused');
    assert.equal(paused.body.next_deadline, '2026-06-02T07:00:00.000Z');
    setClock('2026-06-02T08:00:00.000Z');
    await runDeadlineSweep(t.app.ctx);
    assert.deepEqual(await missedAlerts(ids.rested), [], 'no alert while paused');
    assert.equal((await read(ids.rested)).overdue, false);

    const resumed = await t.api('PATCH', `/api/v1/watches/${ids.rested}`, { body: { state: 'active', version: 6 } });
    assert.equal(resumed.status, 200, resumed.text);
    // 10:00 in Berlin now: tomorrow's 08:00 CEST, plus the hour.
    assert.equal(resumed.body.next_deadline, '2026-06-03T07:00:00.000Z');
    await runDeadlineSweep(t.app.ctx);
    assert.deepEqual(await missedAlerts(ids.rested), []);

    // A contact reported late, from before the resumption, does not pull the deadline back.
    const late = await t.api('POST', `/api/v1/watches/${ids.rested}/contact`, { body: { at: '2026-06-02T07:30:00.000Z', channel: 'phone_call' } });
    assert.equal(late.status, 201, late.text);
    assert.equal(late.body.next_deadline, '2026-06-03T07:00:00.000Z');

    const ended = await t.api('PATCH', `/api/v1/watches/${ids.rested}`, { body: { state: 'ended', version: 7 } });
    assert.equal(ended.status, 200, ended.text);
    assert.equal(ended.body.state, 'ended');
    const again: Array<[string, string, Record<string, unknown>]> = [
      ['PATCH', `/api/v1/watches/${ids.rested}`, { state: 'active', version: 8 }],
      ['PATCH', `/api/v1/watches/${ids.rested}`, { interval: 'PT1H', version: 8 }],
      ['POST', `/api/v1/watches/${ids.rested}/travel`, { until: '2026-06-03T08:00:00.000Z' }],
      ['POST', `/api/v1/watches/${ids.rested}/travel/end`, {}],
      ['POST', `/api/v1/watches/${ids.rested}/contact`, { at: '2026-06-02T08:00:00.000Z', channel: 'other' }],
    ];
    for (const [method, path, body] of again) {
      const response = await t.api(method, path, { body });
      assert.equal(response.status, 422, `${method} ${path}: ${response.text}`);
    }
    assert.equal((await read(ids.rested)).version, 8);
  });

  it('travel mode: a tighter interval until a time, contact counted by it, then the schedule resumes', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { interval: 'PT24H' }) });
    ids.trip = created.body.id;
    assert.equal(created.body.next_deadline, '2026-06-03T09:00:00.000Z');
    const travel = await t.api('POST', `/api/v1/watches/${ids.trip}/travel`, { body: { until: '2026-06-04T08:00:00Z', interval: 'PT2H', note: TRAVEL_NOTE } });
    assert.equal(travel.status, 200, travel.text);
    assert.deepEqual(travel.body.travel, { started_at: '2026-06-02T08:00:00.000Z', until: '2026-06-04T08:00:00.000Z', interval: 'PT2H', note: TRAVEL_NOTE });
    assert.equal(travel.body.next_deadline, '2026-06-02T11:00:00.000Z', 'two hours from the start, plus grace');
    assert.equal(travel.body.interval, 'PT24H', 'the normal schedule is kept for afterwards');
    assert.equal(travel.headers.get('etag'), '"2"');

    setClock('2026-06-02T09:30:00.000Z');
    const contact = await t.api('POST', `/api/v1/watches/${ids.trip}/contact`, { body: { at: '2026-06-02T09:30:00.000Z', channel: 'message' } });
    assert.equal(contact.body.next_deadline, '2026-06-02T12:30:00.000Z');

    const ended = await t.api('POST', `/api/v1/watches/${ids.trip}/travel/end`, { headers: { 'if-match': '"2"' } });
    assert.equal(ended.status, 200, ended.text);
    assert.equal(ended.body.travel, null);
    assert.equal(ended.body.next_deadline, '2026-06-03T10:30:00.000Z', 'the day’s interval from the last contact');
    assert.equal((await t.api('POST', `/api/v1/watches/${ids.trip}/travel/end`, { body: {} })).status, 409, 'not travelling any more');

    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'watch', ids.trip);
    assert.deepEqual(revisions[1]!.changes.travel, { from: null, to: { until: '2026-06-04T08:00:00.000Z', interval: 'PT2H', note: TRAVEL_NOTE } });
    assert.deepEqual(revisions[2]!.changes.travel, { from: { until: '2026-06-04T08:00:00.000Z', interval: 'PT2H', note: TRAVEL_NOTE }, to: null });
  });

  it('travel without an interval holds every deadline until the trip ends; then it is over by itself', async () => {
    const held = await t.api('POST', `/api/v1/watches/${ids.trip}/travel`, { body: { until: '2026-06-05T09:30:00.000Z', version: 3 } });
    assert.equal(held.status, 200, held.text);
    assert.equal(held.body.travel.interval, null);
    assert.equal(held.body.next_deadline, '2026-06-05T10:30:00.000Z', 'due when the trip ends, plus grace');
    setClock('2026-06-04T12:00:00.000Z');
    await runDeadlineSweep(t.app.ctx);
    assert.deepEqual(await missedAlerts(ids.trip), [], 'the normal deadline passed during the trip: no alert');

    setClock('2026-06-05T10:00:00.000Z');
    const during = await read(ids.trip);
    assert.equal(during.travel, null, 'the trip is over once until has passed');
    assert.equal(during.overdue, false);
    assert.equal((await t.api('POST', `/api/v1/watches/${ids.trip}/travel/end`)).status, 409);
    const contact = await t.api('POST', `/api/v1/watches/${ids.trip}/contact`, { body: { at: '2026-06-05T10:00:00.000Z', channel: 'meeting' } });
    assert.equal(contact.body.next_deadline, '2026-06-06T11:00:00.000Z', 'the normal schedule again');
  });

  it('refuses bad travel input and changes nothing', async () => {
    const before = await read(ids.trip);
    const cases: Array<[string, Record<string, unknown> | undefined, Record<string, string>, number]> = [
      ['until in the past', { until: '2026-06-05T09:59:59.000Z' }, {}, 400],
      ['until now', { until: '2026-06-05T10:00:00.000Z' }, {}, 400],
      ['until more than 366 days ahead', { until: '2027-06-06T10:00:01.000Z' }, {}, 400],
      ['until not a time', { until: 'next Tuesday' }, {}, 400],
      ['until missing', { interval: 'PT2H' }, {}, 400],
      ['no body', undefined, {}, 400],
      ['interval of months', { until: '2026-06-06T10:00:00.000Z', interval: 'P1M' }, {}, 400],
      ['zero interval', { until: '2026-06-06T10:00:00.000Z', interval: 'PT0S' }, {}, 400],
      ['garbage interval', { until: '2026-06-06T10:00:00.000Z', interval: 'often' }, {}, 400],
      ['negative interval', { until: '2026-06-06T10:00:00.000Z', interval: '-PT1H' }, {}, 400],
      ['interval as a number', { until: '2026-06-06T10:00:00.000Z', interval: 7200 }, {}, 400],
      ['unknown field', { until: '2026-06-06T10:00:00.000Z', suspend_alerts: true }, {}, 400],
      ['oversized note', { until: '2026-06-06T10:00:00.000Z', note: 'x'.repeat(2001) }, {}, 400],
      ['note with a control character', { until: '2026-06-06T10:00:00.000Z', note: 'a\u0000b' }, {}, 400],
      ['stale If-Match', { until: '2026-06-06T10:00:00.000Z' }, { 'if-match': '"1"' }, 409],
      ['stale version', { until: '2026-06-06T10:00:00.000Z', version: 1 }, {}, 409],
    ];
    for (const [label, body, headers, status] of cases) {
      const response = await t.api('POST', `/api/v1/watches/${ids.trip}/travel`, body === undefined ? { headers } : { body, headers });
      assert.equal(response.status, status, `${label}: ${response.text}`);
      assert.ok(response.body.error.message, label);
    }
    assert.equal((await t.api('POST', `/api/v1/watches/${ids.trip}/travel`, { raw: '{"until":' })).status, 400);
    assert.equal((await t.api('POST', `/api/v1/watches/${ids.trip}/travel/end`, { body: { reason: 'x' } })).status, 400);
    const afterwards = await read(ids.trip);
    assert.deepEqual([afterwards.version, afterwards.next_deadline, afterwards.travel], [before.version, before.next_deadline, null]);
    // 366 days exactly is allowed.
    const longest = await t.api('POST', `/api/v1/watches/${ids.trip}/travel`, { body: { until: '2027-06-06T10:00:00.000Z' } });
    assert.equal(longest.status, 200, longest.text);
  });

  it('need-to-know: non-members get 404, viewers 403, for every schedule change', async () => {
    await t.addMember(ids.person, 'viewer', { caseRole: 'viewer' });
    const changes: Array<[string, string, Record<string, unknown>]> = [
      ['PATCH', `/api/v1/watches/${ids.trip}`, { grace: 'PT5M', version: 6 }],
      ['POST', `/api/v1/watches/${ids.trip}/travel`, { until: '2026-06-06T10:00:00.000Z' }],
      ['POST', `/api/v1/watches/${ids.trip}/travel/end`, {}],
    ];
    for (const [method, path, body] of changes) {
      for (const token of [t.tokens.coordinator, t.tokens.admin]) assert.equal((await t.api(method, path, { token, body })).status, 404, `${method} ${path} by a non-member`);
      assert.equal((await t.api(method, path, { token: t.tokens.viewer, body })).status, 403, `${method} ${path} by a viewer`);
      assert.equal((await t.api(method, path.replace(ids.trip, MISSING), { body })).status, 404);
      assert.equal((await t.api(method, path, { token: null, body })).status, 401);
    }
    const viewed = await t.api('GET', `/api/v1/watches/${ids.trip}`, { token: t.tokens.viewer });
    assert.equal(viewed.body.version, 5, 'nothing changed');
    assert.equal(viewed.body.travel.interval, null, 'viewers see the trip, as the schedule it is');
  });

  it('a retracted watch takes no schedule change', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { interval: 'PT24H' }) });
    await t.app.ctx.db.updateTable('watches').set({ retracted_at: clock.now().toISOString() }).where('id', '=', created.body.id).execute();
    assert.equal((await t.api('PATCH', `/api/v1/watches/${created.body.id}`, { body: { grace: 'PT5M', version: 1 } })).status, 409);
    assert.equal((await t.api('POST', `/api/v1/watches/${created.body.id}/travel`, { body: { until: '2026-06-06T10:00:00.000Z' } })).status, 409);
  });

  it('a schedule change and a check-in at the same moment: the deadline reflects both', async () => {
    for (let round = 0; round < 8; round++) {
      const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { interval: 'PT24H' }) });
      const id = created.body.id;
      const now = clock.now().toISOString();
      const [patched, contact] = await Promise.all([
        t.api('PATCH', `/api/v1/watches/${id}`, { body: { interval: 'PT6H', version: 1 } }),
        t.api('POST', `/api/v1/watches/${id}/contact`, { body: { at: now, channel: 'phone_call' } }),
      ]);
      assert.equal(patched.status, 200, patched.text);
      assert.equal(contact.status, 201, contact.text);
      const final = await read(id);
      assert.equal(final.next_deadline, new Date(Date.parse(now) + 7 * 3600_000).toISOString(), `round ${round}: six hours from the contact, plus grace`);
    }
  });

  it('keeps the travel note sealed in the database and its history; publishes the new routes', async () => {
    const db = t.app.ctx.db;
    const rows = await db.selectFrom('watches').select(['travel_note', 'check_times', 'rest_periods', 'time_zone']).where('id', '=', ids.times).execute();
    assert.deepEqual(rows.map((r) => [JSON.parse(r.check_times!), JSON.parse(r.rest_periods), r.time_zone]), [[['09:00', '21:00'], [{ from: '23:00', to: '07:00' }], 'Asia/Almaty']]);
    const dump = JSON.stringify({ watches: await db.selectFrom('watches').selectAll().execute(), revisions: await db.selectFrom('revisions').selectAll().execute(), audit: await db.selectFrom('audit_entries').selectAll().execute() });
    assert.ok(!dump.includes(TRAVEL_NOTE), 'the travel note is nowhere in plaintext');
    const spec = await t.api('GET', '/api/v1/openapi.json');
    for (const path of ['/api/v1/watches/{id}/travel', '/api/v1/watches/{id}/travel/end']) assert.ok(spec.body.paths[path]?.post, path);
    assert.ok(spec.body.paths['/api/v1/watches/{id}'].patch);
  });
});

describe(`the schedules migration on a store with watches (${BACKEND})`, () => {
  it('keeps every interval, makes it optional, and adds the schedule columns with their defaults', async () => {
    const store = await createProcessStore('schedmig');
    const handle = openDatabase({ url: store.dbUrl, dataDir: store.dataDir });
    try {
      const schema = store.dbUrl ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(handle.db)).rows[0]!.schema : undefined;
      const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
      const before = await migrator.migrateTo('2026-11-29T0900-alerts');
      if (before.error) throw before.error;
      const old = { id: 'w-old', case_id: 'c', person_id: 'p', check_interval: 'PT24H', check_interval_seconds: 86_400, grace: 'PT1H', grace_seconds: 3600, proxies: '[]', pin_hash: 'x', duress_pin_hash: 'y', checkin_secret_hash: 'z', escalation: 'e', next_deadline: '2026-06-02T11:00:00.000Z', state: 'active', created_at: START, updated_at: START };
      await handle.db.insertInto('watches').values(old as never).execute();
      const latest = await migrator.migrateToLatest();
      if (latest.error) throw latest.error;
      assert.ok(latest.results?.some((r) => r.migrationName === '2026-11-29T1100-watch-schedules' && r.status === 'Success'));

      const row = await handle.db.selectFrom('watches').selectAll().where('id', '=', 'w-old').executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.check_interval, Number(row.check_interval_seconds), row.check_times, row.time_zone, row.rest_periods, row.travel_until, row.counting_from, row.next_deadline],
        ['PT24H', 86_400, null, 'UTC', '[]', null, START, '2026-06-02T11:00:00.000Z'],
      );
      await handle.db.insertInto('watches').values({ ...old, id: 'w-times', checkin_secret_hash: 'z2', check_interval: null, check_interval_seconds: null, check_times: '["09:00"]', time_zone: 'Asia/Almaty' } as never).execute();
      const times = await handle.db.selectFrom('watches').select(['check_interval', 'check_times']).where('id', '=', 'w-times').executeTakeFirstOrThrow();
      assert.deepEqual(times, { check_interval: null, check_times: '["09:00"]' });
      // The worker's index on the deadline is still there.
      const indexes = store.dbUrl
        ? (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'watches' and schemaname = current_schema()`.execute(handle.db)).rows
        : (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'watches'`.execute(handle.db)).rows;
      assert.ok(indexes.some((index) => index.name === 'watches_deadline_idx'));
    } finally {
      await handle.close();
      await store.drop();
    }
  });
});
