import en from './messages/en.json' with { type: 'json' };
import kk from './messages/kk.json' with { type: 'json' };
import ru from './messages/ru.json' with { type: 'json' };
import ug from './messages/ug.json' with { type: 'json' };
import zh from './messages/zh.json' with { type: 'json' };

export type MessageKey = keyof typeof en;

export const LANGUAGES = ['en', 'kk', 'ug', 'ru', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, for the language switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  kk: 'Қазақша',
  ug: 'ئۇيغۇرچە',
  ru: 'Русский',
  zh: '中文',
};

const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set(['ug']);

/** An empty string in a catalog means "not translated yet": that key falls back to English. */
export const CATALOGS: Record<Language, Record<string, string>> = { en, kk, ug, ru, zh };

export type Vars = Record<string, string | number>;

export interface Translator {
  lang: Language;
  dir: 'ltr' | 'rtl';
  t(key: MessageKey, vars?: Vars): string;
  /** The label of an enumerated value (`status.detained`), or the value itself when there is none. */
  label(prefix: string, value: string | number | null | undefined): string;
  has(key: string): boolean;
}

function interpolate(text: string, vars: Vars | undefined): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function translator(lang: Language): Translator {
  const catalog = CATALOGS[lang];
  const rtl = RIGHT_TO_LEFT.has(lang);
  // An English fallback inside a right-to-left page is isolated as left-to-right (LRI…PDI),
  // so its punctuation stays where English readers expect it.
  const fallback = (text: string | undefined) => (text && rtl ? `\u2066${text}\u2069` : text);
  const lookup = (key: string): string | undefined => catalog[key] || fallback((en as Record<string, string>)[key]) || undefined;
  return {
    lang,
    dir: rtl ? 'rtl' : 'ltr',
    t: (key, vars) => interpolate(lookup(key) ?? key, vars),
    label: (prefix, value) => (value === null || value === undefined || value === '' ? '' : (lookup(`${prefix}.${value}`) ?? String(value))),
    has: (key) => lookup(key) !== undefined,
  };
}

/** The best of our languages for an Accept-Language header (`kk-KZ,ru;q=0.8,en;q=0.5`), if any. */
export function fromAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && Number.isFinite(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) if (isLanguage(entry.primary)) return entry.primary;
  return null;
}

/** `?lang=` first, then the remembered choice, then the browser's preference, then English. */
export function negotiateLanguage(input: { query?: unknown; cookie?: string | null | undefined; acceptLanguage?: string | undefined }): Language {
  if (isLanguage(input.query)) return input.query;
  if (isLanguage(input.cookie)) return input.cookie;
  return fromAcceptLanguage(input.acceptLanguage) ?? 'en';
}
