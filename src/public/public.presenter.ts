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

export type PublicCorrection =
  | { at: string; kind: 'field'; field: 'names'; value: PublicName[] }
  | { at: string; kind: 'field'; field: 'birth' | 'sex' | 'ethnicity'; value: string }
  | { at: string; kind: 'field'; field: 'citizenships'; value: string[] }
  | { at: string; kind: 'field'; field: 'verification'; value: number }
  | { at: string; kind: 'field'; field: 'hometown'; value: PublicPlace }
  | { at: string; kind: 'status_added' | 'status_corrected' | 'status_retracted'; status: PublicStatus };

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

/** Initials of the primary name, and of its first rendering in each other script; one per script. */
export function initialsPerScript(names: readonly PersonName[]): PublicName[] {
  const ordered = [...names.filter((name) => name.kind === 'primary'), ...names.filter((name) => name.kind !== 'primary' && INITIAL_KINDS.includes(name.kind))];
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

/** When the person was first published: the first revision that set `published`, else when recorded. */
export function firstPublishedAt(row: RegisterRow, revisions: readonly RegisterRevision[]): string {
  const publishing = revisions.find((revision) => revision.entity === 'person' && revision.entity_id === row.id && revision.changes.published?.to === true);
  return publishing?.at ?? row.created_at;
}

type Change = { from?: unknown; to?: unknown };

/** One change of a person's field as a correction, or null when the consent withholds it (or nothing public changed). */
function fieldCorrection(consent: PublicConsent, at: string, field: string, change: Change): PublicCorrection | null {
  const to = change.to;
  switch (field) {
    case 'names':
      if (consent.publicity !== 'named' || !Array.isArray(to)) return null;
      return { at, kind: 'field', field, value: (to as PersonName[]).map((name) => ({ text: String(name.text), script: String(name.script), lang: name.lang ?? null })) };
    case 'birth': {
      const value = publicBirth(consent, typeof to === 'string' ? to : null);
      // Under anonymity only a change of year is a change the public can see.
      if (value === null || (consent.publicity === 'anonymous' && value === yearOfEdtf(typeof change.from === 'string' ? change.from : null))) return null;
      return { at, kind: 'field', field, value };
    }
    case 'sex':
    case 'ethnicity':
      return typeof to === 'string' ? { at, kind: 'field', field, value: to } : null;
    case 'citizenships':
      return Array.isArray(to) ? { at, kind: 'field', field, value: to.map(String) } : null;
    case 'verification':
      return typeof to === 'number' ? { at, kind: 'field', field, value: to } : null;
    case 'hometown': {
      const value = publicPlace(consent, typeof to === 'string' ? to : null);
      if (!value) return null;
      const before = publicPlace(consent, typeof change.from === 'string' ? change.from : null);
      // A move within the same region is no change at the region level.
      if ('region' in value && before && 'region' in before && before.region === value.region) return null;
      return { at, kind: 'field', field, value };
    }
    default:
      // consent, published, risk, residence, occupation, father's name, national id, notes, duplicate_of…: never public.
      return null;
  }
}

/**
 * The corrections log: what changed in the public fields after the person was first published,
 * dated, with the new value as the consent allows; status entries added, corrected and withdrawn.
 * Retraction reasons and who made a change are not shown (they may name people).
 */
export function presentCorrections(row: RegisterRow, timeline: readonly RegisterStatusEntry[], revisions: readonly RegisterRevision[]): PublicCorrection[] {
  const consent = publicConsentOf(row.consent);
  const since = firstPublishedAt(row, revisions);
  const corrections: PublicCorrection[] = [];
  const entries = new Map(timeline.map((entry) => [entry.id, entry]));
  for (const revision of revisions) {
    if (revision.at <= since) continue;
    if (revision.entity === 'person' && revision.entity_id === row.id && revision.action === 'update') {
      for (const [field, change] of Object.entries(revision.changes)) {
        const correction = fieldCorrection(consent, revision.at, field, change);
        if (correction) corrections.push(correction);
      }
    }
    const entry = revision.entity === 'status_entry' ? entries.get(revision.entity_id) : undefined;
    if (entry && revision.action === 'update' && ['status', 'date', 'place'].some((field) => field in revision.changes)) {
      const to = (field: 'status' | 'date' | 'place', current: string | null) => {
        const change = revision.changes[field];
        return change && (typeof change.to === 'string' || change.to === null) ? (change.to as string | null) : current;
      };
      corrections.push({ at: revision.at, kind: 'status_corrected', status: publicStatus(consent, { status: to('status', entry.status) ?? entry.status, date: to('date', entry.date) ?? entry.date, place: to('place', entry.place) }) });
    }
  }
  for (const entry of timeline) {
    if (entry.created_at > since) corrections.push({ at: entry.created_at, kind: 'status_added', status: publicStatus(consent, entry) });
    if (entry.retracted_at && entry.retracted_at > since) corrections.push({ at: entry.retracted_at, kind: 'status_retracted', status: publicStatus(consent, entry) });
  }
  return corrections.sort((a, b) => b.at.localeCompare(a.at));
}

/** The name a case goes by in a title: its names as consent allows, else its case number. */
export function publicTitleOf(publicCase: PublicCase): string {
  const name = publicCase.names[0]?.text;
  return name ? `${name} (${publicCase.case_number})` : publicCase.case_number;
}
