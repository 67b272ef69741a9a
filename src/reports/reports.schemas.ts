import { Type, type Static } from '@sinclair/typebox';
import { AddresseeOutput } from '../directory/directory.schemas.ts';
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

export const DOCUMENT_KINDS = ['wgeid', 'urgent_action', 'brief'] as const;
export type DocumentKindParam = (typeof DOCUMENT_KINDS)[number];

const AddresseeIds = Type.String({
  pattern: '^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,19}$',
  description: 'directory entry ids, comma-separated (at most 20); by default the entries for the person’s citizenships',
});

export const PublicDocumentQuery = Type.Object(
  {
    format: Type.Optional(Enum(['json', 'html'] as const, 'json (the default), or the document to publish or send: html')),
    to: Type.Optional(AddresseeIds),
  },
  { additionalProperties: false },
);
export type PublicDocumentQuery = Static<typeof PublicDocumentQuery>;

export const DocumentParams = Type.Object({ id: Type.String({ format: 'uuid' }), kind: Enum(DOCUMENT_KINDS) }, { additionalProperties: false });

export const DocumentInterventionBody = Type.Object(
  { to: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 20, uniqueItems: true, description: 'directory entry ids the document is addressed to (not for wgeid: it goes to the Working Group)' })) },
  { additionalProperties: false },
);
export type DocumentInterventionInput = Static<typeof DocumentInterventionBody>;

export const PublicDocumentOutput = Type.Object({
  kind: Enum(['urgent_action', 'brief'] as const),
  person_id: Type.String(),
  case_number: Type.String(),
  generated_at: Type.String(),
  publicity: Enum(['named', 'anonymous', 'none'] as const, 'the person’s consent: her name is shown only when named, initials when anonymous, the case number otherwise'),
  shown_as: Type.String({ description: 'how the document names the person' }),
  named: Type.Boolean(),
  title: Type.String(),
  summary: Type.String(),
  background: Type.Array(Type.Object({ date: NullableString, text: Type.String(), sources: Type.Array(Type.String()) })),
  asks: Type.Array(Type.Object({ key: Type.String(), text: Type.String() })),
  addressees: Type.Array(AddresseeOutput),
  addressee_hint: NullableString,
  current_status: NullableString,
  sources: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), title: Type.String(), date: NullableString, confidential: Type.Boolean() })),
});
