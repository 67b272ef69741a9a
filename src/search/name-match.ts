import { isVowel, pinyinRunToken, tokenizeName, type NameScript, type NameToken } from './name-phonetics.ts';

export interface NameMatch {
  /** 0..1 */
  score: number;
  /** Human-readable, names the matched forms: "Cyrillic Жұматай ≈ Latin Zhumatai; Жанаргүл ≈ Zhanargul". */
  explanation: string;
}

const ROLE_WEIGHT = { main: 1, patronymic: 0.35, title: 0.15 } as const;
// Below this a token pair is noise, not a spelling of the same name.
const MIN_TOKEN_SIM = 0.55;

const GROUP: Record<string, string> = {
  b: 'B', p: 'B', f: 'B', k: 'K', g: 'K', q: 'K', h: 'K', s: 'S', z: 'S', c: 'S', j: 'S', x: 'S', t: 'T', d: 'T', r: 'R', l: 'R',
  m: 'M', n: 'N', w: 'W',
};

function soft(ch: string): boolean {
  return isVowel(ch) || ch === 'w';
}

function indelCost(ch: string): number {
  if (soft(ch)) return 0.2;
  // Chinese cannot write a syllable-final r or l, or an h between vowels: losing them is cheap.
  if (ch === 'r' || ch === 'l' || ch === 'h') return 0.4;
  return 1;
}

function subCost(a: string, b: string): number {
  if (a === b) return 0;
  if (soft(a) && soft(b)) return 0.15;
  const ga = GROUP[a];
  if (ga !== undefined && ga === GROUP[b]) return 0.2;
  if ((a === 'm' && b === 'n') || (a === 'n' && b === 'm')) return 0.6;
  // в is f at the end of a Russian word and b in Chinese and Arabic-script renderings (Eliyev = ئىليوف).
  if ((a === 'w' && GROUP[b] === 'B') || (b === 'w' && GROUP[a] === 'B')) return 0.3;
  if (soft(a) || soft(b)) return 0.9;
  return 1;
}

function weight(s: string): number {
  let w = 0;
  for (const ch of s) w += soft(ch) ? 0.35 : 1;
  return w;
}

const FEMININE = /(?:wa|na)$/;

/** Nazarbayeva is not Nazarbayev, Mussina is not Mussin (纳扎尔巴耶娃 / 纳扎尔巴耶夫). */
function genderPenalty(a: string, b: string): number {
  const fa = FEMININE.test(a);
  const fb = FEMININE.test(b);
  if (fa === fb) return 0;
  const [fem, masc] = fa ? [a, b] : [b, a];
  return masc.endsWith(fem[fem.length - 2]) ? 0.8 : 0;
}

const row0: number[] = [];
const row1: number[] = [];

/** 1 − weighted edit distance / weight of the longer spelling, in 0..1. */
export function spellingSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  let prev = row0;
  let cur = row1;
  prev[0] = 0;
  for (let j = 1; j <= b.length; j++) prev[j] = prev[j - 1] + indelCost(b[j - 1]);
  for (let i = 1; i <= a.length; i++) {
    const ca = a[i - 1];
    const costA = indelCost(ca);
    cur[0] = prev[0] + costA;
    for (let j = 1; j <= b.length; j++) {
      const cb = b[j - 1];
      cur[j] = Math.min(prev[j] + costA, cur[j - 1] + indelCost(cb), prev[j - 1] + subCost(ca, cb));
    }
    [prev, cur] = [cur, prev];
  }
  const denom = Math.max(weight(a), weight(b), 1);
  return Math.max(0, 1 - (prev[b.length] + genderPenalty(a, b)) / denom);
}

interface Unit {
  tokens: number[];
  variants: string[];
  stem?: string;
  text: string;
  script: NameScript;
  weight: number;
}

// A Russified ending (Abbasov vs Abbas) costs this much; two Russified spellings compare in full (Nazarbayeva ≠ Nazarbayev).
const STEM_FACTOR = 0.97;

function tokenSimilarity(a: Unit, b: Unit): number {
  let best = 0;
  for (const x of a.variants) for (const y of b.variants) {
    const s = spellingSimilarity(x, y);
    if (s > best) best = s;
  }
  if ((a.stem === undefined) !== (b.stem === undefined)) {
    const [stemmed, bare] = a.stem !== undefined ? [a, b] : [b, a];
    for (const y of bare.variants) {
      const s = STEM_FACTOR * spellingSimilarity(stemmed.stem as string, y);
      if (s > best) best = s;
    }
  }
  return best;
}

/** Each token, two or three adjacent tokens joined, and runs of pinyin syllables read as one word. */
function units(tokens: NameToken[], weights: number[]): Unit[] {
  const out: Unit[] = tokens.map((t, i) => ({ tokens: [i], variants: t.variants, stem: t.stem, text: t.text, script: t.script, weight: weights[i] }));
  // Titles join too: 阿蔓尼莎汗 = Amannisa Khan, Алихонтўра = Ali Khan Türe; a patronymic does not.
  const joinable = (t: NameToken): boolean => t.role !== 'patronymic';
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i];
    const b = tokens[i + 1];
    if (!joinable(a) || !joinable(b)) continue;
    const variants = [a.variants[0] + b.variants[0]];
    if (a.syllable && b.syllable) variants.push(...pinyinRunToken([a, b]).variants);
    out.push({ tokens: [i, i + 1], variants, text: `${a.text} ${b.text}`, script: a.script, weight: Math.max(weights[i], weights[i + 1]) });
    const c = tokens[i + 2];
    if (c !== undefined && joinable(c) && !(a.syllable && b.syllable && c.syllable)) {
      out.push({ tokens: [i, i + 1, i + 2], variants: [variants[0] + c.variants[0]], text: `${a.text} ${b.text} ${c.text}`, script: a.script, weight: Math.max(weights[i], weights[i + 1], weights[i + 2]) });
    }
  }
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i].syllable) continue;
    if (i - start >= 3) {
      const run = tokens.slice(start, i);
      out.push({ tokens: run.map((_, k) => start + k), variants: pinyinRunToken(run).variants, text: run.map((t) => t.text).join(' '), script: 'Latn', weight: 1 });
    }
    start = i + 1;
  }
  return out;
}

/**
 * Spellings of one name in two scripts rarely reach similarity 1, while a namesake in the query's own
 * script does: above 0.9 the difference hardly counts, below it credit falls fast.
 */
/**
 * A spelling in another script loses sounds (Chinese most: no final r or l, no gh, empty vowels) and so never
 * reaches the similarity a namesake written in the query's own script reaches by sharing one exact token. Cross-script
 * pairs are lifted by what the transcription cannot carry before calibration (offsets chosen on names-dev only).
 */
const CROSS_SCRIPT_LIFT = { hani: 0.06, other: 0.03 };

function crossScriptSim(sim: number, a: NameScript, b: NameScript): number {
  if (a === b) return sim;
  return Math.min(1, sim + (a === 'Hani' || b === 'Hani' ? CROSS_SCRIPT_LIFT.hani : CROSS_SCRIPT_LIFT.other));
}

function calibrate(sim: number): number {
  return sim >= 0.9 ? 1 - (1 - sim) * 0.5 : Math.max(0, 0.95 - (0.9 - sim) * 3);
}

// A title beside a single name is half of what the name says (Ospan batyr is not any Ospan).
const DISTINCTIVE_TITLE_WEIGHT = 0.5;

/** Role weights of one name's tokens, and whether its titles must be matched (it has at most one name proper). */
function tokenWeights(tokens: NameToken[]): { weights: number[]; titlesCount: boolean } {
  let main = 0;
  for (const t of tokens) if (t.role === 'main') main++;
  const titlesCount = main <= 1;
  return { weights: tokens.map((t) => (t.role === 'title' && titlesCount ? DISTINCTIVE_TITLE_WEIGHT : ROLE_WEIGHT[t.role])), titlesCount };
}

/** Weight of one side's tokens; a patronymic or title counts only if matched, if the other side has one to compare, or if it is distinctive. */
function total(tokens: NameToken[], w: { weights: number[]; titlesCount: boolean }, used: Set<number>, other: NameToken[]): number {
  let sum = 0;
  tokens.forEach((t, i) => {
    if (t.role === 'main' || used.has(i) || other.some((o) => o.role === t.role) || (t.role === 'title' && w.titlesCount)) sum += w.weights[i];
  });
  return sum;
}

interface Pairing {
  score: number;
  pairs: Array<{ q: Unit; n: Unit; sim: number }>;
}

function matchForm(query: NameToken[], name: NameToken[]): Pairing {
  const qw = tokenWeights(query);
  const nw = tokenWeights(name);
  const qUnits = units(query, qw.weights);
  const nUnits = units(name, nw.weights);
  const candidates: Array<{ q: Unit; n: Unit; sim: number; gain: number }> = [];
  for (const q of qUnits) for (const n of nUnits) {
    // Joined words meet single words (Kasymzhomart = Kassym Jomart), never other joined words.
    if (q.tokens.length > 1 && n.tokens.length > 1) continue;
    const sim = tokenSimilarity(q, n);
    if (sim < MIN_TOKEN_SIM) continue;
    // A joined pair must beat its parts to be chosen.
    const joined = q.tokens.length + n.tokens.length - 2;
    candidates.push({ q, n, sim, gain: sim * Math.min(q.weight, n.weight) - 0.02 * joined });
  }
  candidates.sort((x, y) => y.gain - x.gain);
  const usedQ = new Set<number>();
  const usedN = new Set<number>();
  const pairs: Pairing['pairs'] = [];
  for (const c of candidates) {
    if (c.q.tokens.some((t) => usedQ.has(t)) || c.n.tokens.some((t) => usedN.has(t))) continue;
    c.q.tokens.forEach((t) => usedQ.add(t));
    c.n.tokens.forEach((t) => usedN.add(t));
    pairs.push(c);
  }
  const qTotal = total(query, qw, usedQ, name);
  const nTotal = total(name, nw, usedN, query);
  let qCovered = 0;
  let nCovered = 0;
  for (const p of pairs) {
    const credit = calibrate(crossScriptSim(p.sim, p.q.script, p.n.script));
    qCovered += credit * p.q.tokens.reduce((s, t) => s + qw.weights[t], 0);
    nCovered += credit * p.n.tokens.reduce((s, t) => s + nw.weights[t], 0);
  }
  if (qTotal === 0 || nTotal === 0) return { score: 0, pairs: [] };
  // The query's own tokens decide; covering more of the record's name breaks ties between namesakes.
  const score = 0.9 * (qCovered / qTotal) + 0.1 * (nCovered / nTotal);
  return { score, pairs };
}

const SCRIPT_NAMES: Record<string, string> = {
  Latn: 'Latin', Cyrl: 'Cyrillic', Arab: 'Arabic script', Hani: 'Chinese', Hans: 'Chinese', Hant: 'Chinese', Other: 'other script',
};

function explain(pairs: Pairing['pairs'], nameScript: string | undefined): string {
  const parts = pairs.map((p, i) => {
    const rel = p.sim >= 0.999 && p.q.text === p.n.text ? '=' : '≈';
    if (i > 0) return `${p.q.text} ${rel} ${p.n.text}`;
    const qs = SCRIPT_NAMES[p.q.script] ?? p.q.script;
    const ns = SCRIPT_NAMES[nameScript ?? p.n.script] ?? nameScript ?? p.n.script;
    return `${qs} ${p.q.text} ${rel} ${ns} ${p.n.text}`;
  });
  return parts.join('; ');
}

// A duplicate check compares the same forms with a hundred records: each spelling is read once.
// Tokens are never changed after tokenizing, so sharing them is safe.
const tokenCache = new Map<string, NameToken[]>();
function tokensOf(text: string): NameToken[] {
  let tokens = tokenCache.get(text);
  if (tokens === undefined) {
    tokens = tokenizeName(text);
    if (tokenCache.size >= 5000) tokenCache.clear();
    tokenCache.set(text, tokens);
  }
  return tokens;
}

/** How well a query matches a person's name forms: the best form wins, tokens in any order. */
export function matchPerson(query: string, names: Array<{ text: string; script?: string }>): NameMatch {
  return personMatcher(query)(names);
}

/**
 * matchPerson for one query and many persons (a search's candidates): a name form shared by several of
 * them (namesakes) is compared with the query once.
 */
export function personMatcher(query: string): (names: Array<{ text: string; script?: string }>) => NameMatch {
  const q = tokensOf(query);
  const byForm = new Map<string, Pairing>();
  const matchText = (text: string, tokens: NameToken[]): Pairing => {
    let m = byForm.get(text);
    if (m === undefined) byForm.set(text, (m = matchForm(q, tokens)));
    return m;
  };
  return (names) => bestForm(q, names, matchText);
}

function bestForm(q: NameToken[], names: Array<{ text: string; script?: string }>, matchText: (text: string, tokens: NameToken[]) => Pairing): NameMatch {
  if (q.length === 0 || !Array.isArray(names)) return { score: 0, explanation: '' };
  let best: Pairing | undefined;
  let bestScript: string | undefined;
  // A person has a handful of forms; cap the work for pathological records.
  for (const form of names.slice(0, 50)) {
    const text = form?.text ?? '';
    const tokens = tokensOf(text);
    if (tokens.length === 0) continue;
    const m = matchText(text, tokens);
    if (best === undefined || m.score > best.score) {
      best = m;
      bestScript = form.script;
    }
  }
  if (best === undefined || best.pairs.length === 0) return { score: 0, explanation: '' };
  return { score: Math.round(best.score * 1000) / 1000, explanation: explain(best.pairs, bestScript) };
}
