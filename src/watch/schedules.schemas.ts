import { Type, type Static } from '@sinclair/typebox';
import { Enum, OptionalText, Version } from '../http/schemas.ts';
import { MAX_REST_PERIODS, MAX_TIMES } from './schedule.ts';
import { WATCH_STATES } from './watches.types.ts';

const Duration = (description: string) => Type.String({ maxLength: 40, description: `ISO 8601 duration (PT24H, PT90S, P1DT2H): ${description}` });

// The exact range (00:00 to 23:59) is checked by the service, with a message naming the entry.
const LocalTime = Type.String({ maxLength: 5, pattern: '^\\d\\d:\\d\\d$', description: 'local wall-clock time HH:MM in the watch’s time zone' });

const RestPeriodBody = Type.Object(
  {
    from: LocalTime,
    to: LocalTime,
  },
  { additionalProperties: false, description: 'daily, local; may run past midnight (23:00 to 07:00); she is never due inside one' },
);

/** The schedule fields a watch is created with (DESIGN §6 `interval`, or fixed `times`) and changed by PATCH. */
export const ScheduleBodyFields = {
  interval: Type.Optional(Duration('how often the person checks in; or give times instead')),
  times: Type.Optional(Type.Array(LocalTime, { minItems: 1, maxItems: MAX_TIMES, description: 'fixed local check-in times instead of an interval: ["09:00", "21:00"]' })),
  time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone of times and rest periods (Asia/Almaty); required with times, else UTC' })),
  rest: Type.Optional(Type.Array(RestPeriodBody, { maxItems: MAX_REST_PERIODS })),
};

export const UpdateWatchBody = Type.Object(
  {
    ...ScheduleBodyFields,
    grace: Type.Optional(Duration('how long after a missed check-in the alarm waits (PT0S for none)')),
    state: Type.Optional(Enum(WATCH_STATES, 'paused stops deadlines; active again counts from now; ended is final')),
    version: Version,
  },
  { additionalProperties: false },
);
export type UpdateWatchInput = Static<typeof UpdateWatchBody>;

export const TravelBody = Type.Object(
  {
    until: Type.String({ format: 'date-time', description: 'when the trip ends and the normal schedule resumes (at most 366 days ahead)' }),
    interval: Type.Optional(Duration('the check-in interval while travelling; without one, no deadline falls before until')),
    note: OptionalText(2000),
    version: Version,
  },
  { additionalProperties: false },
);
export type TravelInput = Static<typeof TravelBody>;

export const TravelEndBody = Type.Object({ version: Version }, { additionalProperties: false });
export type TravelEndInput = Static<typeof TravelEndBody>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** The schedule fields of WatchOutput. */
export const ScheduleOutputFields = {
  interval: NullableString,
  times: Type.Union([Type.Array(Type.String()), Type.Null()]),
  time_zone: Type.String(),
  rest: Type.Array(Type.Object({ from: Type.String(), to: Type.String() })),
  travel: Type.Union([
    Type.Object({ started_at: Type.String(), until: Type.String(), interval: NullableString, note: NullableString }, { description: 'travel mode while it lasts' }),
    Type.Null(),
  ]),
};
