import { EdtfError, parseEdtf } from '../lib/edtf.ts';
import { InvalidInputError } from '../lib/errors.ts';
import type { Person } from '../persons/persons.types.ts';

/**
 * The search filters that compare folded text or derived dates, applied in memory to the (at most
 * MAX_CANDIDATES) persons a name search has already found: place (hometown or residence, folded for
 * case, diacritics and width, which SQL cannot do alike on both databases) and a date range over the
 * date of the person's current status entry.
 */

export const MAX_PLACE = 200;

export interface SearchFilterInput {
  place?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface SearchFilters {
  /** The place as folded by foldPlace, or null for no place filter. */
  place: string | null;
  /** The first day of the range, `YYYY-MM-DD`, or null when open. */
  from: string | null;
  /** The last day of the range, `YYYY-MM-DD`, or null when open. */
  to: string | null;
}

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u180E\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;
const MARKS = /\p{M}/gu;

/** Case-, diacritic- and width-insensitive form of a place name for substring comparison (Almaty = ALMATY = Almatı̇ = Ａｌｍａｔｙ). */
export function foldPlace(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').normalize('NFD').replace(MARKS, '').toLowerCase().replace(/\s+/gu, ' ').trim();
}

function day(text: string | undefined, field: 'from' | 'to', end: 'earliest' | 'latest'): string | null {
  const trimmed = text?.trim();
  if (!trimmed) return null;
  try {
    const parsed = parseEdtf(trimmed);
    return end === 'earliest' ? parsed.earliest : parsed.latest;
  } catch (error) {
    if (!(error instanceof EdtfError)) throw error;
    throw new InvalidInputError(`${field}: ${error.message}`, { [field]: error.message });
  }
}

/** Reads and checks the filters; a bad date or a reversed range is a 400 naming the field. Empty values mean "no filter". */
export function readSearchFilters(input: SearchFilterInput): SearchFilters {
  const place = input.place === undefined ? '' : foldPlace(input.place);
  if ([...place].length > MAX_PLACE) throw new InvalidInputError(`a place is at most ${MAX_PLACE} characters`, { place: `at most ${MAX_PLACE} characters` });
  const from = day(input.from, 'from', 'earliest');
  const to = day(input.to, 'to', 'latest');
  if (from && to && from > to) throw new InvalidInputError('the date range ends before it starts', { to: 'is before from' });
  return { place: place || null, from, to };
}

export function hasSearchFilters(filters: SearchFilters): boolean {
  return filters.place !== null || filters.from !== null || filters.to !== null;
}

function placeMatches(person: Person, place: string): boolean {
  return [person.hometown, person.residence].some((value) => value !== null && foldPlace(value).includes(place));
}

/** A person whose current status may fall in the range: its days [earliest, latest] overlap [from, to]. No status, no match. */
function statusDateMatches(person: Person, from: string | null, to: string | null): boolean {
  const entry = person.current_status;
  if (!entry) return false;
  const earliest = entry.date_earliest;
  let latest: string | null;
  try {
    latest = parseEdtf(entry.date).latest;
  } catch {
    // A stored date the parser no longer reads: judge by its first day alone.
    latest = earliest;
  }
  if (to && earliest > to) return false;
  if (from && latest !== null && latest < from) return false;
  return true;
}

/** Keeps the persons that pass every filter given. */
export function applyFilters<T extends Person>(persons: T[], filters: SearchFilters): T[] {
  if (!hasSearchFilters(filters)) return persons;
  return persons.filter(
    (person) =>
      (filters.place === null || placeMatches(person, filters.place)) &&
      ((filters.from === null && filters.to === null) || statusDateMatches(person, filters.from, filters.to)),
  );
}
