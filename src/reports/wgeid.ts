/**
 * The WGEID communication (DESIGN §6; issue 4's draft, issue 7's report), built from a plain
 * snapshot of the case file: no I/O, no clock of its own. The six elements the Working Group
 * requires — (a) identity, (b) date, (c) place, (d) forces believed responsible, (e) actions
 * taken to locate the person, (f) submitter — each say whether they are present, which record
 * field would fill them, and which sources stand behind them.
 */

export const WGEID_ELEMENT_KEYS = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
export type WgeidElementKey = (typeof WGEID_ELEMENT_KEYS)[number];

export const WGEID_ELEMENT_LABELS: Record<WgeidElementKey, string> = {
  a: 'Identity of the disappeared person',
  b: 'Date of the disappearance',
  c: 'Place of arrest, abduction or where last seen',
  d: 'Forces believed responsible',
  e: 'Actions taken to locate the person',
  f: 'Submitted by',
};

export const WGEID_ADDRESSEE = 'UN Working Group on Enforced or Involuntary Disappearances';

// ---------------------------------------------------------------------------------------------
// The snapshot: what the gatherer (reports.repository.ts) reads, already cut to what the reader may see.

export interface CaseFileName {
  text: string;
  script: string;
  lang: string | null;
  kind: string;
}

export interface CaseFilePerson {
  id: string;
  case_number: string;
  names: CaseFileName[];
  sex: string | null;
  birth: string | null;
  ethnicity: string | null;
  citizenships: string[];
  father_name: string | null;
  occupation: string | null;
  hometown: string | null;
  residence: string | null;
  /** Secret: set only for a reader allowed secrets; the communication then flags it as sensitive. */
  national_id?: string | null;
  /** Citations of the person record itself: which field (null: the person as a whole) and which source. */
  citations: Array<{ source_id: string; field: string | null }>;
}

export interface CaseFileStatus {
  id: string;
  status: string;
  date: string;
  date_earliest: string;
  place: string | null;
  whereabouts_acknowledged: string | null;
  source_ids: string[];
}

export interface CaseFileAct {
  id: string;
  type: string;
  victim_id: string | null;
  date: string | null;
  date_earliest: string | null;
  place: string | null;
  perpetrators: Array<{ actor_id: string; involvement: string }>;
  source_ids: string[];
}

export interface CaseFileEvent {
  id: string;
  title: string;
  date: string | null;
  date_earliest: string | null;
  place: string | null;
  acts: CaseFileAct[];
  source_ids: string[];
}

export interface CaseFileActor {
  id: string;
  name: string;
  type: string;
}

export interface CaseFileIntervention {
  id: string;
  type: string;
  addressee: string | null;
  date: string | null;
  date_earliest: string | null;
  status: string;
}

export interface CaseFileSource {
  id: string;
  kind: string;
  title: string;
  date: string | null;
  /** Must not be named outside the organisation: a document lists it without its title. */
  confidential: boolean;
}

export interface WgeidCaseFile {
  person: CaseFilePerson;
  /** The live timeline (any order; sorted here by earliest day, stable). */
  statuses: CaseFileStatus[];
  events: CaseFileEvent[];
  /** The actors the reader may see; perpetrators not among them are left out. */
  actors: CaseFileActor[];
  interventions: CaseFileIntervention[];
  /** The sources the reader may see; citations of any other are left out. */
  sources: CaseFileSource[];
  /** Who submits: the organisation or the person preparing the communication; null when unknown. */
  submitter: string | null;
}

// ---------------------------------------------------------------------------------------------
// The communication.

export interface RecordRef {
  type: 'person' | 'status_entry' | 'event' | 'act' | 'intervention';
  id: string;
}

export interface WgeidElement<V> {
  label: string;
  present: boolean;
  missing: boolean;
  /** The element as a sentence or list, for the document; null when missing. */
  text: string | null;
  value: V | null;
  /** The record field that fills the element (for a link from the flag to the form). */
  field: string;
  /** Further fields the element would name if they were filled (e.g. a birth date). */
  gaps: string[];
  /** Ids of the sources cited for the facts of this element. */
  sources: string[];
  /** The records the facts come from. */
  records: RecordRef[];
}

export interface IdentityValue {
  name: string;
  names: CaseFileName[];
  sex: string | null;
  birth: string | null;
  ethnicity: string | null;
  citizenships: string[];
  father_name: string | null;
  occupation: string | null;
  hometown: string | null;
  residence: string | null;
  national_id?: string;
}

export interface DateValue {
  /** EDTF, as recorded. */
  date: string;
  /** The earliest day it can mean: the day the three months count from. */
  earliest: string;
  /** What happened on that date: an act type or a status. */
  what: string;
}

export interface PlaceValue {
  place: string;
}

export interface ForcesValue {
  actors: Array<{ actor_id: string; name: string; type: string; involvement: string }>;
}

export interface ActionsValue {
  actions: Array<{ kind: 'intervention' | 'inquiry'; date: string | null; type: string; addressee: string | null; status: string | null; text: string; record: RecordRef }>;
}

export interface SubmitterValue {
  name: string;
}

export interface WgeidElements {
  a: WgeidElement<IdentityValue>;
  b: WgeidElement<DateValue>;
  c: WgeidElement<PlaceValue>;
  d: WgeidElement<ForcesValue>;
  e: WgeidElement<ActionsValue>;
  f: WgeidElement<SubmitterValue>;
}

export type WgeidProcedure = 'urgent' | 'standard';

export interface WgeidCommunication {
  person_id: string;
  case_number: string;
  procedure: WgeidProcedure;
  procedure_reason: string;
  generated_at: string;
  elements: WgeidElements;
  missing: WgeidElementKey[];
  narrative: string;
  /** Every source an element cites, in the order first cited. */
  supporting_documents: CaseFileSource[];
  /** Secret fields the communication carries (e.g. `a.national_id`): never to be sent on unchecked. */
  sensitive: string[];
}

// ---------------------------------------------------------------------------------------------
// Rules.

/** Statuses that continue a disappearance backwards: the arrest or detention it began with. */
const CUSTODY_STATUSES = new Set(['detained', 'camp', 'imprisoned', 'forced_psychiatric', 'disappeared']);
/** Acts that can begin a disappearance. */
const DEPRIVATION_ACTS = new Set(['arrest', 'detention', 'abduction', 'disappearance']);
const DISAPPEARANCE_ACTS = new Set(['abduction', 'disappearance']);
const INVOLVEMENT_RANK = ['direct', 'ordered', 'indirect', 'unknown'];
/** One actor named in several acts is shown with its most direct involvement. */
const rank = (involvement: string) => {
  const r = INVOLVEMENT_RANK.indexOf(involvement);
  return r < 0 ? INVOLVEMENT_RANK.length : r;
};

const INTERVENTION_LABELS: Record<string, string> = {
  wgeid_urgent: 'urgent appeal to the UN WGEID',
  wgeid_standard: 'communication to the UN WGEID',
  un_special_procedure: 'communication to a UN special procedure',
  embassy: 'appeal to an embassy',
  press: 'press release or media appeal',
  letter_to_authorities: 'letter to the authorities',
  lawyer: 'steps by a lawyer',
  family_petition: 'petition by the family',
};

const WHAT_HAPPENED: Record<string, string> = {
  arrest: 'was arrested',
  detention: 'was detained',
  abduction: 'was abducted',
  disappearance: 'disappeared',
  detained: 'was taken into custody',
  camp: 'was taken to a camp',
  imprisoned: 'was imprisoned',
  forced_psychiatric: 'was confined in a psychiatric hospital',
  disappeared: 'was last seen',
};

/** `day` (YYYY-MM-DD) plus whole calendar months; a day the month lacks becomes its last day (Nov 30 + 3 → Feb 28). */
export function addCalendarMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(targetYear, 4)}-${pad(targetMonth + 1)}-${pad(Math.min(date, lastDay))}`;
}

/**
 * Urgent while the disappearance is less than three months old: until the day three calendar
 * months after its earliest day (UTC), standard from that day on. Without a date: standard.
 */
export function procedureFor(disappearedOn: string | null, now: Date): { procedure: WgeidProcedure; reason: string } {
  if (!disappearedOn) return { procedure: 'standard', reason: 'the date of the disappearance is not recorded, so the standard procedure applies until it is' };
  const today = now.toISOString().slice(0, 10);
  const until = addCalendarMonths(disappearedOn, 3);
  return today < until
    ? { procedure: 'urgent', reason: `the disappearance (${disappearedOn}) is less than three months old on ${today}: urgent procedure until ${until}` }
    : { procedure: 'standard', reason: `the disappearance (${disappearedOn}) is three months old or more on ${today} (since ${until}): standard procedure` };
}

interface DatedFact {
  day: string | null;
  date: string | null;
  place: string | null;
  what: string;
  sources: string[];
  records: RecordRef[];
}

interface Episode {
  /** The timeline entries of the disappearance: the custody it began with, up to the last `disappeared`. */
  entries: CaseFileStatus[];
  /** Deprivation acts against the person within the episode. */
  acts: Array<{ act: CaseFileAct; event: CaseFileEvent; day: string | null }>;
}

const byDay = <T>(day: (item: T) => string | null) => (x: T, y: T) => {
  const a = day(x) ?? '9999-12-31';
  const b = day(y) ?? '9999-12-31';
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * The disappearance the communication is about: the latest `disappeared` entry, walked back over
 * the custody entries just before it (the arrest it began with), and the arrests, detentions,
 * abductions and disappearances of the person between the entry before that and the entry after.
 * With no `disappeared` entry, the events that record a disappearance or abduction stand alone.
 */
function findEpisode(file: WgeidCaseFile): Episode {
  const statuses = [...file.statuses].sort(byDay((s) => s.date_earliest));
  const victimActs = file.events.flatMap((event) =>
    event.acts
      .filter((act) => act.victim_id === file.person.id && DEPRIVATION_ACTS.has(act.type))
      .map((act) => ({ act, event, day: act.date_earliest ?? event.date_earliest })),
  );
  const last = statuses.map((s) => s.status).lastIndexOf('disappeared');
  if (last < 0) {
    const events = new Set(victimActs.filter((a) => DISAPPEARANCE_ACTS.has(a.act.type)).map((a) => a.event.id));
    return { entries: [], acts: victimActs.filter((a) => events.has(a.event.id)).sort(byDay((a) => a.day)) };
  }
  let start = last;
  while (start > 0 && CUSTODY_STATUSES.has(statuses[start - 1]!.status)) start--;
  const from = start > 0 ? statuses[start - 1]!.date_earliest : null;
  const until = statuses[last + 1]?.date_earliest ?? null;
  const acts = victimActs.filter((a) => a.day === null || ((from === null || a.day >= from) && (until === null || a.day <= until)));
  return { entries: statuses.slice(start, last + 1), acts: acts.sort(byDay((a) => a.day)) };
}

function episodeFacts(episode: Episode): DatedFact[] {
  const fromEntries = episode.entries.map((entry) => ({
    day: entry.date_earliest,
    date: entry.date,
    place: entry.place,
    what: entry.status,
    sources: entry.source_ids,
    records: [{ type: 'status_entry' as const, id: entry.id }],
  }));
  const fromActs = episode.acts.map(({ act, event, day }) => ({
    day,
    date: act.date ?? event.date,
    place: act.place ?? event.place,
    what: act.type,
    sources: [...act.source_ids, ...event.source_ids],
    records: [
      { type: 'act' as const, id: act.id },
      { type: 'event' as const, id: event.id },
    ],
  }));
  // Stable: on the same day, the timeline entry speaks first, then the acts.
  return [...fromEntries, ...fromActs].sort(byDay((f) => f.day));
}

function unique<T>(items: T[], key: (item: T) => string = String): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const uniqueRefs = (refs: RecordRef[]) => unique(refs, (r) => `${r.type}:${r.id}`);

function element<V>(key: WgeidElementKey, field: string, found: { value: V; text: string; sources: string[]; records: RecordRef[]; gaps?: string[] } | null, visibleSources: Set<string>): WgeidElement<V> {
  return {
    label: WGEID_ELEMENT_LABELS[key],
    present: found !== null,
    missing: found === null,
    text: found?.text ?? null,
    value: found?.value ?? null,
    field,
    gaps: found?.gaps ?? [],
    sources: found ? unique(found.sources).filter((id) => visibleSources.has(id)) : [],
    records: found ? uniqueRefs(found.records) : [],
  };
}

/** The name a communication in English leads with: the first in Latin script, else the first. */
function leadingName(names: CaseFileName[]): CaseFileName | null {
  return names.find((n) => n.script === 'Latn') ?? names[0] ?? null;
}

const IDENTITY_FIELDS = new Set(['names', 'sex', 'birth', 'ethnicity', 'citizenships', 'father_name', 'national_id', 'occupation', 'hometown', 'residence']);

function identityElement(file: WgeidCaseFile, visible: Set<string>): WgeidElement<IdentityValue> {
  const p = file.person;
  const lead = leadingName(p.names);
  if (!lead) return element<IdentityValue>('a', 'person.names', null, visible);
  const gaps = [
    ...(p.sex ? [] : ['person.sex']),
    ...(p.birth ? [] : ['person.birth']),
    ...(p.ethnicity ? [] : ['person.ethnicity']),
    ...(p.citizenships.length ? [] : ['person.citizenships']),
  ];
  const nationalId = p.national_id?.trim() || null;
  const value: IdentityValue = {
    name: lead.text,
    names: p.names,
    sex: p.sex,
    birth: p.birth,
    ethnicity: p.ethnicity,
    citizenships: p.citizenships,
    father_name: p.father_name,
    occupation: p.occupation,
    hometown: p.hometown,
    residence: p.residence,
    ...(nationalId ? { national_id: nationalId } : {}),
  };
  const others = p.names.filter((n) => n !== lead).map((n) => `${n.text} (${[n.script, n.lang, n.kind].filter(Boolean).join(', ')})`);
  const lines = [
    lead.text,
    ...(others.length ? [`other names: ${others.join('; ')}`] : []),
    ...(p.sex ? [`sex: ${p.sex}`] : []),
    ...(p.birth ? [`born: ${p.birth}`] : []),
    ...(p.ethnicity ? [`ethnicity: ${p.ethnicity}`] : []),
    ...(p.citizenships.length ? [`citizenship: ${p.citizenships.join(', ')}`] : []),
    ...(p.father_name ? [`father's name: ${p.father_name}`] : []),
    ...(p.occupation ? [`occupation: ${p.occupation}`] : []),
    ...(p.hometown ? [`from: ${p.hometown}`] : []),
    ...(p.residence ? [`residence: ${p.residence}`] : []),
    ...(nationalId ? [`identity document number: ${nationalId} (sensitive)`] : []),
  ];
  const sources = p.citations.filter((c) => c.field === null || IDENTITY_FIELDS.has(c.field)).map((c) => c.source_id);
  return element('a', 'person.names', { value, text: lines.join('; '), sources, records: [{ type: 'person', id: p.id }], gaps }, visible);
}

function forcesElement(file: WgeidCaseFile, episode: Episode, visible: Set<string>): WgeidElement<ForcesValue> {
  const actors = new Map(file.actors.map((a) => [a.id, a]));
  const found = new Map<string, { actor: CaseFileActor; involvement: string }>();
  const sources: string[] = [];
  const records: RecordRef[] = [];
  for (const { act, event } of episode.acts) {
    const named = act.perpetrators.filter((p) => actors.has(p.actor_id));
    if (named.length === 0) continue;
    sources.push(...act.source_ids, ...event.source_ids);
    records.push({ type: 'act', id: act.id }, { type: 'event', id: event.id });
    for (const p of named) {
      const before = found.get(p.actor_id);
      if (!before || rank(p.involvement) < rank(before.involvement)) found.set(p.actor_id, { actor: actors.get(p.actor_id)!, involvement: p.involvement });
    }
  }
  if (found.size === 0) return element<ForcesValue>('d', 'event.acts.perpetrators', null, visible);
  const list = [...found.values()].map(({ actor, involvement }) => ({ actor_id: actor.id, name: actor.name, type: actor.type, involvement }));
  const text = list.map((a) => `${a.name} (${a.type.replace(/_/g, ' ')}; ${a.involvement === 'unknown' ? 'involvement unknown' : `${a.involvement} involvement`})`).join('; ');
  return element('d', 'event.acts.perpetrators', { value: { actors: list }, text, sources, records }, visible);
}

function actionsElement(file: WgeidCaseFile, episode: Episode, since: string | null, visible: Set<string>): WgeidElement<ActionsValue> {
  const dated: Array<{ day: string | null; action: ActionsValue['actions'][number] }> = [];
  const sources: string[] = [];
  for (const entry of episode.entries.filter((e) => e.whereabouts_acknowledged === 'denied')) {
    const text = `${entry.date}: inquiries with the authorities, who denied holding the person or knowing the whereabouts`;
    dated.push({ day: entry.date_earliest, action: { kind: 'inquiry', date: entry.date, type: 'inquiry_denied', addressee: null, status: null, text, record: { type: 'status_entry', id: entry.id } } });
    sources.push(...entry.source_ids);
  }
  // Drafts are not yet actions; steps taken before the disappearance did not seek the person.
  const taken = file.interventions.filter((i) => i.status !== 'draft' && (since === null || i.date_earliest === null || i.date_earliest >= since));
  for (const i of taken) {
    const label = INTERVENTION_LABELS[i.type] ?? i.type.replace(/_/g, ' ');
    const text = `${i.date ?? 'undated'}: ${label}${i.addressee ? ` to ${i.addressee}` : ''} (${i.status})`;
    dated.push({ day: i.date_earliest, action: { kind: 'intervention', date: i.date, type: i.type, addressee: i.addressee, status: i.status, text, record: { type: 'intervention', id: i.id } } });
  }
  if (dated.length === 0) return element<ActionsValue>('e', 'intervention', null, visible);
  const actions = dated.sort(byDay((d) => d.day)).map((d) => d.action);
  return element('e', 'intervention', { value: { actions }, text: actions.map((a) => a.text).join('; '), sources, records: actions.map((a) => a.record) }, visible);
}

function pronouns(sex: string | null): { subject: string; object: string; possessive: string } {
  if (sex === 'female') return { subject: 'she', object: 'her', possessive: 'her' };
  if (sex === 'male') return { subject: 'he', object: 'him', possessive: 'his' };
  return { subject: 'they', object: 'them', possessive: 'their' };
}

function narrativeOf(file: WgeidCaseFile, elements: WgeidElements, episode: Episode): string {
  const { a, b, c, d, e, f } = elements;
  const p = file.person;
  const them = pronouns(p.sex);
  const sentences: string[] = [];
  const who = a.value ? a.value.name : `The person of case ${p.case_number}`;
  const others = a.value ? a.value.names.filter((n) => n.text !== a.value!.name).map((n) => n.text) : [];
  const described = [
    ...(p.sex ? [p.sex] : []),
    ...(p.birth ? [`born ${p.birth}`] : []),
    ...(p.ethnicity ? [p.ethnicity] : []),
    ...(p.citizenships.length ? [`a citizen of ${p.citizenships.join(' and ')}`] : []),
  ];
  const subject = `${who}${others.length ? ` (also written ${others.join('; ')})` : ''}${described.length ? `, ${described.join(', ')},` : ''}`;
  const happened = b.value ? (WHAT_HAPPENED[b.value.what] ?? 'was last seen') : 'disappeared';
  sentences.push(`${subject} ${happened} ${b.value ? `on ${b.value.date}` : 'on a date not yet recorded'} ${c.value ? `at ${c.value.place}` : 'at a place not yet recorded'}.`);
  sentences.push(d.value ? `The forces believed responsible are: ${d.text}.` : 'The forces responsible are not yet identified in the case file.');
  if (episode.entries.some((entry) => entry.whereabouts_acknowledged === 'denied')) {
    sentences.push(`The authorities have denied holding ${them.object} or knowing ${them.possessive} whereabouts.`);
  } else if (episode.entries.length > 0) {
    sentences.push(`${capitalise(them.possessive)} fate and whereabouts remain unknown.`);
  }
  sentences.push(e.value ? `Steps taken to locate ${them.object}: ${e.text}.` : `No steps taken to locate ${them.object} are recorded yet.`);
  if (f.value) sentences.push(`Submitted by ${f.value.name}.`);
  return sentences.join(' ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The communication for the case file as of `now` (which decides urgent or standard). */
export function buildWgeidCommunication(file: WgeidCaseFile, now: Date): WgeidCommunication {
  const visible = new Set(file.sources.map((s) => s.id));
  const episode = findEpisode(file);
  const facts = episodeFacts(episode);
  const first = facts.find((fact) => fact.day !== null && fact.date !== null) ?? null;
  const sameDay = first ? facts.filter((fact) => fact.day === first.day) : [];
  const b = element<DateValue>(
    'b',
    'status_entry.date',
    first ? { value: { date: first.date!, earliest: first.day!, what: first.what }, text: first.date!, sources: sameDay.flatMap((x) => x.sources), records: sameDay.flatMap((x) => x.records) } : null,
    visible,
  );
  // Where it began; else the next place the case file knows for the episode ("last seen").
  const placed = sameDay.find((fact) => fact.place) ?? facts.find((fact) => fact.place) ?? null;
  const c = element<PlaceValue>(
    'c',
    'status_entry.place',
    placed ? { value: { place: placed.place! }, text: placed.place!, sources: placed.sources, records: placed.records } : null,
    visible,
  );
  const submitter = file.submitter?.trim() || null;
  const elements: WgeidElements = {
    a: identityElement(file, visible),
    b,
    c,
    d: forcesElement(file, episode, visible),
    e: actionsElement(file, episode, b.value?.earliest ?? null, visible),
    f: element<SubmitterValue>('f', 'user.display_name', submitter ? { value: { name: submitter }, text: submitter, sources: [], records: [] } : null, visible),
  };
  const { procedure, reason } = procedureFor(b.value?.earliest ?? null, now);
  const cited = unique(WGEID_ELEMENT_KEYS.flatMap((key) => elements[key].sources));
  const sourcesById = new Map(file.sources.map((s) => [s.id, s]));
  return {
    person_id: file.person.id,
    case_number: file.person.case_number,
    procedure,
    procedure_reason: reason,
    generated_at: now.toISOString(),
    elements,
    missing: WGEID_ELEMENT_KEYS.filter((key) => elements[key].missing),
    narrative: narrativeOf(file, elements, episode),
    supporting_documents: cited.map((id) => sourcesById.get(id)!),
    sensitive: elements.a.value?.national_id ? ['a.national_id'] : [],
  };
}

/**
 * The communication as plain text, for an intervention's note: procedure, what is missing and
 * where to fill it, the six elements, the summary and the supporting documents (confidential
 * ones without their titles). Cut to `maxLength` characters.
 */
export function wgeidDraftText(communication: WgeidCommunication, heading: string, maxLength = 20_000): string {
  const { elements } = communication;
  const lines = [
    heading,
    `Procedure: ${communication.procedure} (${communication.procedure_reason}).`,
    communication.missing.length
      ? `Missing elements: ${communication.missing.map((key) => `(${key}) ${elements[key].label} — fill ${elements[key].field}`).join('; ')}.`
      : 'All six required elements are present.',
    '',
    ...WGEID_ELEMENT_KEYS.map((key) => `(${key}) ${elements[key].label}: ${elements[key].text ?? `[MISSING — fill ${elements[key].field}]`}`),
    '',
    `Summary: ${communication.narrative}`,
  ];
  if (communication.supporting_documents.length) {
    lines.push('', 'Supporting documents:');
    for (const s of communication.supporting_documents) {
      lines.push(`- ${s.kind.replace(/_/g, ' ')}${s.date ? `, ${s.date}` : ''}: ${s.confidential ? '(confidential source)' : s.title}`);
    }
  }
  const text = lines.join('\n');
  if (text.length <= maxLength) return text;
  // Never cut a surrogate pair in half.
  const cut = text.slice(0, maxLength - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}
