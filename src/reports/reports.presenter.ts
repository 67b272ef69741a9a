import { presentAddressee } from '../directory/directory.presenter.ts';
import type { PublicDocument } from './public-document.ts';
import { WGEID_ELEMENT_KEYS, type WgeidCommunication, type WgeidElement } from './wgeid.ts';

function presentElement<V>(element: WgeidElement<V>) {
  return {
    label: element.label,
    present: element.present,
    missing: element.missing,
    text: element.text,
    value: element.value,
    field: element.field,
    gaps: element.gaps,
    sources: element.sources,
    records: element.records.map((r) => ({ type: r.type, id: r.id })),
  };
}

/** Every field sent is named here; the elements' values are built from named fields in wgeid.ts. */
export function presentWgeidReport(report: WgeidCommunication) {
  return {
    person_id: report.person_id,
    case_number: report.case_number,
    procedure: report.procedure,
    procedure_reason: report.procedure_reason,
    generated_at: report.generated_at,
    elements: Object.fromEntries(WGEID_ELEMENT_KEYS.map((key) => [key, presentElement<unknown>(report.elements[key])])),
    missing: report.missing,
    narrative: report.narrative,
    supporting_documents: report.supporting_documents.map((s) => ({ id: s.id, kind: s.kind, title: s.title, date: s.date, confidential: s.confidential })),
    sensitive: report.sensitive,
  };
}

const CONFIDENTIAL_SOURCE = 'Confidential source (identity withheld)';

/** A document meant to go public: a confidential source's title never leaves, not even in JSON. */
export function presentPublicDocument(doc: PublicDocument) {
  return {
    kind: doc.kind,
    person_id: doc.person_id,
    case_number: doc.case_number,
    generated_at: doc.generated_at,
    publicity: doc.publicity,
    shown_as: doc.shown_as,
    named: doc.named,
    title: doc.title,
    summary: doc.summary,
    background: doc.background.map((f) => ({ date: f.date, text: f.text, sources: f.sources })),
    asks: doc.asks.map((a) => ({ key: a.key, text: a.text })),
    addressees: doc.addressees.map(presentAddressee),
    addressee_hint: doc.addressee_hint,
    current_status: doc.current_status,
    sources: doc.sources.map((s) => ({ id: s.id, kind: s.kind, title: s.confidential ? CONFIDENTIAL_SOURCE : s.title, date: s.date, confidential: s.confidential })),
  };
}
