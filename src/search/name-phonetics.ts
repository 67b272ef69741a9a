import { pinyin } from 'pinyin-pro';

// One name form → tokens in a shared canonical Latin sound alphabet, so that spellings in
// different scripts can be compared. Alphabet: vowels a e i o u y; w (в/v/w, also ۆ ۋ);
// b p f; k g q h; s z c (ч ц ç) j (ж zh dzh) x (ш sh ş); t d; r l; m n.

export type NameScript = 'Latn' | 'Cyrl' | 'Arab' | 'Hani' | 'Other';
export type TokenRole = 'main' | 'patronymic' | 'title';

export interface NameToken {
  /** The token as written (after NFKC and cleaning). */
  text: string;
  script: NameScript;
  /** Canonical spellings; the first is the most likely reading, the others cover ambiguous letters. */
  variants: string[];
  role: TokenRole;
  /** True for a Latin token that is one pinyin syllable ("Gu", "Li", "Zha"). */
  syllable: boolean;
  /** The first variant without a Russified surname ending (Abbasov, Аббасова, 阿巴索夫 → abas), if it has one. */
  stem?: string;
}

export const MAX_INPUT_CHARS = 200;
export const MAX_TOKENS = 10;
const MAX_VARIANTS = 4;

const COARSE: Record<string, string> = {
  b: 'B', p: 'B', f: 'B',
  k: 'K', g: 'K', q: 'K', h: 'K',
  s: 'S', z: 'S', c: 'S', j: 'S', x: 'S',
  t: 'T', d: 'T',
  r: 'R', l: 'R',
  m: 'M', n: 'N',
};

/** Script-independent consonant skeleton: vowels, y and v/w dropped, confusable consonants merged, repeats collapsed. */
export function coarseSkeleton(canon: string, limit = Infinity): string {
  let out = '';
  let last = '';
  for (let i = 0; i < canon.length && out.length < limit; i++) {
    const c = COARSE[canon[i]];
    if (c !== undefined && last !== c) { out += c; last = c; }
  }
  return out;
}

export function isVowel(ch: string | undefined): boolean {
  // Compared, not looked up: the edit distance asks this for every letter pair of every comparison.
  return ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u' || ch === 'y';
}

// ---- cleaning and tokenising ------------------------------------------------------------

const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFE00-\uFE0F\uFEFF]/g;
// Latin letters that look like Cyrillic ones, for words typed with a mixed keyboard.
const LATIN_TO_CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', y: 'у', x: 'х', i: 'і', k: 'к', m: 'м', t: 'т', h: 'һ', b: 'в' };
const CYRILLIC_TO_LATIN: Record<string, string> = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', к: 'k', м: 'm', т: 't', һ: 'h', в: 'b', ѕ: 's', ј: 'j' };

const RE_HAN = /\p{Script=Han}/u;
const RE_CYRL = /\p{Script=Cyrillic}/u;
const RE_ARAB = /\p{Script=Arabic}/u;
const RE_LATN = /\p{Script=Latin}/u;

function scriptOfChar(ch: string): NameScript {
  // Fast paths for the common blocks; the Unicode script properties decide the rest.
  const cp = ch.charCodeAt(0);
  if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a)) return 'Latn';
  if (cp >= 0x0400 && cp <= 0x04ff) return 'Cyrl';
  if (cp >= 0x4e00 && cp <= 0x9fff) return 'Hani';
  if (cp >= 0x0620 && cp <= 0x064a) return 'Arab';
  if (RE_HAN.test(ch)) return 'Hani';
  if (RE_CYRL.test(ch)) return 'Cyrl';
  if (RE_ARAB.test(ch)) return 'Arab';
  if (RE_LATN.test(ch)) return 'Latn';
  return 'Other';
}

for (const table of [LATIN_TO_CYRILLIC, CYRILLIC_TO_LATIN]) {
  for (const [k, v] of Object.entries(table)) table[k.toUpperCase()] = v.toUpperCase();
}

function fixHomoglyphs(word: string): string {
  let latin = 0;
  let cyrillic = 0;
  for (const ch of word) {
    const s = scriptOfChar(ch);
    if (s === 'Latn') latin++;
    else if (s === 'Cyrl') cyrillic++;
  }
  if (latin === 0 || cyrillic === 0) return word;
  const map = cyrillic >= latin ? LATIN_TO_CYRILLIC : CYRILLIC_TO_LATIN;
  const minority = cyrillic >= latin ? 'Latn' : 'Cyrl';
  let out = '';
  for (const ch of word) {
    const folded = map[ch];
    // A minority letter with no look-alike means two words glued together (ЖанаргүлZhumatai), not a
    // mixed keyboard: leave the word to splitByScript.
    if (folded === undefined && scriptOfChar(ch) === minority) return word;
    out += folded ?? ch;
  }
  return out;
}

/** Split a cleaned word into runs of one script (a Chinese run glued to a Latin one becomes two tokens). */
function splitByScript(word: string): Array<{ text: string; script: NameScript }> {
  const runs: Array<{ text: string; script: NameScript }> = [];
  for (const ch of word) {
    let s = scriptOfChar(ch);
    if (s === 'Other') {
      // Combining marks and Arabic-script signs belong to the run they sit in.
      const last = runs[runs.length - 1];
      if (last && /\p{M}/u.test(ch)) { last.text += ch; continue; }
      continue;
    }
    if (s === 'Latn' && /\p{M}/u.test(ch)) s = runs[runs.length - 1]?.script ?? s;
    const last = runs[runs.length - 1];
    if (last && last.script === s) last.text += ch;
    else runs.push({ text: ch, script: s });
  }
  return runs;
}

const PINYIN_SYLLABLE = /^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(a|ai|an|ang|ao|e|ei|en|eng|er|i|ia|ian|iang|iao|ie|in|ing|iong|iu|o|ong|ou|u|ua|uai|uan|uang|ue|ui|un|uo|v|ve|ü|üe)$/;

export function isPinyinSyllable(word: string): boolean {
  return word.length <= 6 && PINYIN_SYLLABLE.test(word);
}

// Titles and honorifics: kept, but they say little about who a person is.
const TITLES = new Set([
  'haji', 'hajji', 'hadji', 'hoja', 'khoja', 'qoja', 'xoja', 'molla', 'mullah', 'mulla', 'imam', 'dr', 'prof', 'mr', 'mrs', 'ms',
  'khan', 'xan', 'han', 'bek', 'beg', 'batyr', 'batir', 'batur', 'sheikh', 'seyit', 'sayyid',
  'хаджи', 'хажы', 'қожа', 'ходжа', 'молла', 'имам', 'хан', 'бек', 'батыр',
  'ھاجى', 'ئىمام', 'موللا',
]);
// Standalone patronymic particles ("Serikbay uly", "Nurgozho uulu"): the token before them is the father's name.
const PARTICLES = new Set(['uly', 'ulı', 'uli', 'ūly', 'uulu', 'ulu', 'kyzy', 'qızı', 'kizi', 'kızı', 'qyzy', 'oglu', 'ogly', 'oğlu', 'ұлы', 'улы', 'уулу', 'қызы', 'кызы', 'оглы', 'ئوغلى', 'قىزى']);
const PATRONYMIC_SUFFIXES: Array<[RegExp, NameScript]> = [
  [/(?:ovich|evich|ovitch|evitch|owitsch|ewitsch|owitch|ovič|evič|ovic|evic|owicz|ewicz|ovna|evna|owna|ewna|ūly|uly|ulı|uulu|kyzy|qızı|kızı|qyzy|kizi|qizi)$/, 'Latn'],
  [/(?:ович|евич|овна|евна|ұлы|улы|уулу|қызы|кызы)$/, 'Cyrl'],
  [/(?:耶维奇|维奇|維奇|耶夫娜|夫娜|吾勒|乌勒|烏勒)$/, 'Hani'],
  [/(?:ۇلى|ولى|قىزى)$/, 'Arab'],
];

// Russified surname endings, read on the canonical spelling: Abbasov, Abbasoff, Аббасова, ئابباسوف, 阿巴索夫 → abas
// (-ov, -ev, -yev, -of, -ova, -eva; checked by hand: this runs for every token of every indexed name).
function russifiedStem(canon: string): string | undefined {
  let end = canon.length;
  if (canon[end - 1] === 'a') end--;
  const f = canon[end - 1];
  const v = canon[end - 2];
  if ((f !== 'w' && f !== 'f') || (v !== 'o' && v !== 'e')) return undefined;
  end -= canon[end - 3] === 'y' ? 3 : 2;
  let consonants = 0;
  for (let i = 0; i < end; i++) if (!isVowel(canon[i])) consonants++;
  return consonants >= 2 ? canon.slice(0, end) : undefined;
}

function patronymicRoot(word: string, script: NameScript): string | undefined {
  for (const [re, s] of PATRONYMIC_SUFFIXES) {
    if (s !== script) continue;
    const m = re.exec(word);
    if (m && word.length - m[0].length >= 2) return word.slice(0, word.length - m[0].length);
  }
  return undefined;
}

// CJK Radicals Supplement → unified ideograph (Unicode EquivalentUnifiedIdeograph.txt, U+2E81..U+2EF3): PDFs and
// web pages print ⻢ (U+2EE2) for 马; NFKC folds the Kangxi radicals block but not this one.
const RADICAL_PAIRS = '⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 ⺋㔾 ⺌小 ⺍小 ⺎兀 ⺏尣 ⺐尢 ⺑𡯂 ⺒巳 ⺓幺 ⺔彑 ⺕𫜹 ⺖忄 ⺗心 ⺘扌 ⺙攵 ⺛旡 ⺜日 ⺝月 ⺞歺 ⺟母 ⺠民 ⺡氵 ⺢氺 ⺣灬 ⺤爫 ⺥爫 ⺦丬 ⺧牛 ⺨犭 ⺩王 ⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓 ⺲罒 ⺳㓁 ⺴冗 ⺵𦉫 ⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 ⺺肀 ⺻聿 ⺼肉 ⺽𦥑 ⺾艹 ⺿艹 ⻀艹 ⻁虎 ⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 ⻈讠 ⻉贝 ⻊𧾷 ⻋车 ⻌辶 ⻍辶 ⻎辶 ⻏邑 ⻐钅 ⻑長 ⻒镸 ⻓长 ⻔门 ⻕𨸏 ⻖阝 ⻗雨 ⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 ⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐 ⻢马 ⻣骨 ⻤鬼 ⻥鱼 ⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 ⻬齐 ⻭歯 ⻮齿 ⻯竜 ⻰龙 ⻱龜 ⻲亀 ⻳龟';
const RADICALS = new Map(RADICAL_PAIRS.split(' ').map((pair) => [...pair] as [string, string]));
const RE_RADICAL = /[\u2E81-\u2EF3]/u;
const RE_RADICALS = /[\u2E81-\u2EF3]/gu;

const RE_APOSTROPHE = /['’‘ʻʼ`]/;
const INNER_APOSTROPHE = /(?<=\p{L})['’‘ʻʼ`](?=\p{L})/gu;

/** NFKC, lower case, no invisible characters, capped; returns the raw words of a name. */
function words(text: string): string[] {
  let raw = (typeof text === 'string' ? text : '').slice(0, MAX_INPUT_CHARS * 2);
  if (RE_RADICAL.test(raw)) raw = raw.replace(RE_RADICALS, (c) => RADICALS.get(c) ?? c);
  let capped = raw.normalize('NFKC').replace(INVISIBLE, '').slice(0, MAX_INPUT_CHARS);
  if (RE_APOSTROPHE.test(capped)) capped = capped.replace(INNER_APOSTROPHE, '');
  const out: string[] = [];
  // Chinese name separators (· • ・ ‧), punctuation and hyphens split words; an apostrophe inside a word marks an ayn,
  // a hamza or Uzbek o‘ g‘ (Isma'il, To‘ra) and is dropped instead.
  for (const w of capped.split(/[\s\p{P}\p{S}\p{N}]+/u)) {
    if (w) out.push(w);
    if (out.length >= MAX_TOKENS * 2) break;
  }
  return out;
}

export function tokenizeName(text: string): NameToken[] {
  const tokens: NameToken[] = [];
  for (const word of words(text)) {
    for (const run of splitByScript(fixHomoglyphs(word))) {
      if (tokens.length >= MAX_TOKENS) return tokens;
      if (run.script === 'Other') continue;
      const t = run.text.toLowerCase();
      if (PARTICLES.has(t)) {
        const prev = tokens[tokens.length - 1];
        if (prev && prev.role === 'main') prev.role = 'patronymic';
        continue;
      }
      const root = patronymicRoot(t, run.script);
      const variants = canonical(root ?? t, run.script);
      if (variants.length === 0 || variants[0] === '') continue;
      // Titles are recognised in any script by their sound (巴图尔 = batur, خان = han).
      const role: TokenRole = TITLES.has(t) || TITLE_SOUNDS.has(variants[0]) ? 'title' : root !== undefined ? 'patronymic' : 'main';
      const token: NameToken = { text: run.text, script: run.script, variants, role, syllable: run.script === 'Latn' && isPinyinSyllable(t) };
      const stem = role === 'main' ? russifiedStem(variants[0]) : undefined;
      if (stem !== undefined) token.stem = stem;
      tokens.push(token);
    }
  }
  surnameFromPatronymic(tokens);
  return tokens;
}

/**
 * Kazakh and Kyrgyz official names often carry the father's name as the only surname (Ahmet Baitursynuly,
 * Kurmanzhan Mamatbay kyzy): when no other token can be the surname, the last Turkic patronymic is it.
 */
// A Russian-style patronymic (-ovich, -ovna) never stands for the surname.
const SLAVIC_PATRONYMIC = /(?:vich|vitch|witsch|vič|vic|wicz|vna|wna|вич|вна|维奇|維奇|夫娜)$/;

function surnameFromPatronymic(tokens: NameToken[]): void {
  let main = 0;
  let last = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.role === 'main') main++;
    else if (t.role === 'patronymic' && !SLAVIC_PATRONYMIC.test(t.text.toLowerCase())) last = i;
  }
  if (main <= 1 && last >= 0) tokens[last].role = 'main';
}

const TITLE_SOUNDS = new Set(['batur', 'batir', 'batyr', 'haji', 'hajy', 'aji', 'bek', 'bey', 'han']);

/** Reads runs of single pinyin syllables typed as separate words ("Gu Li Na Zha") as one Chinese-style token. */
export function pinyinRunToken(run: NameToken[]): NameToken {
  const syllables = run.map((t) => t.text);
  return { text: syllables.join(' '), script: 'Latn', variants: expand(syllables.map(pinyinSegments).flat()), role: 'main', syllable: false };
}

// Names repeat their words (Memet, Abdurehim, Tursun…) across thousands of persons: each word is read once.
// A plain bounded map, emptied when full; the readings are never changed after they are made, so sharing them is safe.
const readings = new Map<string, string[]>();
const MAX_READINGS = 20_000;

/** A word's readings in Vigil's canonical Latin, most likely first (at most MAX_VARIANTS). */
export function canonical(word: string, script: NameScript): string[] {
  const memo = `${script}:${word}`;
  let variants = readings.get(memo);
  if (variants === undefined) {
    variants = readWord(word, script);
    if (readings.size >= MAX_READINGS) readings.clear();
    readings.set(memo, variants);
  }
  return variants;
}

function readWord(word: string, script: NameScript): string[] {
  switch (script) {
    case 'Latn': return expand(latinSegments(word));
    case 'Cyrl': return expand(mapChars(word, CYRILLIC));
    case 'Arab': return expand(mapChars(word, ARABIC, ARABIC_AMBIGUOUS));
    case 'Hani': return expand(chineseSegments(word));
    default: return [];
  }
}

// A segment is a list of alternative spellings of one sound; the first is the default.
type Segment = string[];

/** The default reading, then readings that change one ambiguous sound each. */
function expand(segments: Segment[]): string[] {
  const primary = tidy(segments.map((s) => s[0]).join(''));
  const out = [primary];
  for (let i = 0; i < segments.length && out.length < MAX_VARIANTS; i++) {
    const seg = segments[i];
    for (let a = 1; a < seg.length && out.length < MAX_VARIANTS; a++) {
      const v = tidy(segments.map((s, j) => (j === i ? seg[a] : s[0])).join(''));
      if (!out.includes(v)) out.push(v);
    }
  }
  return out;
}

const VELARS = new Set(['k', 'q', 'g']);

/** One spelling of a cluster: kq and ss read as one sound; n before b/p is m (Atambayev = 阿坦巴耶夫). */
function tidy(canon: string): string {
  let out = '';
  for (let i = 0; i < canon.length; i++) {
    let ch = canon[i];
    const prev = out[out.length - 1];
    if (ch === 'n' && (canon[i + 1] === 'b' || canon[i + 1] === 'p')) ch = 'm';
    if (prev !== undefined && !isVowel(ch) && (prev === ch || (VELARS.has(prev) && VELARS.has(ch)))) continue;
    out += ch;
  }
  return out;
}

// ---- Latin ---------------------------------------------------------------------------------

const LATIN_LETTERS: Record<string, string> = {
  ş: 'sh', ș: 'sh', š: 'sh', ś: 's', ç: 'c', č: 'c', ć: 'c', ğ: 'g', ġ: 'g', ǵ: 'g', ı: 'i', ä: 'a', ə: 'a', ǝ: 'a', æ: 'a',
  ö: 'o', ø: 'o', œ: 'o', ü: 'u', ū: 'u', ұ: 'u', ñ: 'n', ń: 'n', ň: 'n', ž: 'zh', ż: 'zh', ź: 'z', ł: 'l', ý: 'y', ÿ: 'y',
  ĳ: 'y', ß: 's', đ: 'd', ð: 'd', þ: 't', ħ: 'h', ŋ: 'n', ı̇: 'i',
};

function latinLetters(word: string): string {
  let s = '';
  for (const ch of word) s += LATIN_LETTERS[ch] ?? ch;
  return s.normalize('NFD').replace(/[^a-z]/g, '');
}

const LATIN_DIGRAPHS: Array<[string, Segment]> = [
  ['tsch', ['c']], ['szcz', ['x']], ['shch', ['x']], ['sch', ['x']], ['dzh', ['j']], ['dsh', ['j']], ['tsh', ['c']],
  ['sh', ['x']], ['sz', ['x']], ['sj', ['x']], ['zh', ['j']], ['dj', ['j']], ['dz', ['j']], ['cz', ['c']],
  // German and Czech "ch" is х (Turlychanow), English and French ч/ш.
  ['ch', ['c', 'h']], ['kh', ['h']], ['gh', ['g']], ['ph', ['f']], ['ck', ['k']], ['ou', ['u']],
];
const DIGRAPH_STARTS = new Set(LATIN_DIGRAPHS.map(([d]) => d[0]));

function latinSegments(word: string): Segment[] {
  const s = latinLetters(word);
  const out: Segment[] = [];
  let i = 0;
  outer: while (i < s.length) {
    const ch = s[i];
    if (DIGRAPH_STARTS.has(ch)) {
      for (const [d, seg] of LATIN_DIGRAPHS) {
        if (s.startsWith(d, i)) { out.push(seg); i += d.length; continue outer; }
      }
    }
    const last = out[out.length - 1];
    const prevVowel = last !== undefined && isVowel(last[0].slice(-1));
    if (ch === 'j') {
      // j is ж in Kazakh and Turkish Latin, й in German and Polish spellings after a vowel.
      out.push(prevVowel ? ['y', 'j'] : i === 0 ? ['j', 'y'] : ['j']);
    } else if (ch === 'h') {
      // Chinese renderings drop an h between vowels (Rahile → 热依拉).
      out.push(prevVowel && i + 1 < s.length && isVowel(s[i + 1]) ? ['h', ''] : ['h']);
    } else if (ch === 'x') out.push(['h']);
    else if (ch === 'v') out.push(['w']);
    else if (!(last !== undefined && last[0] === ch && last.length === 1)) out.push([ch]); // doubled letters read once
    i++;
  }
  return out;
}

// ---- Cyrillic and Arabic script ------------------------------------------------------------

// Uzbek Cyrillic ў is o' and ҳ is h (Алихонтўра = Alixonto'ra); Tajik ӯ and ҷ likewise.
const CYRILLIC: Record<string, string> = {
  а: 'a', ә: 'a', б: 'b', в: 'w', г: 'g', ғ: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'yo', є: 'ye', ж: 'j', җ: 'j', з: 'z', и: 'i', й: 'y',
  і: 'i', ї: 'yi', к: 'k', қ: 'q', л: 'l', м: 'm', н: 'n', ң: 'ng', о: 'o', ө: 'o', п: 'p', р: 'r', с: 's', т: 't',
  у: 'u', ұ: 'u', ү: 'u', ў: 'o', ф: 'f', х: 'h', һ: 'h', ҳ: 'h', ӯ: 'u', ҷ: 'j', ц: 'ts', ч: 'c', ш: 'x', щ: 'x', ъ: '', ы: 'i', ь: '', э: 'e',
  ю: 'yu', я: 'ya',
};

// Uyghur (ULY correspondences) and Kazakh Arabic script. ۆ is ö in Uyghur and в in Kazakh: both cheap.
// Persian ی (U+06CC) is read like Uyghur ى, Persian ک like ك (علیخون = Alixon).
const ARABIC: Record<string, string> = {
  ا: 'a', أ: 'a', إ: 'i', آ: 'a', ە: 'e', ه: 'e', ې: 'e', ى: 'i', ي: 'y', ی: 'i', و: 'o', ۇ: 'u', ۆ: 'w', ۈ: 'u', ۉ: 'o',
  ب: 'b', پ: 'p', ت: 't', ث: 's', ج: 'j', چ: 'c', ح: 'h', خ: 'h', د: 'd', ذ: 'z', ر: 'r', ز: 'z', ژ: 'j', س: 's',
  ش: 'x', ص: 's', ض: 'z', ط: 't', ظ: 'z', غ: 'g', ف: 'f', ق: 'q', ك: 'k', ک: 'k', گ: 'g', ڭ: 'ng', ل: 'l',
  م: 'm', ن: 'n', ھ: 'h', ۋ: 'w', ئ: '', ء: '', ٴ: '', ة: 'e',
};

// ع is Kazakh ғ, but in Arabic and Persian names the ayn carries an unwritten vowel (علی = Ali, عباس = Abbas).
const ARABIC_AMBIGUOUS: Record<string, Segment> = { ع: ['g', 'a'] };

function mapChars(word: string, table: Record<string, string>, ambiguous?: Record<string, Segment>): Segment[] {
  const out: Segment[] = [];
  for (const ch of word) {
    const alt = ambiguous !== undefined ? ambiguous[ch] : undefined;
    if (alt !== undefined) { out.push(alt); continue; }
    const m = table[ch];
    if (m === undefined || m === '') continue;
    for (const c of m) {
      const last = out[out.length - 1];
      if (last && last[0] === c && !isVowel(c)) continue;
      out.push([c]);
    }
  }
  return out;
}

// ---- Chinese -------------------------------------------------------------------------------

// Standard Chinese renderings of Turkic name parts (Xinhua usage) where pinyin would mislead. 司马义 is Xinhua's
// Ismail (司马义·铁力瓦尔地 Ismail Tiliwaldi, 司马义·艾买提 Ismail Amat): the initial i and final l are not written.
const CHINESE_LEXICON: Array<[string, string]> = [
  ['买买提', 'memet'], ['麦麦提', 'memet'], ['阿不都', 'abdu'], ['阿卜杜', 'abdu'], ['热依木', 'rehim'], ['吐尔逊', 'tursun'],
  ['穆罕默德', 'muhemmed'], ['艾合买提', 'ehmet'], ['艾合麦提', 'ehmet'], ['热合曼', 'rehman'], ['努尔', 'nur'], ['古丽', 'gul'],
  ['古力', 'gul'], ['司马义', 'ismail'], ['别克', 'bek'], ['別克', 'bek'], ['江', 'jan'], ['汗', 'han'], ['尔', 'r'], ['爾', 'r'], ['儿', 'r'], ['兒', 'r'],
  ['夫', 'w'], ['耶', 'ye'], ['娃', 'wa'], ['瓦', 'wa'], ['沃', 'wo'], ['维', 'wi'], ['維', 'wi'], ['伊', 'i'], ['依', 'i'],
  ['克', 'k'], ['甫', 'p'], ['特', 't'], ['斯', 's'], ['姆', 'm'], ['德', 'd'], ['提', 'ti'],
];
// 甫 renders a final p or f (玉素甫 Yusup, 铁依甫江 Teyipjan) above: its u is empty.
// 吾 and 乌 render u, ö and the gh/ğ + vowel syllable Chinese cannot write (吾甫尔 Ghopur, 维吾尔 Uyghur).
const CHINESE_AMBIGUOUS = new Map<string, Segment[]>([['吾', [['u', 'gu']]], ['乌', [['u', 'gu']]], ['烏', [['u', 'gu']]]]);
const LEXICON_MAX = 4;
const LEXICON = new Map(CHINESE_LEXICON);

const PINYIN_INITIALS: Array<[string, Segment]> = [
  ['zh', ['j']], ['ch', ['c']], ['sh', ['x']],
  // Xinhua writes ги/ки/га as 吉/基/加, хи/ши as 希, же/жо as 热/若, and Uyghur r also as 热.
  ['j', ['j', 'g']], ['q', ['c', 'k']], ['x', ['x', 'h']], ['r', ['r', 'j']],
  ['b', ['b']], ['p', ['p']], ['m', ['m']], ['f', ['f']], ['d', ['d']], ['t', ['t']], ['n', ['n']], ['l', ['l']],
  ['g', ['g']], ['k', ['k']], ['h', ['h']], ['z', ['z']], ['c', ['c']], ['s', ['s']], ['y', ['y']], ['w', ['w']],
];

function pinyinSegments(syllable: string): Segment[] {
  const s = syllable.toLowerCase().replace(/ü|v/g, 'u');
  if (s === 'er') return [['r']];
  const out: Segment[] = [];
  let rest = s;
  for (const [ini, seg] of PINYIN_INITIALS) {
    if (s.startsWith(ini)) { out.push(seg); rest = s.slice(ini.length); break; }
  }
  const final = rest.replace(/ng$/, 'n');
  for (const c of final) if (/[a-z]/.test(c)) out.push([c]);
  return out;
}

// Transcriptions use a few hundred characters: reading each once keeps nameKeys fast (pinyin-pro costs ~2 µs a character).
const CHAR_CACHE = new Map<string, Segment[]>();
const CHAR_CACHE_MAX = 30_000;
const LEXICON_STARTS = new Set(CHINESE_LEXICON.filter(([w]) => w.length > 1).map(([w]) => w[0]));

function charSegments(char: string): Segment[] {
  let segments = CHAR_CACHE.get(char);
  if (segments === undefined) {
    const hit = LEXICON.get(char);
    segments = CHINESE_AMBIGUOUS.get(char) ?? (hit !== undefined ? [...hit].map((c) => [c]) : pinyinSegments(pinyin(char, { toneType: 'none', type: 'array' })[0] ?? ''));
    if (CHAR_CACHE.size < CHAR_CACHE_MAX) CHAR_CACHE.set(char, segments);
  }
  return segments;
}

function chineseSegments(word: string): Segment[] {
  const chars = [...word];
  const out: Segment[] = [];
  for (let i = 0; i < chars.length;) {
    let matched = 0;
    if (LEXICON_STARTS.has(chars[i])) {
      for (let n = Math.min(LEXICON_MAX, chars.length - i); n >= 2 && matched === 0; n--) {
        const hit = LEXICON.get(chars.slice(i, i + n).join(''));
        if (hit !== undefined) {
          for (const c of hit) out.push([c]);
          matched = n;
        }
      }
    }
    if (matched > 0) { i += matched; continue; }
    for (const seg of charSegments(chars[i])) out.push(seg);
    i++;
  }
  return out;
}
