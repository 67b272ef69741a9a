import { LOCATION_DISCLOSURE, PUBLICITY } from '../persons/persons.schemas.ts';
import type { PersonName } from '../persons/persons.types.ts';
import { regionOf, UNKNOWN_REGION } from '../stats/regions.ts';
import type { RegisterRevision, RegisterRow, RegisterStatusEntry } from './public.repository.ts';

/**
 * What a case on the public register shows: the one place that decides it. Every field is named
 * here and passes through the person's consent (DESIGN §6):
 * - publicity `named`: every name form (with script and language), the full EDTF birth;
 *   `anonymous`: initials only (initialsOf), the year of birth; `none`: no name, no birth.
 * - location `exact`: hometown and the status entries' places as written; `region`: the region of
 *   the gazetteer (src/stats/regions.ts) or nothing; `hidden`: no place at all.
 * - always: case number, sex, ethnicity, citizenships, verification level, statuses with their dates.
 * A published person with no consent recorded (or one this code does not know) counts as none + hidden.
 * Never read, so never shown: national id, notes, residence, occupation, father's name, risk,
 * relations, contacts, sources, evidence, interventions, watches, status entries' notes.
 */

export type Publicity = (typeof PUBLICITY)[number];
export type LocationDisclosure = (typeof LOCATION_DISCLOSURE)[number];

export interface PublicConsent {
  publicity: Publicity;
  location: LocationDisclosure;
}

export interface PublicName {
  text: string;
  script: string;
  lang: string | null;
}

/** A place as consent allows: as written, or only its region's code. */
export type PublicPlace = { text: string } | { region: string };

export interface PublicStatus {
  status: string;
  date: string;
  place: PublicPlace | null;
}

export interface PublicCase {
  case_number: string;
  publicity: Publicity;
  /** Named: every form; anonymous: initials, one per script; none: empty. */
  names: PublicName[];
  sex: string | null;
  /** Named: the EDTF date; anonymous: the year; none: null. */
  birth: string | null;
  ethnicity: string | null;
  citizenships: string[];
  hometown: PublicPlace | null;
  verification: number | null;
  current_status: PublicStatus | null;
}

/** The fields a correction may name: those a case page shows. */
export const PUBLIC_FIELDS = ['names', 'birth', 'sex', 'ethnicity', 'citizenships', 'hometown', 'verification'] as const;
export type PublicField = (typeof PUBLIC_FIELDS)[number];

/** A correction says what changed and when, never a value (presentCorrections). */
export type PublicCorrection =
  | { at: string; kind: 'field'; field: PublicField }
  | { at: string; kind: 'status_added' | 'status_retracted'; status: { status: string; date: string } };

const NO_CONSENT: PublicConsent = { publicity: 'none', location: 'hidden' };

/** The consent as stored (JSON or null); anything missing or unknown reads as the least disclosure. */
export function publicConsentOf(stored: string | null): PublicConsent {
  if (!stored) return NO_CONSENT;
  try {
    const consent = JSON.parse(stored) as { publicity?: unknown; location?: unknown };
    const publicity = (PUBLICITY as readonly unknown[]).includes(consent.publicity) ? (consent.publicity as Publicity) : 'none';
    const location = (LOCATION_DISCLOSURE as readonly unknown[]).includes(consent.location) ? (consent.location as LocationDisclosure) : 'hidden';
    return { publicity, location };
  } catch {
    return NO_CONSENT;
  }
}

/** Whether a page needs this person's names opened at all (a case shown by number alone needs none). */
export function needsNames(row: Pick<RegisterRow, 'consent'>): boolean {
  return publicConsentOf(row.consent).publicity !== 'none';
}

// Format characters (bidi overrides and isolates, zero-width joiners) are dropped before initials are taken.
const FORMAT_CHARS = /\p{Cf}/gu;
const HAN = /\p{Script=Han}/u;
// Latin transliterations of Turkic and Slavic letters written with two (Zh = Ж, Sh = Ш, Ch = Ч, Kh = Х, Gh = Ғ).
const DIGRAPH = /^[ZSCKGzsckg][hH]/;

/**
 * A name as initials: the first letter of each word with a full stop ("Zhanargul Zhumatai" →
 * "Zh. Zh.", "Жанаргүл Жұматай" → "Ж. Ж."), a Latin digraph kept whole. A Chinese name becomes its
 * surname character and 某 ("张某", as Chinese court documents anonymise): its first character, the
 * surname in nearly every case; a given name's initial would say nothing to its readers. Empty when
 * the name has no letter.
 */
export function initialsOf(text: string): string {
  const clean = text.normalize('NFC').replace(FORMAT_CHARS, '').trim();
  const first = [...clean].find((char) => /\p{L}/u.test(char));
  if (first && HAN.test(first)) return `${first}某`;
  const words = clean.split(/[\s\-‐]+/u).slice(0, 4);
  const initials = words.flatMap((word) => {
    const letters = word.replace(/[^\p{L}\p{M}]/gu, '');
    const head = [...letters][0];
    if (!head) return [];
    const digraph = DIGRAPH.exec(letters);
    return [`${digraph ? `${digraph[0][0]!.toUpperCase()}h` : head.toLocaleUpperCase()}.`];
  });
  return initials.join(' ');
}

/** Name kinds initials are taken from: the person's own name and its renderings, not aliases or a birth name. */
const INITIAL_KINDS = ['primary', 'transliteration', 'official_chinese'];

/** Whether a name form is the person's own name or a rendering of it (not an alias or a birth name). */
export function isOwnNameKind(kind: string): boolean {
  return INITIAL_KINDS.includes(kind);
}

/** Initials of the primary name, and of its first rendering in each other script; one per script. */
export function initialsPerScript(names: readonly PersonName[]): PublicName[] {
  const ordered = [...names.filter((name) => name.kind === 'primary'), ...names.filter((name) => name.kind !== 'primary' && isOwnNameKind(name.kind))];
  const seen = new Set<string>();
  const out: PublicName[] = [];
  for (const name of ordered) {
    if (seen.has(name.script)) continue;
    const initials = initialsOf(name.text);
    if (!initials) continue;
    seen.add(name.script);
    out.push({ text: initials, script: name.script, lang: name.lang });
  }
  return out;
}

function publicNames(consent: PublicConsent, names: readonly PersonName[] | undefined): PublicName[] {
  if (consent.publicity === 'named') return (names ?? []).map((name) => ({ text: name.text, script: name.script, lang: name.lang }));
  if (consent.publicity === 'anonymous') return initialsPerScript(names ?? []);
  return [];
}

/** The year of an EDTF date ("1970~" → "1970", "197X" → "197X"), or null. */
export function yearOfEdtf(edtf: string | null): string | null {
  const match = edtf ? /^\d{3}[\dX]/.exec(edtf) : null;
  return match ? match[0] : null;
}

function publicBirth(consent: PublicConsent, birth: string | null): string | null {
  if (consent.publicity === 'named') return birth;
  if (consent.publicity === 'anonymous') return yearOfEdtf(birth);
  return null;
}

/** A place as the consent's location level allows. */
export function publicPlace(consent: PublicConsent, place: string | null): PublicPlace | null {
  if (!place || consent.location === 'hidden') return null;
  if (consent.location === 'exact') return { text: place };
  const region = regionOf(place);
  return region === UNKNOWN_REGION ? null : { region };
}

function publicStatus(consent: PublicConsent, entry: Pick<RegisterStatusEntry, 'status' | 'date' | 'place'>): PublicStatus {
  return { status: entry.status, date: entry.date, place: publicPlace(consent, entry.place) };
}

function citizenshipsOf(stored: string): string[] {
  try {
    const parsed = JSON.parse(stored) as unknown;
    return Array.isArray(parsed) ? parsed.filter((code): code is string => typeof code === 'string') : [];
  } catch {
    return [];
  }
}

/** A case as the public sees it; `names` are the person's forms (needed only when needsNames says so). */
export function presentPublicCase(row: RegisterRow, names: readonly PersonName[] | undefined, current: RegisterStatusEntry | null): PublicCase {
  const consent = publicConsentOf(row.consent);
  return {
    case_number: row.case_number,
    publicity: consent.publicity,
    names: publicNames(consent, names),
    sex: row.sex,
    birth: publicBirth(consent, row.birth),
    ethnicity: row.ethnicity,
    citizenships: citizenshipsOf(row.citizenships),
    hometown: publicPlace(consent, row.hometown),
    verification: row.verification,
    current_status: current && !current.retracted_at ? publicStatus(consent, current) : null,
  };
}

/** The standing timeline, as the public sees it. */
export function presentPublicTimeline(row: RegisterRow, timeline: readonly RegisterStatusEntry[]): PublicStatus[] {
  const consent = publicConsentOf(row.consent);
  return timeline.filter((entry) => !entry.retracted_at).map((entry) => publicStatus(consent, entry));
}

/**
 * When the person was last published: the latest revision that set `published`, else the column
 * (migration T1750), else when recorded. Everything before it — an earlier publication, and what
 * changed while the case was off the register — is not the public's to see.
 */
export function lastPublishedAt(row: RegisterRow, revisions: readonly RegisterRevision[]): string {
  const publishing = [...revisions].reverse().find((revision) => revision.entity === 'person' && revision.entity_id === row.id && revision.changes.published?.to === true);
  return publishing?.at ?? row.published_at ?? row.created_at;
}

type Change = { from?: unknown; to?: unknown };

function namesOf(value: unknown): PersonName[] {
  return Array.isArray(value) ? (value as PersonName[]) : [];
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** What the public saw of a field's value under this consent, to tell whether a change showed at all. */
function shownValue(consent: PublicConsent, field: PublicField, value: unknown): unknown {
  switch (field) {
    case 'names':
      return publicNames(consent, namesOf(value));
    case 'birth':
      return publicBirth(consent, stringOf(value));
    case 'hometown':
      return publicPlace(consent, stringOf(value));
    default:
      return value ?? null;
  }
}

/** Whether a change of this field showed on the register under the consent (a move within a region, or an alias under anonymity, did not). */
function isPublicCorrection(consent: PublicConsent, field: string, change: Change): field is PublicField {
  if (!(PUBLIC_FIELDS as readonly string[]).includes(field)) return false; // consent, published, risk, residence, notes…: never public
  return JSON.stringify(shownValue(consent, field as PublicField, change.from)) !== JSON.stringify(shownValue(consent, field as PublicField, change.to));
}

/**
 * The corrections log: which public field changed since the person was last published, and when;
 * status entries added and withdrawn, by status and date. Never a value: a past value may be one
 * taken off because it was wrong or dangerous (a mistaken name, a home address), or one recorded
 * while the consent showed less. Retraction reasons and who made a change are not shown either.
 */
export function presentCorrections(row: RegisterRow, timeline: readonly RegisterStatusEntry[], revisions: readonly RegisterRevision[]): PublicCorrection[] {
  const consent = publicConsentOf(row.consent);
  const since = lastPublishedAt(row, revisions);
  const corrections: PublicCorrection[] = [];
  for (const revision of revisions) {
    if (revision.at <= since || revision.entity !== 'person' || revision.entity_id !== row.id || revision.action !== 'update') continue;
    for (const [field, change] of Object.entries(revision.changes)) {
      if (isPublicCorrection(consent, field, change)) corrections.push({ at: revision.at, kind: 'field', field });
    }
  }
  for (const entry of timeline) {
    const status = { status: entry.status, date: entry.date };
    if (entry.created_at > since) corrections.push({ at: entry.created_at, kind: 'status_added', status });
    if (entry.retracted_at && entry.retracted_at > since) corrections.push({ at: entry.retracted_at, kind: 'status_retracted', status });
  }
  return corrections.sort((a, b) => b.at.localeCompare(a.at));
}

/** The name a case goes by in a title: its names as consent allows, else its case number. */
export function publicTitleOf(publicCase: PublicCase): string {
  const name = publicCase.names[0]?.text;
  return name ? `${name} (${publicCase.case_number})` : publicCase.case_number;
}
