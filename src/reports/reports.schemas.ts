import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../http/schemas.ts';
import { WGEID_ELEMENT_KEYS } from './wgeid.ts';

export const WgeidReportQuery = Type.Object(
  { format: Type.Optional(Enum(['json', 'html', 'docx'] as const, 'json (the default), or the document to send, with footnotes to its sources: html, or docx (Word)')) },
  { additionalProperties: false },
);
export type WgeidReportQuery = Static<typeof WgeidReportQuery>;

const NullableString = Type.Union([Type.String(), Type.Null()]);

const ElementOutput = Type.Object({
  label: Type.String(),
  present: Type.Boolean(),
  missing: Type.Boolean(),
  text: NullableString,
  value: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], { description: 'the element as structured data; its keys depend on the element' }),
  field: Type.String({ description: 'the record field that fills the element, e.g. person.names, status_entry.date, event.acts.perpetrators' }),
  gaps: Type.Array(Type.String(), { description: 'further fields the element would name if filled' }),
  sources: Type.Array(Type.String(), { description: 'ids of the sources cited for its facts' }),
  records: Type.Array(Type.Object({ type: Type.String(), id: Type.String() })),
});

export const WgeidReportOutput = Type.Object({
  person_id: Type.String(),
  case_number: Type.String(),
  procedure: Enum(['urgent', 'standard'] as const),
  procedure_reason: Type.String(),
  generated_at: Type.String(),
  elements: Type.Object(Object.fromEntries(WGEID_ELEMENT_KEYS.map((key) => [key, ElementOutput]))),
  missing: Type.Array(Type.String(), { description: 'the keys (a–f) of the elements still missing' }),
  narrative: Type.String(),
  supporting_documents: Type.Array(
    Type.Object({ id: Type.String(), kind: Type.String(), title: Type.String(), date: NullableString, confidential: Type.Boolean() }),
  ),
  sensitive: Type.Array(Type.String(), { description: 'secret fields the report carries (a.national_id), for readers allowed secrets only' }),
});
