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
  Type.Array(Type.Object({ key: Type.String(), count: Type.Integer({ minimum: 0 }) }), { description: `${what}; "unknown" when not recorded` });

export const StatsOutput = Type.Object({
  by_status: Counts('by current status (the status vocabulary)'),
  by_ethnicity: Counts('by ethnicity'),
  by_region: Counts('by the region named in the hometown (a code such as xj-ili or kz-almaty; see src/stats/regions.ts)'),
  by_year: Counts('by the year of the earliest standing detention-like status entry (detained, camp, imprisoned, disappeared, forced_psychiatric, house_arrest)'),
  total: Type.Integer({ minimum: 0, description: 'persons counted: within the cases the reader may read, neither retracted nor merged into another record' }),
});
