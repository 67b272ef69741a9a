import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../http/schemas.ts';

export const StatsQuery = Type.Object(
  { format: Type.Optional(Enum(['json', 'csv'] as const, 'json (the default) or csv: `dimension,key,count`')) },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

/** Nothing but the format may be asked (the CSV address takes no parameter at all). */
export const NoQuery = Type.Object({}, { additionalProperties: false });

const Counts = (what: string) =>
  Type.Array(Type.Object({ key: Type.String(), count: Type.Integer({ minimum: 0 }) }), { description: what });

export const StatsOutput = Type.Object({
  by_status: Counts('by current status (the status vocabulary; "none" for a person with no status entry)'),
  by_ethnicity: Counts('by ethnicity; "unknown" when not recorded'),
  by_region: Counts('by the region named in the hometown (a code such as xj-ili or kz-almaty; see src/stats/regions.ts); "unknown" when no known place is named'),
  by_year: Counts('by the year of the earliest standing detention-like status entry (detained, camp, imprisoned, disappeared, forced_psychiatric, house_arrest); "unknown" when there is none'),
  total: Type.Integer({ minimum: 0, description: 'persons counted: within the cases the reader may read, neither retracted nor merged into another record' }),
});
