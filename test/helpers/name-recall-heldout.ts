// The recall protocol of test/name-keys.test.ts (one form per person indexed, every form in another script
// as a query, keys for lookup, matchPerson for ranking), factored here so a held-out file can be measured the
// same way, with per-script-pair figures and the list of misses added.
import { readFileSync } from 'node:fs';
import { nameKeys, queryKeys } from '../../src/search/name-keys.ts';
import { matchPerson } from '../../src/search/name-match.ts';

export interface NameForm { text: string; script: string }
export interface Person { id: string; forms: NameForm[] }

/** Column order of names-dev.tsv and names-heldout.tsv after the id. */
export const FILE_SCRIPTS = ['Latn', 'Cyrl', 'Arab', 'Hani'] as const;

export function loadPersons(file: string): Person[] {
  const lines = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const cols = line.split('\t');
    const forms = FILE_SCRIPTS.flatMap((script, i) => (cols[i + 1] ?? '').split('|').filter((t) => t.trim() !== '').map((text) => ({ text, script })));
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

/**
 * Recombined real given names and surnames, in the scripts of the file (60 % Latin, 30 % Cyrillic, 10 % Chinese).
 * By default exactly as test/name-keys.test.ts builds them. With `otherPersonsOnly`, a given name and a surname
 * of the same person are never combined: in a small file, "Isma'il" + "Amat" is another spelling of Ismail Amat,
 * not a namesake.
 */
export function namesakes(persons: Person[], count: number, options: { otherPersonsOnly?: boolean } = {}): Person[] {
  const rand = prng(42);
  const byScript = new Map<string, Array<[string, string, number]>>();
  persons.forEach((p, owner) => {
    for (const f of p.forms) {
      const gs = givenAndSurname(f.text, f.script);
      if (!gs) continue;
      const list = byScript.get(f.script) ?? [];
      list.push([...gs, owner]);
      byScript.set(f.script, list);
    }
  });
  // A recombination that gives back a real person's own given name and surname is that person, not a namesake.
  const plain = (given: string, surname: string): string => `${given} ${surname}`.toLowerCase().replace(/[\s\p{P}]+/gu, ' ');
  const real = new Set(persons.flatMap((p) => p.forms.flatMap((f) => {
    const gs = givenAndSurname(f.text, f.script);
    return gs ? [plain(...gs)] : [];
  })));
  const plan: Array<[string, number]> = [['Latn', Math.round(count * 0.6)], ['Cyrl', Math.round(count * 0.3)], ['Hani', count - Math.round(count * 0.6) - Math.round(count * 0.3)]];
  const out: Person[] = [];
  for (const [script, n] of plan) {
    const list = byScript.get(script) ?? [];
    for (let i = 0, tries = 0; i < n && tries < n * 20; tries++) {
      const [given, , givenOwner] = list[Math.floor(rand() * list.length)];
      const [, surname, surnameOwner] = list[Math.floor(rand() * list.length)];
      const text = script === 'Hani' ? `${given}·${surname}` : `${given} ${surname}`;
      if (real.has(plain(given, surname))) continue;
      if (options.otherPersonsOnly === true && givenOwner === surnameOwner) continue;
      out.push({ id: `synthetic-${script}-${i}`, forms: [{ text, script }] });
      i++;
    }
  }
  return out;
}

export interface PairFigures { pairs: number; lookup: number; at1: number; at10: number }

export interface Miss {
  /** "indexed script→query script", e.g. "Latn→Hani". */
  pair: string;
  personId: string;
  query: string;
  indexed: string;
  /** 0-based rank of the right person, -1 when the key lookup did not find it at all. */
  rank: number;
  targetScore: number;
  top: string;
  topScore: number;
}

export interface Figures {
  pairs: number; lookup: number; at1: number; at10: number; candidates: number; baselineAt1: number; baselineAt10: number;
  /** Counts (not rates) per script pair. */
  byPair: Map<string, PairFigures>;
  /** Every query whose person was not ranked first. */
  misses: Miss[];
}

/**
 * `indexScript` (default Latin, as in test/name-keys.test.ts) picks which form of each real person is indexed; a person
 * without a form in that script is indexed by its Latin form, else its first form.
 */
export function evaluate(persons: Person[], distractors: Person[], indexScript = 'Latn'): Figures {
  const pick = (p: Person): NameForm => p.forms.find((f) => f.script === indexScript) ?? p.forms.find((f) => f.script === 'Latn') ?? p.forms[0];
  const indexed = [...persons, ...distractors].map((p) => ({ id: p.id, form: pick(p) }));
  const byKey = new Map<string, Set<number>>();
  const tokenIndex = new Map<string, Set<number>>();
  indexed.forEach((entry, i) => {
    for (const k of nameKeys(entry.form.text)) {
      const set = byKey.get(k) ?? new Set();
      set.add(i);
      byKey.set(k, set);
    }
    for (const t of entry.form.text.toLowerCase().split(/[\s\p{P}]+/u).filter(Boolean)) {
      const set = tokenIndex.get(t) ?? new Set();
      set.add(i);
      tokenIndex.set(t, set);
    }
  });
  let pairs = 0, lookup = 0, at1 = 0, at10 = 0, candidates = 0, baselineAt1 = 0, baselineAt10 = 0;
  const byPair = new Map<string, PairFigures>();
  const misses: Miss[] = [];
  persons.forEach((person, target) => {
    const own = indexed[target].form;
    for (const query of person.forms) {
      if (query.script === own.script) continue;
      const pairName = `${own.script}→${query.script}`;
      const pf = byPair.get(pairName) ?? { pairs: 0, lookup: 0, at1: 0, at10: 0 };
      byPair.set(pairName, pf);
      pairs++;
      pf.pairs++;
      const found = new Set<number>();
      for (const k of queryKeys(query.text)) for (const i of byKey.get(k) ?? []) found.add(i);
      candidates += found.size;
      if (found.has(target)) { lookup++; pf.lookup++; }
      const ranked = [...found].map((i) => ({ i, s: matchPerson(query.text, [indexed[i].form]).score })).sort((a, b) => b.s - a.s || a.i - b.i);
      const rank = ranked.findIndex((r) => r.i === target);
      if (rank === 0) { at1++; pf.at1++; }
      if (rank >= 0 && rank < 10) { at10++; pf.at10++; }
      if (rank !== 0) {
        misses.push({
          pair: pairName, personId: person.id, query: query.text, indexed: own.text, rank,
          targetScore: rank >= 0 ? ranked[rank].s : matchPerson(query.text, [own]).score,
          top: ranked.length > 0 ? indexed[ranked[0].i].form.text : '', topScore: ranked.length > 0 ? ranked[0].s : 0,
        });
      }
      // Baseline: exact lower-case token overlap, as a plain full-text search would find.
      const overlap = new Map<number, number>();
      for (const t of query.text.toLowerCase().split(/[\s\p{P}]+/u).filter(Boolean)) for (const i of tokenIndex.get(t) ?? []) overlap.set(i, (overlap.get(i) ?? 0) + 1);
      const baseRank = [...overlap].sort((a, b) => b[1] - a[1] || a[0] - b[0]).findIndex(([i]) => i === target);
      if (baseRank === 0) baselineAt1++;
      if (baseRank >= 0 && baseRank < 10) baselineAt10++;
    }
  });
  return {
    pairs, lookup: lookup / pairs, at1: at1 / pairs, at10: at10 / pairs, candidates: candidates / pairs,
    baselineAt1: baselineAt1 / pairs, baselineAt10: baselineAt10 / pairs, byPair, misses,
  };
}

const f3 = (x: number): string => x.toFixed(3);

export function report(figures: Figures): string {
  return `${figures.pairs} cross-script pairs: key lookup recall ${f3(figures.lookup)}, recall@1 ${f3(figures.at1)}, recall@10 ${f3(figures.at10)}, ` +
    `${figures.candidates.toFixed(1)} candidates per query; baseline (exact token overlap) recall@1 ${f3(figures.baselineAt1)}, recall@10 ${f3(figures.baselineAt10)}`;
}

export function reportByPair(figures: Figures): string[] {
  return [...figures.byPair].sort(([a], [b]) => a.localeCompare(b)).map(([pair, p]) =>
    `${pair}: ${p.pairs} pairs, lookup ${f3(p.lookup / p.pairs)}, recall@1 ${f3(p.at1 / p.pairs)}, recall@10 ${f3(p.at10 / p.pairs)}`);
}

export function reportMisses(figures: Figures): string[] {
  return [...figures.misses].sort((a, b) => a.pair.localeCompare(b.pair) || a.personId.localeCompare(b.personId)).map((m) => {
    const where = m.rank < 0 ? 'not found by keys' : `rank ${m.rank + 1}`;
    return `${m.pair} ${where}: "${m.query}" → indexed "${m.indexed}" (score ${m.targetScore}); first: "${m.top}" (${m.topScore})`;
  });
}
