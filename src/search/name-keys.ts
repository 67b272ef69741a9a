import { coarseSkeleton, isVowel, pinyinRunToken, tokenizeName, type NameToken } from './name-phonetics.ts';

export const MAX_KEYS = 24;
// Four consonant classes tell most names apart and survive changed endings (-ov/-ova/-耶夫).
const KEY_CLASSES = 4;

function keyOf(canon: string): string | undefined {
  const skeleton = coarseSkeleton(canon, KEY_CLASSES);
  if (skeleton === '') return undefined;
  // A leading vowel is kept as a mark: Askar and Sakar should not share a key.
  return (isVowel(canon[0]) || canon[0] === 'w' ? '_' : '') + skeleton;
}

/**
 * Chinese cannot write a syllable-final l, r or h before a consonant (哈木拉提 = Halmurat, 堯樂博斯 = Yulbars,
 * 艾买提 = Ehmet): the spelling without its first, then without its second such sound.
 */
function withoutCodas(canon: string): string[] {
  const out: string[] = [];
  // Only codas among the first KEY_CLASSES consonants change the key.
  let consonants = 0;
  for (let i = 1; i + 1 < canon.length && out.length < 2 && consonants < KEY_CLASSES; i++) {
    const ch = canon[i];
    if (isVowel(ch) || ch === 'w') continue;
    consonants++;
    if ((ch === 'l' || ch === 'r' || ch === 'h') && isVowel(canon[i - 1]) && !isVowel(canon[i + 1])) out.push(canon.slice(0, i) + canon.slice(i + 1));
  }
  return out;
}

/** Tokens plus pinyin runs read as one word; patronymics and titles after the names proper. */
function keyTokens(tokens: NameToken[]): { main: NameToken[]; minor: NameToken[] } {
  const main: NameToken[] = [];
  const minor: NameToken[] = [];
  let run: NameToken[] = [];
  const endRun = (): void => {
    if (run.length >= 2) main.push(pinyinRunToken(run));
    run = [];
  };
  for (const t of tokens) {
    if (t.syllable) run.push(t);
    else endRun();
    (t.role === 'main' ? main : minor).push(t);
  }
  endRun();
  return { main, minor };
}

function collectKeys(text: string): string[] {
  const tokens = tokenizeName(text);
  const { main, minor } = keyTokens(tokens);
  const keys = new Set<string>();
  const add = (canon: string): string | undefined => {
    if (keys.size >= MAX_KEYS) return undefined;
    const k = keyOf(canon);
    if (k !== undefined) keys.add(k);
    return k;
  };
  for (const t of main) add(t.variants[0]);
  // Adjacent words joined: Kassym Jomart = Kasymzhomart = 卡瑟姆若马尔特.
  const shortJoins: number[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const k = add(tokens[i].variants[0] + tokens[i + 1].variants[0]);
    if (k !== undefined && k.replace('_', '').length < KEY_CLASSES) shortJoins.push(i);
  }
  // Russified endings: Abbasov and Abbas share a key.
  for (const t of main) if (t.stem !== undefined) add(t.stem);
  for (const t of main) for (const v of t.variants.slice(1)) add(v);
  for (const t of main) for (const v of withoutCodas(t.variants[0])) add(v);
  for (const t of minor) for (const v of t.variants) add(v);
  // Three words joined (Ali Khan Türe = Алихонтўра): a new key only where two joined words have fewer than four classes.
  for (const i of shortJoins) if (i + 2 < tokens.length) add(tokens[i].variants[0] + tokens[i + 1].variants[0] + tokens[i + 2].variants[0]);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const [a, ...aAlts] = tokens[i].variants;
    const [b, ...bAlts] = tokens[i + 1].variants;
    for (const alt of aAlts) add(alt + b);
    for (const alt of bAlts) add(a + alt);
  }
  return [...keys];
}

/** Index keys of one name form (any script): coarse, script-independent phonetic keys, at most 24. */
export function nameKeys(text: string): string[] {
  return collectKeys(text);
}

/** The same for a search query (may be a part of a name; may mix forms). */
export function queryKeys(query: string): string[] {
  return collectKeys(query);
}
