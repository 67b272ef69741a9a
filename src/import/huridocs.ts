/**
 * HURIDOCS micro-thesauri → Vigil's vocabularies, for importing data from HURIDOCS-based systems
 * (docs/IMPORT.md has the table). Pure: a value in, Vigil's value or the reason there is none out.
 *
 * Source of the codes: HURIDOCS Events Standard Formats micro-thesauri, 2001 edition ("Micro-thesauri:
 * a tool for documenting human rights violations", Dueck, Guzman and Verstappen, HURIDOCS 2001), as
 * HURIDOCS ships them in its own OpenEvSys (schema/mysql-dbpopulate-mt.sql, table mt_vocab: the
 * `list_code` is the micro-thesaurus number, the `huri_code` the term's code, two digits a level,
 * padded with zeros to twelve). Every code below was read there; a code is accepted padded or not
 * (`030101` or `030101000000`). The book itself was not at hand, so where a term's code could not be
 * confirmed it is matched by its label only (marked `code: null`), and Source Type is mapped by
 * label only: its codes were not found.
 */

export type HuridocsField = 'act_type' | 'status' | 'involvement' | 'source_kind' | 'reliability' | 'sex';

interface Term {
  /** The micro-thesaurus code, unpadded; null where it could not be confirmed (matched by label only). */
  code: string | null;
  label: string;
  /** Vigil's value; null: the term has no Vigil equivalent. */
  vigil: string | null;
}

interface Thesaurus {
  name: string;
  /** The micro-thesaurus number (OpenEvSys list_code); null if not confirmed. */
  number: number | null;
  terms: Term[];
}

export const HURIDOCS_THESAURI: Record<HuridocsField, Thesaurus> = {
  act_type: {
    name: 'Types of Acts',
    number: 4,
    terms: [
      { code: '01010601', label: 'Death in detention or police custody', vigil: 'death_in_custody' },
      { code: '01010101', label: 'Summary execution', vigil: null },
      { code: '020103', label: 'Psychological assault, harassment', vigil: 'harassment' },
      { code: '02010301', label: 'Threats (not including death threats)', vigil: 'threat' },
      { code: '02010302', label: 'Death threats', vigil: 'threat' },
      { code: '02010303', label: 'Surveillance', vigil: 'surveillance' },
      { code: '02010304', label: 'Stalking', vigil: 'surveillance' },
      { code: '02011101', label: 'Rape', vigil: null },
      { code: '02011111', label: 'Torture', vigil: 'torture' },
      { code: '030101', label: 'Arrest', vigil: 'arrest' },
      { code: '030102', label: 'Detention, imprisonment', vigil: 'detention' },
      { code: '030103', label: 'Disappearance', vigil: 'disappearance' },
      { code: '030104', label: 'Abduction; kidnapping', vigil: 'abduction' },
      { code: '030105', label: 'House arrest', vigil: 'house_arrest' },
      { code: '030106', label: 'Slavery', vigil: null },
      { code: '030107', label: 'Mass roundup', vigil: 'arrest' },
      { code: '030108', label: 'Curfew', vigil: null },
      { code: '050101', label: 'Internal exile', vigil: null },
      { code: '050102', label: 'Exile', vigil: null },
      { code: '050103', label: 'Eviction', vigil: null },
      { code: '050106', label: 'Restriction on travel', vigil: 'travel_ban' },
    ],
  },
  status: {
    name: 'Status at the End of the Act',
    number: 25,
    terms: [
      { code: '0101', label: 'Dead', vigil: 'deceased' },
      { code: '0102', label: 'Wounded; injured', vigil: null },
      { code: '0201', label: 'Arrested and released or escaped', vigil: 'at_liberty' },
      { code: '020101', label: 'Arrested and released - undergoing investigation', vigil: 'released_restricted' },
      { code: '020102', label: 'Arrested and released - undergoing trial', vigil: 'released_restricted' },
      { code: '020103', label: 'Arrested and released - underwent investigation/trial and procedures stopped', vigil: 'at_liberty' },
      { code: '020104', label: 'Arrested and released - underwent trial and acquitted', vigil: 'at_liberty' },
      { code: '020105', label: 'Arrested and released - underwent trial and served sentence', vigil: 'at_liberty' },
      { code: '020109', label: 'Arrested and escaped', vigil: null },
      { code: '0202', label: 'Arrested and currently held', vigil: 'detained' },
      { code: '0301', label: 'Restricted in movement', vigil: null },
      { code: null, label: 'Disappeared', vigil: 'disappeared' },
    ],
  },
  involvement: {
    name: 'Degree of Involvement',
    number: 18,
    terms: [
      { code: '0101', label: 'Directly carried out the act', vigil: 'direct' },
      { code: '0102', label: 'Gave orders that led to the act', vigil: 'ordered' },
      { code: '0201', label: 'As perpetrator of exploitation', vigil: null },
      { code: '0202', label: 'As perpetrator of discrimination', vigil: null },
      { code: '0301', label: 'Authored the violative law or policy', vigil: null },
      { code: '05', label: 'Involvement by state agents through failure to offer protection', vigil: 'indirect' },
      { code: '0501', label: 'Failure to exercise authority over subordinates', vigil: 'indirect' },
      { code: '0502', label: 'Failure to act upon knowledge that subordinates planned or carried out an unlawful act', vigil: 'indirect' },
    ],
  },
  reliability: {
    name: 'Reliability',
    number: 42,
    terms: [
      { code: '01', label: 'Highly reliable', vigil: 'high' },
      { code: '02', label: 'Likely reliable', vigil: 'medium' },
      { code: '03', label: 'Unsure', vigil: 'unknown' },
      { code: '05', label: 'Highly unreliable', vigil: 'low' },
    ],
  },
  sex: {
    name: 'Sex',
    number: 39,
    terms: [
      { code: '01', label: 'Male', vigil: 'male' },
      { code: '02', label: 'Female', vigil: 'female' },
    ],
  },
  source_kind: {
    name: 'Source Type (by label only: codes not confirmed)',
    number: null,
    terms: [
      { code: null, label: 'Testimony', vigil: 'testimony' },
      { code: null, label: 'Interview', vigil: 'interview' },
      { code: null, label: 'Audio recording', vigil: 'voice_recording' },
      { code: null, label: 'Telephone call', vigil: 'phone_call' },
      { code: null, label: 'Press article', vigil: 'media_article' },
      { code: null, label: 'Newspaper', vigil: 'media_article' },
      { code: null, label: 'Official document', vigil: 'official_document' },
      { code: null, label: 'Social media', vigil: 'social_media' },
    ],
  },
};

/** A code as written in a HURIDOCS system: digits, two a level, maybe padded with zeros to twelve. */
const CODE = /^(?:\d\d){1,6}$/;

function unpadded(code: string): string {
  return code.replace(/(?:00)+$/, '') || code;
}

const labelKey = (text: string) => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

const byCode = new Map<HuridocsField, Map<string, Term>>();
const byLabel = new Map<HuridocsField, Map<string, Term>>();
for (const [field, thesaurus] of Object.entries(HURIDOCS_THESAURI) as Array<[HuridocsField, Thesaurus]>) {
  byCode.set(field, new Map(thesaurus.terms.filter((term) => term.code !== null).map((term) => [term.code!, term])));
  byLabel.set(field, new Map(thesaurus.terms.map((term) => [labelKey(term.label), term])));
}

export type HuridocsResult =
  /** Vigil's value for it. */
  | { value: string }
  /** A HURIDOCS term with no Vigil equivalent: the reason, for `line N: …`. */
  | { error: string }
  /** Not a HURIDOCS term this table knows: left to the schema, which names Vigil's values. */
  | null;

/**
 * A value of one of Vigil's vocabularies as given in an import file: Vigil's own value passes as it
 * is (the caller checks that first), a HURIDOCS code or label becomes Vigil's value, a HURIDOCS term
 * without a Vigil equivalent is an error that says so.
 */
export function fromHuridocs(field: HuridocsField, given: string): HuridocsResult {
  const thesaurus = HURIDOCS_THESAURI[field];
  const term = CODE.test(given.trim()) ? byCode.get(field)!.get(unpadded(given.trim())) : byLabel.get(field)!.get(labelKey(given));
  if (!term) return null;
  if (term.vigil !== null) return { value: term.vigil };
  const named = term.code === null ? `HURIDOCS term "${term.label}"` : `HURIDOCS code ${term.code} "${term.label}"`;
  return { error: `(${named} in ${thesaurus.name} has no Vigil equivalent)` };
}
