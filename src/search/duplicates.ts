import { parseEdtf } from '../lib/edtf.ts';
import { matchPerson } from './name-match.ts';

/**
 * Whether two person records are likely the same person, as a score with its reasons (issue 6).
 * Each reason's weight is its share of the score: names give the base, the other fields add or
 * take away, so a reviewer can read why two records were put side by side. Pure: no I/O.
 */

export type DuplicateField = 'names' | 'birth' | 'hometown' | 'father_name' | 'relatives' | 'sex' | 'ethnicity';

export interface DuplicateReason {
  field: DuplicateField;
  /** What this reason adds to (or, negative, takes from) the score. */
  weight: number;
  /** E.g. `names: Cyrillic Жұматай ≈ Latin Zhumatai`, `birth: 1984 vs 1991 (different)`. */
  text: string;
}

export interface DuplicateScore {
  /** 0..1 */
  score: number;
  reasons: DuplicateReason[];
}

/** What the comparison reads of a person; a Person (or a draft of one) fits. */
export interface DuplicateSubject {
  names: ReadonlyArray<{ text: string; script?: string | null }>;
  birth?: string | null;
  hometown?: string | null;
  father_name?: string | null;
  sex?: string | null;
  ethnicity?: string | null;
}

/** Candidates scoring below this are not shown as possible duplicates. */
export const DUPLICATE_THRESHOLD = 0.45;

// Names are the base: all of it for identical names, nothing below NAME_FLOOR (one shared token of two is 0.5).
const NAME_WEIGHT = 0.65;
const NAME_FLOOR = 0.4;
const MAX_FORMS = 8;
// A father's name, a relative or a hometown spelled in another script is still a match above this.
const SAME_SPELLING = 0.8;
const MAX_RELATIVES = 30;

const round = (x: number): number => Math.round(x * 1000) / 1000;

interface NameComparison {
  similarity: number;
  explanation: string;
}

/** Each spelling once (records often repeat a form with another kind), at most MAX_FORMS. */
function distinctForms(subject: DuplicateSubject): Array<{ text: string; script?: string | null }> {
  const seen = new Set<string>();
  return subject.names.filter((n) => !seen.has(n.text) && seen.add(n.text)).slice(0, MAX_FORMS);
}

/** The best pair of name forms, judged both ways: a full name against a partial one scores between. */
function compareNames(a: DuplicateSubject, b: DuplicateSubject): NameComparison {
  const bestOf = (from: DuplicateSubject, to: DuplicateSubject): NameMatchResult => {
    let best: NameMatchResult = { score: 0, explanation: '' };
    const targets = distinctForms(to).map((n) => ({ text: n.text, ...(n.script ? { script: n.script } : {}) }));
    for (const form of distinctForms(from)) {
      const m = matchPerson(form.text, targets);
      if (m.score > best.score) best = m;
    }
    return best;
  };
  const ab = bestOf(a, b);
  const ba = bestOf(b, a);
  return { similarity: (ab.score + ba.score) / 2, explanation: (ab.score >= ba.score ? ab : ba).explanation };
}

interface NameMatchResult {
  score: number;
  explanation: string;
}

/** Similarity of two single names (a father's name, a relative, a place) in any scripts, 0..1. */
function nameSimilarity(a: string, b: string): number {
  return Math.min(matchPerson(a, [{ text: b }]).score, matchPerson(b, [{ text: a }]).score);
}

interface BirthRange {
  text: string;
  from: number;
  to: number;
  exactYear: boolean;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** A recorded birth as a range of days; approximate or uncertain dates (~ ? %) are widened by a year (two for %). */
function birthRange(text: string | null | undefined): BirthRange | null {
  if (!text) return null;
  try {
    const date = parseEdtf(text);
    if (date.latest === null) return null;
    let from = Date.parse(date.earliest);
    let to = Date.parse(date.latest) + 24 * 3600 * 1000 - 1;
    const exactYear = date.earliest.slice(0, 4) === date.latest.slice(0, 4) && !/[~?%]/.test(date.edtf);
    const widen = date.edtf.includes('%') ? 2 : /[~?]/.test(date.edtf) ? 1 : 0;
    from -= widen * YEAR_MS;
    to += widen * YEAR_MS;
    return { text: date.edtf, from, to, exactYear };
  } catch {
    return null;
  }
}

function compareBirth(a: string | null | undefined, b: string | null | undefined): DuplicateReason | null {
  const ra = birthRange(a);
  const rb = birthRange(b);
  if (!ra || !rb) return null;
  if (ra.text === rb.text && ra.exactYear) {
    return { field: 'birth', weight: ra.text.length > 4 ? 0.3 : 0.25, text: `birth: both ${ra.text}` };
  }
  if (ra.from <= rb.to && rb.from <= ra.to) {
    if (ra.exactYear && rb.exactYear && ra.text.slice(0, 4) === rb.text.slice(0, 4)) {
      return { field: 'birth', weight: 0.22, text: `birth: ${ra.text} and ${rb.text} (same year)` };
    }
    return { field: 'birth', weight: 0.12, text: `birth: ${ra.text} and ${rb.text} overlap` };
  }
  const gap = Math.max(rb.from - ra.to, ra.from - rb.to);
  if (gap <= YEAR_MS) return { field: 'birth', weight: -0.08, text: `birth: ${ra.text} vs ${rb.text} (a year apart)` };
  return { field: 'birth', weight: -0.45, text: `birth: ${ra.text} vs ${rb.text} (different)` };
}

/** Case, diacritics, punctuation and spacing do not tell two places apart. */
export function normalizePlace(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function compareHometown(a: string | null | undefined, b: string | null | undefined): DuplicateReason | null {
  if (!a?.trim() || !b?.trim()) return null;
  const na = normalizePlace(a);
  const nb = normalizePlace(b);
  if (na === '' || nb === '') return null;
  if (na === nb) return { field: 'hometown', weight: 0.1, text: `hometown: both ${a.trim()}` };
  // Places are spelled more loosely than names (Құлжа, Кульджа, Ghulja), and a village is not its county.
  const sim = nameSimilarity(a, b);
  if (sim >= 0.7 || na.includes(nb) || nb.includes(na)) return { field: 'hometown', weight: 0.08, text: `hometown: ${a.trim()} ≈ ${b.trim()}` };
  if (sim < 0.4) return { field: 'hometown', weight: -0.05, text: `hometown: ${a.trim()} vs ${b.trim()}` };
  return null;
}

function compareFather(a: string | null | undefined, b: string | null | undefined): DuplicateReason | null {
  if (!a?.trim() || !b?.trim()) return null;
  const sim = nameSimilarity(a, b);
  if (sim >= SAME_SPELLING) return { field: 'father_name', weight: 0.12, text: `father's name: ${a.trim()} ${sim >= 0.999 ? '=' : '≈'} ${b.trim()}` };
  if (sim < 0.5) return { field: 'father_name', weight: -0.2, text: `father's name: ${a.trim()} vs ${b.trim()} (different)` };
  return null;
}

function compareRelatives(a: readonly string[], b: readonly string[]): DuplicateReason | null {
  const matched: string[] = [];
  const used = new Set<number>();
  for (const x of a.slice(0, MAX_RELATIVES)) {
    let best = -1;
    let bestSim = 0;
    b.slice(0, MAX_RELATIVES).forEach((y, i) => {
      if (used.has(i)) return;
      const sim = nameSimilarity(x, y);
      if (sim > bestSim) [best, bestSim] = [i, sim];
    });
    if (best >= 0 && bestSim >= SAME_SPELLING) {
      used.add(best);
      matched.push(`${x} ≈ ${b[best]}`);
    }
  }
  if (matched.length === 0) return null;
  return { field: 'relatives', weight: Math.min(0.15, 0.08 * matched.length), text: `relatives: ${matched.join('; ')}` };
}

function compareSex(a: string | null | undefined, b: string | null | undefined): DuplicateReason | null {
  const known = (s: string | null | undefined) => (s === 'female' || s === 'male' ? s : null);
  const sa = known(a);
  const sb = known(b);
  if (!sa || !sb || sa === sb) return null;
  return { field: 'sex', weight: -0.5, text: `sex: ${sa} vs ${sb} (different)` };
}

function compareEthnicity(a: string | null | undefined, b: string | null | undefined): DuplicateReason | null {
  if (!a || !b) return null;
  if (a === b) return { field: 'ethnicity', weight: 0.02, text: `ethnicity: both ${a}` };
  return { field: 'ethnicity', weight: -0.15, text: `ethnicity: ${a} vs ${b} (different)` };
}

/**
 * How likely `a` and `b` are one person, 0..1, with the reasons; `relatives` are the names of each
 * one's related persons. Same names across scripts and the same birth year score high; namesakes
 * born years apart score low.
 */
export function scoreDuplicate(a: DuplicateSubject, b: DuplicateSubject, relatives?: { a: readonly string[]; b: readonly string[] }): DuplicateScore {
  const names = compareNames(a, b);
  const nameWeight = NAME_WEIGHT * Math.max(0, Math.min(1, (names.similarity - NAME_FLOOR) / (1 - NAME_FLOOR)));
  const reasons: DuplicateReason[] = [];
  if (names.explanation) reasons.push({ field: 'names', weight: round(nameWeight), text: `names: ${names.explanation}` });
  // Without a name in common, nothing else makes two records one person.
  if (nameWeight === 0) return { score: 0, reasons };
  for (const reason of [
    compareBirth(a.birth, b.birth),
    compareFather(a.father_name, b.father_name),
    compareHometown(a.hometown, b.hometown),
    relatives ? compareRelatives(relatives.a, relatives.b) : null,
    compareSex(a.sex, b.sex),
    compareEthnicity(a.ethnicity, b.ethnicity),
  ]) {
    if (reason) reasons.push(reason);
  }
  const sum = reasons.reduce((s, r) => s + r.weight, 0);
  return { score: round(Math.max(0, Math.min(1, sum))), reasons };
}
