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
