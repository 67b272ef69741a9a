import { Type, type Static } from '@sinclair/typebox';
import { CitationList, Edtf, Enum, OptionalEnum, OptionalText } from '../http/schemas.ts';

export const STATUSES = [
  'at_liberty',
  'harassed',
  'summoned',
  'house_arrest',
  'detained',
  'camp',
  'imprisoned',
  'forced_psychiatric',
  'disappeared',
  'released_restricted',
  'exit_banned',
  'abroad',
  'deceased',
  'unknown',
] as const;

export const WHEREABOUTS = ['yes', 'no', 'denied'] as const;
export const CONTACT = ['yes', 'no', 'unknown'] as const;

export const CreateStatusBody = Type.Object(
  {
    status: Enum(STATUSES),
    date: Edtf,
    place: OptionalText(300),
    whereabouts_acknowledged: OptionalEnum(WHEREABOUTS),
    contact_permitted: OptionalEnum(CONTACT),
    note: OptionalText(20000),
    citations: CitationList,
  },
  { additionalProperties: false },
);
export type CreateStatusInput = Static<typeof CreateStatusBody>;

export const StatusParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), status_id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
