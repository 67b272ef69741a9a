import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../http/schemas.ts';
import { RISKS } from '../persons/persons.schemas.ts';

export const SEARCH_IN = ['names', 'text', 'all'] as const;

export const SearchQuery = Type.Object(
  {
    // Longer input is refused with a clear message by the service (after NFKC); this bounds what is parsed at all.
    q: Type.String({ maxLength: 2000, description: 'any form of a name, in any script, or part of one; or words of a note, title, testimony or description (all must match)' }),
    in: Type.Optional(Enum(SEARCH_IN, 'names: persons by name (items); text: records by the words of their free text (text_hits); all (the default): both')),
    status: Type.Optional(Type.String({ maxLength: 40, description: 'filters persons found by name' })),
    ethnicity: Type.Optional(Type.String({ maxLength: 40 })),
    risk: Type.Optional(Enum(RISKS)),
    place: Type.Optional(Type.String({ maxLength: 400, description: "part of the person's hometown or residence; case and diacritics ignored" })),
    from: Type.Optional(Type.String({ maxLength: 64, description: 'EDTF date (2021, 2021-02, 2021-02-19): the current status dates from this day on' })),
    to: Type.Optional(Type.String({ maxLength: 64, description: 'EDTF date: the current status dates up to the end of this date' })),
    include_retracted: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;
