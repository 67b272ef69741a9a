/**
 * Free text → search keys (pure). Free text is sealed at rest, so it is searched through a blind
 * index: each word becomes a key, and only the key's keyed hash is stored (text-index.ts).
 *
 * A word is folded (NFKC, lower case, no diacritics or invisible characters, Kazakh and Uyghur
 * Cyrillic letters to their Russian look-alikes, Latin/Cyrillic homoglyphs inside a mixed word)
 * and cut to a stem: its first 5 letters when longer (арестована, арестовали → арест; түрмеде,
 * түрмеге → түрме; detained, detainee → detai), an English plural without its s (camps → camp).
 * One key per word keeps the index small; the price is that words sharing their first five letters
 * (international, interview) find each other, which the AND of the other words and the ranking
 * (an exact word scores above a shared stem) keep in check. Chinese has no spaces: every
 * character and every pair of adjacent characters is a key, and a query's pairs must all be there.
 */

/** Letters a stem keeps of a longer word. */
export const STEM_LENGTH = 5;
/** Distinct keys kept per indexed text set; words past it are not findable (a note is rarely that long). */
export const MAX_DOC_KEYS = 1500;
/** Query terms used at most (AND): bounds the work of one query. */
export const MAX_QUERY_TERMS = 8;
/** Characters of one text read at most. */
export const MAX_TEXT_CHARS = 100_000;
const MAX_WORD = 64;

// Zero-width and format characters (ZWJ, ZWNJ, bidi controls, soft hyphen, BOM…), Arabic tatweel.
const INVISIBLE = /[\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180E\uFE00-\uFE0F\u0640]/gu;
// Diacritics on Latin/Cyrillic letters and optional Arabic vowel signs; the hamza of ئ is a letter and stays.
const MARKS = /[\u0300-\u036F\u064B-\u0652\u0670\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF]/g;
// Letters of Kazakh, Uyghur, Kyrgyz Cyrillic that are often typed on a Russian keyboard as their look-alikes.
const CYRILLIC_FOLD: Record<string, string> = { ә: 'а', ғ: 'г', қ: 'к', ң: 'н', ө: 'о', ұ: 'у', ү: 'у', һ: 'х', і: 'и', җ: 'ж', ї: 'и', є: 'е' };
const LATIN_FOLD: Record<string, string> = { ı: 'i', ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', ħ: 'h' };
// Arabic letters with a second code point for the same letter in Persian/Urdu keyboards.
const ARABIC_FOLD: Record<string, string> = { ک: 'ك' };
// Inside a word that mixes Latin and Cyrillic, the minority letters that look alike become the majority's.
const LATIN_TO_CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', y: 'у', x: 'х', i: 'и', k: 'к', m: 'м', t: 'т', h: 'х', b: 'в' };
const CYRILLIC_TO_LATIN: Record<string, string> = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', и: 'i', і: 'i', к: 'k', м: 'm', т: 't', в: 'b', һ: 'h', ј: 'j', ѕ: 's' };

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
// A word as written: letters, digits, marks, and the invisible characters that may sit inside it.
const WORD = /[\p{L}\p{N}\p{M}\p{Cf}\u0640]+/gu;
const KEEP = /[\p{L}\p{N}]/u;

const fold = (s: string): string => s.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().normalize('NFD').replace(MARKS, '').normalize('NFC');

const STOP_WORDS = new Set(
  [
    // English
    'a an and are as at be been but by for from had has have he her his i in is it its me my not no of on or our she so that the their them they this to was we were which with you your',
    // Russian
    'а без бы был была были было в вам вас во вот все всё вы где да для до его ее её если есть еще ещё же за и из или им их к как кто ли мне мы на над не него нет ни но о об он она они оно от по под при про с со так также там то тоже только у уже чем что чтобы эта эти это этот я',
    // Kazakh and Uyghur (Cyrillic and Arabic script)
    'және мен бен пен де та те бұл ол осы үшін ۋە بىلەن بۇ ئۇ بىر ئۈچۈن',
  ]
    .join(' ')
    .split(' ')
    .map(fold),
);
// Chinese function characters: as single characters they would be in almost every text.
const STOP_HAN = new Set([...'的了是在和有我他她这一不也就都而及与着或被把之其']);

/**
 * A word mixing Latin and Cyrillic: when every minority letter has a look-alike in the majority's
 * script (Жaнaргүл with Latin a), they become the majority's; otherwise it is two words run together.
 */
function unmixScripts(word: string): string[] {
  if (!LATIN.test(word) || !CYRILLIC.test(word)) return [word];
  let latin = 0;
  let cyrillic = 0;
  for (const ch of word) {
    if (LATIN.test(ch)) latin++;
    else if (CYRILLIC.test(ch)) cyrillic++;
  }
  if (latin === 0 || cyrillic === 0) return [word];
  const [minority, map] = cyrillic >= latin ? [LATIN, LATIN_TO_CYRILLIC] : [CYRILLIC, CYRILLIC_TO_LATIN];
  if ([...word].every((ch) => !minority.test(ch) || map[ch] !== undefined)) return [[...word].map((ch) => map[ch] ?? ch).join('')];
  return word.match(/[\p{Script=Latin}\p{N}]+|[^\p{Script=Latin}]+/gu) ?? [word];
}

function foldLetters(word: string): string {
  let out = '';
  for (const ch of word) {
    const code = ch.charCodeAt(0);
    // Arabic-Indic and extended Arabic-Indic digits read as 0-9.
    if (code >= 0x0660 && code <= 0x0669) out += String(code - 0x0660);
    else if (code >= 0x06f0 && code <= 0x06f9) out += String(code - 0x06f0);
    else out += CYRILLIC_FOLD[ch] ?? LATIN_FOLD[ch] ?? ARABIC_FOLD[ch] ?? ch;
  }
  return out;
}

/** One piece of a text: a folded word, or a run of Chinese characters. */
export interface TextPiece {
  kind: 'word' | 'han';
  /** Folded text: the word, or the Chinese run. */
  text: string;
  /** Where the piece's word starts and ends in the original text (for snippets). */
  start: number;
  end: number;
}

function pushWord(pieces: TextPiece[], part: string, start: number, end: number): void {
  const word = foldLetters(part);
  if (!KEEP.test(word)) return;
  pieces.push({ kind: 'word', text: word.length > MAX_WORD ? [...word].slice(0, MAX_WORD).join('') : word, start, end });
}

/** The pieces of a text in order: folded words and Chinese runs (stop words included). */
export function textPieces(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  const source = text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
  for (const match of source.matchAll(WORD)) {
    const start = match.index;
    const end = start + match[0].length;
    const folded = fold(match[0]);
    if (!HAN.test(folded)) {
      for (const part of unmixScripts(folded)) pushWord(pieces, part, start, end);
      continue;
    }
    // Chinese inside a word is cut out as its own run; the rest is one word per script run.
    let run = '';
    let han = '';
    const flushWord = () => {
      for (const part of unmixScripts(run)) pushWord(pieces, part, start, end);
      run = '';
    };
    const flushHan = () => {
      if (han) pieces.push({ kind: 'han', text: han, start, end });
      han = '';
    };
    for (const ch of folded) {
      if (HAN.test(ch)) {
        if (run) flushWord();
        han += ch;
      } else {
        if (han) flushHan();
        run += ch;
      }
    }
    if (run) flushWord();
    flushHan();
  }
  return pieces;
}

/** A word's stem: what its key is made of. */
export function stemOf(word: string): string {
  const letters = [...word];
  if (/\d/.test(word)) return word; // numbers and codes are matched whole
  if (letters.length > STEM_LENGTH) return letters.slice(0, STEM_LENGTH).join('');
  // English plural: camps → camp (not "ss": press, less).
  if (letters.length >= 4 && word.endsWith('s') && !word.endsWith('ss') && LATIN.test(word)) return word.slice(0, -1);
  return word;
}

function isUsefulWord(word: string): boolean {
  return [...word].length >= 2 && !STOP_WORDS.has(word);
}

/** The key material of one word (before hashing): domain-prefixed so it never equals a name key. */
export const wordKey = (word: string): string => `t:${stemOf(word)}`;
const hanKey = (gram: string): string => `t:h:${gram}`;

/** The keys of a Chinese run: every character (but function characters) and every adjacent pair. */
function hanKeys(run: string): string[] {
  const chars = [...run];
  const keys: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (!STOP_HAN.has(chars[i]!)) keys.push(hanKey(chars[i]!));
    if (i + 1 < chars.length) keys.push(hanKey(chars[i]! + chars[i + 1]!));
  }
  return keys;
}

/** Key material of one or more texts (distinct, at most MAX_DOC_KEYS), ready to hash. */
export function textKeys(...texts: Array<string | null | undefined>): string[] {
  const keys = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const piece of textPieces(text)) {
      if (piece.kind === 'han') for (const key of hanKeys(piece.text)) keys.add(key);
      else if (isUsefulWord(piece.text)) keys.add(wordKey(piece.text));
      if (keys.size >= MAX_DOC_KEYS) return [...keys].slice(0, MAX_DOC_KEYS);
    }
  }
  return [...keys];
}

/** One term of a query: every term must match (AND). */
export interface TextTerm {
  /** Key material, hashed for the lookup. */
  key: string;
  /** The folded word (or Chinese characters) typed, to rank an exact word above a shared stem. */
  text: string;
  kind: 'word' | 'han';
}

/** A query's terms: its words (stop words and one-letter words dropped) and Chinese pairs; at most MAX_QUERY_TERMS. */
export function queryTextTerms(query: string): TextTerm[] {
  const terms = new Map<string, TextTerm>();
  for (const piece of textPieces(query)) {
    if (piece.kind === 'word') {
      if (isUsefulWord(piece.text)) terms.set(wordKey(piece.text), { key: wordKey(piece.text), text: piece.text, kind: 'word' });
      continue;
    }
    const chars = [...piece.text];
    // One character is looked up alone (unless it is a function character); longer runs by their pairs.
    if (chars.length === 1 && !STOP_HAN.has(chars[0]!)) terms.set(hanKey(chars[0]!), { key: hanKey(chars[0]!), text: chars[0]!, kind: 'han' });
    for (let i = 0; i + 1 < chars.length; i++) {
      const gram = chars[i]! + chars[i + 1]!;
      terms.set(hanKey(gram), { key: hanKey(gram), text: gram, kind: 'han' });
    }
  }
  return [...terms.values()].slice(0, MAX_QUERY_TERMS);
}

/** The key material of a query's terms (AND), ready to hash. */
export function queryTextKeys(query: string): string[] {
  return queryTextTerms(query).map((term) => term.key);
}

/** How a term meets a text: 1 for the exact word (or Chinese characters), 0.7 for a word sharing its stem, 0 for none; and where. */
export function matchTerm(term: TextTerm, pieces: TextPiece[], text?: string): { weight: number; start: number; end: number } | null {
  let best: { weight: number; start: number; end: number } | null = null;
  for (const piece of pieces) {
    if (term.kind === 'han') {
      if (piece.kind !== 'han' || !piece.text.includes(term.text)) continue;
      // A Chinese run may be a whole sentence: point at the characters themselves when the text has them as typed.
      const at = text?.indexOf(term.text, piece.start) ?? -1;
      return at >= 0 && at < piece.end ? { weight: 1, start: at, end: at + term.text.length } : { weight: 1, start: piece.start, end: piece.end };
    }
    if (piece.kind !== 'word') continue;
    if (piece.text === term.text) return { weight: 1, start: piece.start, end: piece.end };
    if (!best && wordKey(piece.text) === term.key) best = { weight: 0.7, start: piece.start, end: piece.end };
  }
  return best;
}
