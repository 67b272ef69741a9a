import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nameKeys, queryKeys } from '../../src/search/name-keys.ts';
import { matchPerson } from '../../src/search/name-match.ts';
import { MAX_CANDIDATES } from '../../src/search/search.service.ts';

/**
 * The recall protocol on real name forms (test/fixtures/names-dev.tsv), shared by
 * test/name-keys.test.ts and bench/search.bench.ts: one form of each person is indexed (its Latin
 * form if it has one), and every form of that person in another script is a query; a query scores
 * when its person ranks first (recall@1) or in the first ten (recall@10). Namesakes (real given
 * names and surnames recombined) can be added as distractors.
 */

export interface NamePerson {
  id: string;
  forms: Array<{ text: string; script: string }>;
}

export function loadNamePersons(): NamePerson[] {
  const file = fileURLToPath(new URL('../fixtures/names-dev.tsv', import.meta.url));
  const lines = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const scripts = ['Latn', 'Cyrl', 'Arab', 'Hani'];
  return lines.map((line) => {
    const cols = line.split('\t');
    const forms = scripts.flatMap((script, i) => (cols[i + 1] ?? '').split('|').filter((t) => t.trim() !== '').map((text) => ({ text, script })));
    return { id: cols[0], forms };
  });
}

/** Deterministic PRNG so the distractors are the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

function givenAndSurname(text: string, script: string): [string, string] | undefined {
  if (script === 'Hani') {
    const parts = text.split(/[·•・‧\s]+/).filter(Boolean);
    return parts.length >= 2 ? [parts[0], parts[parts.length - 1]] : undefined;
  }
  if (text.includes(',')) {
    const [surname, rest] = text.split(',');
    const given = rest.trim().split(/\s+/)[0];
    return given ? [given, surname.trim()] : undefined;
  }
  const parts = text.trim().split(/\s+/);
  return parts.length >= 2 ? [parts[0], parts[parts.length - 1]] : undefined;
}

/** Recombined real given names and surnames, in the scripts of the file. */
export function namesakes(persons: NamePerson[], count: number): NamePerson[] {
  const rand = prng(42);
  const byScript = new Map<string, Array<[string, string]>>();
  for (const p of persons) for (const f of p.forms) {
    const gs = givenAndSurname(f.text, f.script);
    if (!gs) continue;
    const list = byScript.get(f.script) ?? [];
    list.push(gs);
    byScript.set(f.script, list);
  }
  // A recombination that gives back a real person's own given name and surname is that person, not a namesake.
  const plain = (given: string, surname: string): string => `${given} ${surname}`.toLowerCase().replace(/[\s\p{P}]+/gu, ' ');
  const real = new Set(persons.flatMap((p) => p.forms.flatMap((f) => {
    const gs = givenAndSurname(f.text, f.script);
    return gs ? [plain(...gs)] : [];
  })));
  const plan: Array<[string, number]> = [['Latn', Math.round(count * 0.6)], ['Cyrl', Math.round(count * 0.3)], ['Hani', count - Math.round(count * 0.6) - Math.round(count * 0.3)]];
  const out: NamePerson[] = [];
  for (const [script, n] of plan) {
    const list = byScript.get(script) ?? [];
    for (let i = 0, tries = 0; i < n && tries < n * 20; tries++) {
      const given = list[Math.floor(rand() * list.length)][0];
      const surname = list[Math.floor(rand() * list.length)][1];
      const text = script === 'Hani' ? `${given}·${surname}` : `${given} ${surname}`;
      if (real.has(plain(given, surname))) continue;
      out.push({ id: `synthetic-${script}-${i}`, forms: [{ text, script }] });
      i++;
    }
  }
  return out;
}

/** What is indexed: one form per person (Latin if it has one), persons first, then the distractors. */
export interface IndexedName {
  id: string;
  form: { text: string; script: string };
}

/** A search under test, built over the indexed forms: a query's ranked positions in that list, best first. */
export type Ranker = (indexed: IndexedName[]) => (query: string) => { ranked: number[]; candidates?: number };

export interface RecallFigures {
  pairs: number;
  /** The person is among the ranked results at all (for a key search: the key lookup found it). */
  found: number;
  at1: number;
  at10: number;
  /** Results (or candidates, if the ranker says) per query. */
  candidates: number;
}

export function measureRecall(persons: readonly NamePerson[], distractors: readonly NamePerson[], ranker: Ranker): RecallFigures {
  const indexed: IndexedName[] = [...persons, ...distractors].map((p) => ({ id: p.id, form: p.forms.find((f) => f.script === 'Latn') ?? p.forms[0] }));
  const search = ranker(indexed);
  let pairs = 0, found = 0, at1 = 0, at10 = 0, candidates = 0;
  persons.forEach((person, target) => {
    const own = indexed[target].form;
    for (const query of person.forms) {
      if (query.script === own.script) continue;
      pairs++;
      const result = search(query.text);
      candidates += result.candidates ?? result.ranked.length;
      const rank = result.ranked.indexOf(target);
      if (rank >= 0) found++;
      if (rank === 0) at1++;
      if (rank >= 0 && rank < 10) at10++;
    }
  });
  return { pairs, found: found / pairs, at1: at1 / pairs, at10: at10 / pairs, candidates: candidates / pairs };
}

/**
 * Vigil's name search, in memory: candidates by shared key, the `cap` sharing the most keys kept
 * (MAX_CANDIDATES, as findCandidates does), then ranked by matchPerson (as searchPersons does).
 */
export function nameKeyRankerWithCap(cap: number): Ranker {
  return (indexed) => {
    const byKey = new Map<string, Set<number>>();
    indexed.forEach((entry, i) => {
      for (const k of nameKeys(entry.form.text)) {
        const set = byKey.get(k) ?? new Set();
        set.add(i);
        byKey.set(k, set);
      }
    });
    return (query) => {
      const shared = new Map<number, number>();
      for (const k of queryKeys(query)) for (const i of byKey.get(k) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
      const kept = [...shared].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, cap).map(([i]) => i);
      const ranked = kept.map((i) => ({ i, s: matchPerson(query, [indexed[i]!.form]).score })).sort((a, b) => b.s - a.s || a.i - b.i);
      return { ranked: ranked.map((r) => r.i), candidates: shared.size };
    };
  };
}

export const nameKeyRanker: Ranker = nameKeyRankerWithCap(MAX_CANDIDATES);

const words = (text: string): string[] => text.toLowerCase().split(/[\s\p{P}]+/u).filter(Boolean);

/** Exact lower-case token overlap, as a plain full-text search would find. */
export const tokenOverlapRanker: Ranker = (indexed) => {
  const tokenIndex = new Map<string, Set<number>>();
  indexed.forEach((entry, i) => {
    for (const t of words(entry.form.text)) {
      const set = tokenIndex.get(t) ?? new Set();
      set.add(i);
      tokenIndex.set(t, set);
    }
  });
  return (query) => {
    const overlap = new Map<number, number>();
    for (const t of words(query)) for (const i of tokenIndex.get(t) ?? []) overlap.set(i, (overlap.get(i) ?? 0) + 1);
    return { ranked: [...overlap].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([i]) => i) };
  };
};

export interface Figures { pairs: number; lookup: number; at1: number; at10: number; candidates: number; baselineAt1: number; baselineAt10: number }

/** The name-key search and the token-overlap baseline on the same pairs. */
export function evaluate(persons: NamePerson[], distractors: NamePerson[]): Figures {
  const keys = measureRecall(persons, distractors, nameKeyRanker);
  const baseline = measureRecall(persons, distractors, tokenOverlapRanker);
  return { pairs: keys.pairs, lookup: keys.found, at1: keys.at1, at10: keys.at10, candidates: keys.candidates, baselineAt1: baseline.at1, baselineAt10: baseline.at10 };
}

export function report(figures: Figures): string {
  const f = (x: number): string => x.toFixed(3);
  return `${figures.pairs} cross-script pairs: key lookup recall ${f(figures.lookup)}, recall@1 ${f(figures.at1)}, recall@10 ${f(figures.at10)}, ` +
    `${figures.candidates.toFixed(1)} candidates per query; baseline (exact token overlap) recall@1 ${f(figures.baselineAt1)}, recall@10 ${f(figures.baselineAt10)}`;
}
