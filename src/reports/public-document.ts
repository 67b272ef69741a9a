/**
 * What an urgent action and a press brief share (issue 7), pure: both are built from the same
 * snapshot as the WGEID communication (reports.repository.ts), and both are meant to go public.
 * So the person is shown only as far as her consent allows — her name only for `named`, her
 * initials for `anonymous`, the case number for `none` or no consent — and every name form is
 * struck from every text the case file lends the document (event titles, places, source titles),
 * as are the name forms of everyone else in her case who has not agreed to be named. Places follow
 * her consent to location: `exact` as recorded, `region` cut to the region (stats/regions.ts; none
 * when the gazetteer knows none), `hidden` or no consent none at all. No secret field is in the
 * snapshot; a confidential source is cited without its title.
 */
import type { DirectoryEntry } from '../directory/directory.types.ts';
import { initialsPerScript, isOwnNameKind } from '../public/public.presenter.ts';
import { regionOf, UNKNOWN_REGION } from '../stats/regions.ts';
import { translator } from '../web/i18n.ts';
import type { CaseFileName, CaseFileSource, WgeidCaseFile } from './wgeid.ts';

export type Publicity = 'named' | 'anonymous' | 'none';
export type LocationDisclosure = 'exact' | 'region' | 'hidden';

/** The snapshot plus the person's consent to publicity and location, and the names to withhold. */
export interface PublicCaseFile extends WgeidCaseFile {
  publicity: Publicity;
  location: LocationDisclosure;
  /** The name forms of the other persons of the case (relations, co-victims) not consenting to be named. */
  withheld_names: string[];
}

/** A directory entry as a document names it. */
export type Addressee = Pick<DirectoryEntry, 'id' | 'kind' | 'name' | 'country' | 'salutation' | 'address' | 'email' | 'phone' | 'fax' | 'website'>;

export interface DocumentFact {
  date: string | null;
  text: string;
  /** Ids of the sources cited for it, in the document's footnote order. */
  sources: string[];
}

export interface DocumentAsk {
  key: 'disclose_whereabouts' | 'release' | 'access' | 'no_torture' | 'medical_care' | 'lift_restrictions' | 'confirm_safety' | 'investigate_death';
  text: string;
}

export type DocumentKind = 'urgent_action' | 'brief';

export interface PublicDocument {
  kind: DocumentKind;
  person_id: string;
  case_number: string;
  generated_at: string;
  publicity: Publicity;
  /** How the document names the person: her name, her initials, or the case. */
  shown_as: string;
  named: boolean;
  title: string;
  summary: string;
  background: DocumentFact[];
  asks: DocumentAsk[];
  addressees: Addressee[];
  /** Why no addressee is given, when none is. */
  addressee_hint: string | null;
  /** The sources the facts cite, in footnote order; confidential ones without their titles in any rendering. */
  sources: CaseFileSource[];
  /** The current status the asks were derived from. */
  current_status: string | null;
}

const CUSTODY = new Set(['detained', 'camp', 'imprisoned', 'forced_psychiatric', 'disappeared']);
const RESTRICTED = new Set(['house_arrest', 'released_restricted', 'exit_banned', 'harassed', 'summoned']);

const STATUS_PHRASES: Record<string, string> = {
  at_liberty: 'at liberty',
  harassed: 'harassed by the authorities',
  summoned: 'summoned by the authorities',
  house_arrest: 'placed under house arrest',
  detained: 'detained',
  camp: 'held in a camp',
  imprisoned: 'imprisoned',
  forced_psychiatric: 'confined in a psychiatric hospital',
  disappeared: 'last seen; fate and whereabouts unknown',
  released_restricted: 'released under restrictions',
  exit_banned: 'barred from leaving the country',
  abroad: 'abroad',
  deceased: 'reported dead',
  unknown: 'situation unknown',
};

const ACT_PHRASES: Record<string, string> = {
  arrest: 'arrest',
  detention: 'detention',
  abduction: 'abduction',
  disappearance: 'enforced disappearance',
};

export function pronouns(sex: string | null): { subject: string; object: string; possessive: string; is: string; needs: string } {
  if (sex === 'female') return { subject: 'she', object: 'her', possessive: 'her', is: 'she is', needs: 'she needs' };
  if (sex === 'male') return { subject: 'he', object: 'him', possessive: 'his', is: 'he is', needs: 'he needs' };
  return { subject: 'they', object: 'them', possessive: 'their', is: 'they are', needs: 'they need' };
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The Latin form a document leads with: the person's own name or a rendering of it before an alias or a birth name. */
function leadingName(names: CaseFileName[]): CaseFileName | null {
  const latin = names.filter((n) => n.script === 'Latn');
  return latin.find((n) => n.kind === 'primary') ?? latin.find((n) => isOwnNameKind(n.kind)) ?? latin[0] ?? names[0] ?? null;
}

/** How the document names the person, as far as her consent allows. */
export function shownAs(file: PublicCaseFile): { text: string; named: boolean } {
  const lead = leadingName(file.person.names);
  if (file.publicity === 'named' && lead) return { text: lead.text, named: true };
  if (file.publicity === 'anonymous') {
    // The register's initials (public/public.presenter.ts), so one case never carries two sets of them.
    const initials = initialsPerScript(file.person.names);
    const shown = initials.find((n) => n.script === 'Latn') ?? initials[0];
    if (shown) return { text: shown.text, named: false };
  }
  return { text: `the person of case ${file.person.case_number}`, named: false };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const wordsOf = (forms: string[]) => forms.flatMap((form) => form.split(/[\s·.\-‐,]+/u)).filter((w) => [...w].length >= 2);
const fold = (text: string) => text.toLocaleLowerCase();

const WITHHELD = '[name withheld]';

/**
 * Strikes name forms from a text the case file lends the document: the person's (and her
 * father's) unless she is named, with `replacement`; every withheld name of another person, with
 * "[name withheld]" — whole forms first, then their words of two letters or more, except a word of
 * the named person's own name (her sister's surname is hers too, and she agreed to it).
 */
export function redactorFor(file: PublicCaseFile, replacement: string): (text: string) => string {
  const names = file.person.names.map((n) => n.text);
  const own = [...names, ...(file.person.father_name ? [file.person.father_name] : [])];
  // Only her own names are kept when she is named: her consent does not cover her father, who may be withheld.
  const kept = new Set(file.publicity === 'named' ? [...names, ...wordsOf(names)].map(fold) : []);
  const struck = new Map<string, string>();
  const strike = (forms: string[], by: string) => {
    for (const form of [...forms, ...wordsOf(forms)]) if (!kept.has(fold(form)) && !struck.has(fold(form))) struck.set(fold(form), by);
  };
  if (file.publicity !== 'named') strike(own, replacement);
  strike(file.withheld_names, WITHHELD);
  if (struck.size === 0) return (text) => text;
  // Whole words only ("Li" must not strike "police"), except in Chinese, which has no spaces between words.
  const bounded = (form: string) => (/\p{Script=Han}/u.test(form) ? escapeRegExp(form) : `(?<![\\p{L}\\p{M}])${escapeRegExp(form)}(?![\\p{L}\\p{M}])`);
  const pattern = new RegExp([...struck.keys()].sort((a, b) => b.length - a.length).map(bounded).join('|'), 'giu');
  return (text) => text.replace(pattern, (match) => struck.get(fold(match)) ?? WITHHELD);
}

const REGION_NAMES = translator('en');

/** A place as far as her consent to location allows: as recorded, its region (in English, as the documents are), or none. */
export function placeFor(location: LocationDisclosure, place: string | null): string | null {
  if (!place || location === 'hidden') return null;
  if (location === 'exact') return place;
  const region = regionOf(place);
  return region === UNKNOWN_REGION ? null : REGION_NAMES.label('region', region);
}

/** The snapshot with every place (timeline, events, acts, hometown, residence) cut to her consent to location. */
export function locatedFile(file: PublicCaseFile): PublicCaseFile {
  if (file.location === 'exact') return file;
  const place = (text: string | null) => placeFor(file.location, text);
  return {
    ...file,
    person: { ...file.person, hometown: place(file.person.hometown), residence: place(file.person.residence) },
    statuses: file.statuses.map((entry) => ({ ...entry, place: place(entry.place) })),
    events: file.events.map((event) => ({ ...event, place: place(event.place), acts: event.acts.map((act) => ({ ...act, place: place(act.place) })) })),
  };
}

const byDay = <T>(day: (item: T) => string | null) => (x: T, y: T) => {
  const a = day(x) ?? '9999-12-31';
  const b = day(y) ?? '9999-12-31';
  return a < b ? -1 : a > b ? 1 : 0;
};

/** The timeline and the events of the person, in date order, each fact with its (visible) sources. */
export function backgroundOf(file: PublicCaseFile, redact: (text: string) => string): DocumentFact[] {
  const visible = new Set(file.sources.map((s) => s.id));
  const actors = new Map(file.actors.map((a) => [a.id, a]));
  const facts: Array<DocumentFact & { day: string | null }> = [];
  for (const entry of file.statuses) {
    const denied = entry.whereabouts_acknowledged === 'denied' ? '; the authorities deny holding them or knowing where they are' : '';
    const text = `${capitalise(STATUS_PHRASES[entry.status] ?? entry.status.replace(/_/g, ' '))}${entry.place ? ` — ${redact(entry.place)}` : ''}${denied}.`;
    facts.push({ day: entry.date_earliest, date: entry.date, text, sources: entry.source_ids.filter((id) => visible.has(id)) });
  }
  for (const event of file.events) {
    const acts = event.acts.filter((act) => act.victim_id === file.person.id);
    const doneBy = acts.flatMap((act) =>
      act.perpetrators.filter((p) => actors.has(p.actor_id)).map((p) => `${ACT_PHRASES[act.type] ?? act.type.replace(/_/g, ' ')} by ${actors.get(p.actor_id)!.name}${p.involvement === 'unknown' ? ' (involvement unconfirmed)' : ''}`),
    );
    const place = event.place ? ` — ${redact(event.place)}` : '';
    const text = `${redact(event.title)}${place}${doneBy.length ? ` (${[...new Set(doneBy)].join('; ')})` : ''}.`;
    const sources = [...event.source_ids, ...acts.flatMap((act) => act.source_ids)].filter((id) => visible.has(id));
    facts.push({ day: event.date_earliest, date: event.date, text, sources: [...new Set(sources)] });
  }
  return facts.sort(byDay((f) => f.day)).map(({ date, text, sources }) => ({ date, text, sources }));
}

/** The latest status entry by its earliest day (the timeline's last word). */
export function currentStatusOf(file: WgeidCaseFile): WgeidCaseFile['statuses'][number] | null {
  return [...file.statuses].sort(byDay((s) => s.date_earliest)).at(-1) ?? null;
}

/** What to ask for, from where the person stands now. */
export function asksFor(status: string | null, whereabouts: string | null, sex: string | null): DocumentAsk[] {
  const { object, possessive, is, needs } = pronouns(sex);
  const asks: DocumentAsk[] = [];
  if (status === 'disappeared' || (status !== null && CUSTODY.has(status) && whereabouts !== 'yes')) {
    asks.push({ key: 'disclose_whereabouts', text: `Immediately disclose ${possessive} fate and whereabouts, and the legal basis for any deprivation of liberty.` });
  }
  if (status !== null && CUSTODY.has(status)) {
    asks.push(
      { key: 'release', text: `Release ${object} immediately and unconditionally, unless charged with an internationally recognised offence and tried in proceedings that meet international fair-trial standards.` },
      { key: 'access', text: `Pending release, allow ${object} regular access to ${possessive} family and to a lawyer of ${possessive} choice.` },
      { key: 'no_torture', text: `Ensure that ${is} not subjected to torture or other ill-treatment.` },
      { key: 'medical_care', text: `Provide any medical care ${needs}.` },
    );
  } else if (status !== null && RESTRICTED.has(status)) {
    asks.push({ key: 'lift_restrictions', text: `Lift all restrictions on ${possessive} movement and communication, and end the harassment of ${object} and ${possessive} family.` });
  } else if (status === 'deceased') {
    asks.push({ key: 'investigate_death', text: `Open a prompt, impartial and independent investigation into ${possessive} death, and return ${possessive} body to ${possessive} family.` });
  } else {
    asks.push({ key: 'confirm_safety', text: `Confirm ${possessive} whereabouts and safety, and allow ${object} to contact ${possessive} family freely.` });
  }
  return asks;
}

/** The sources the facts cite, in the order first cited (the footnote numbers); their titles redacted too. */
export function citedSources(file: WgeidCaseFile, facts: DocumentFact[], redact: (text: string) => string): CaseFileSource[] {
  const byId = new Map(file.sources.map((s) => [s.id, s]));
  const ids = [...new Set(facts.flatMap((f) => f.sources))];
  return ids.flatMap((id) => {
    const source = byId.get(id);
    return source ? [{ ...source, title: redact(source.title) }] : [];
  });
}

const NO_ADDRESSEE_HINT = 'No addressee chosen, and the directory has none for the person’s country of citizenship: choose one from the directory, or add one there.';

/** What both documents share, ready for the title and summary each writes its own way. */
export function documentBase(kind: DocumentKind, recorded: PublicCaseFile, addressees: Addressee[], now: Date) {
  const file = locatedFile(recorded);
  const shown = shownAs(file);
  const redact = redactorFor(file, shown.named ? shown.text : shown.text.startsWith('the person') ? '[name withheld]' : shown.text);
  const background = backgroundOf(file, redact);
  const current = currentStatusOf(file);
  return {
    kind,
    person_id: file.person.id,
    case_number: file.person.case_number,
    generated_at: now.toISOString(),
    publicity: file.publicity,
    shown_as: shown.text,
    named: shown.named,
    background,
    asks: asksFor(current?.status ?? null, current?.whereabouts_acknowledged ?? null, file.person.sex),
    addressees,
    addressee_hint: addressees.length ? null : NO_ADDRESSEE_HINT,
    sources: citedSources(file, background, redact),
    current_status: current?.status ?? null,
    redact,
    current,
  };
}

/** The document as plain text, for the intervention's note: what was sent is kept. Confidential sources without titles. */
export function documentText(doc: PublicDocument, maxLength = 20_000): string {
  const footnote = new Map(doc.sources.map((s, i) => [s.id, i + 1]));
  const refs = (ids: string[]) => (ids.length ? ` [${ids.map((id) => footnote.get(id)).join(', ')}]` : '');
  const lines = [
    doc.title,
    `Case ${doc.case_number} — prepared ${doc.generated_at.slice(0, 10)}`,
    '',
    doc.summary,
    '',
    'Background:',
    ...doc.background.map((f) => `- ${f.date ?? 'undated'}: ${f.text}${refs(f.sources)}`),
    '',
    'Recommended action:',
    ...doc.asks.map((a) => `- ${a.text}`),
    '',
    'Write to:',
    ...(doc.addressees.length
      ? doc.addressees.map((a) => `- ${a.name}${a.address ? `, ${a.address.replace(/\s*\n\s*/g, ', ')}` : ''}${a.email ? `, ${a.email}` : ''}${a.salutation ? ` — salutation: ${a.salutation}` : ''}`)
      : [`- ${doc.addressee_hint}`]),
  ];
  if (doc.sources.length) {
    lines.push('', 'Sources:');
    doc.sources.forEach((s, i) => lines.push(`${i + 1}. ${s.kind.replace(/_/g, ' ')}${s.date ? `, ${s.date}` : ''}: ${s.confidential ? '(confidential source)' : s.title}`));
  }
  const text = lines.join('\n');
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}
