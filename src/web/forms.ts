import type { FieldErrors } from './components.tsx';
import type { MessageKey, Translator } from './i18n.ts';

/** Trims spaces only: invisible characters at the ends of a name are evidence and must stay visible. */
export function trimSpaces(text: string): string {
  return text.replace(/^[ \t\r\n\u00A0\u3000]+|[ \t\r\n\u00A0\u3000]+$/g, '');
}

/** A text field as the API wants it: null when left empty. */
export function optionalText(text: string): string | null {
  const trimmed = trimSpaces(text);
  return trimmed === '' ? null : trimmed;
}

const SCRIPT_PATTERNS: Array<[string, RegExp]> = [
  ['Latn', /\p{Script=Latin}/u],
  ['Cyrl', /\p{Script=Cyrillic}/u],
  ['Arab', /\p{Script=Arabic}/u],
  ['Hani', /\p{Script=Han}/u],
  ['Mong', /\p{Script=Mongolian}/u],
  ['Tibt', /\p{Script=Tibetan}/u],
  ['Grek', /\p{Script=Greek}/u],
  ['Geor', /\p{Script=Georgian}/u],
  ['Armn', /\p{Script=Armenian}/u],
  ['Hebr', /\p{Script=Hebrew}/u],
];

/** The one script a name's letters are written in, or null when they mix scripts or none is known. */
export function detectScript(text: string): string | null {
  const found = new Set<string>();
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    const match = SCRIPT_PATTERNS.find(([, pattern]) => pattern.test(char));
    if (!match) return null;
    found.add(match[0]);
  }
  return found.size === 1 ? [...found][0]! : null;
}

/**
 * Field messages from the shared validation (English, written for API users) turned into short
 * messages in the reader's language. Anything not recognised is shown as it came.
 */
export function localiseMessage(message: string, i18n: Translator, field: string, byField: Record<string, MessageKey> = {}): string {
  const specific = byField[field] ?? byField[field.replace(/\.\d+\./g, '.*.')];
  let match: RegExpExecArray | null;
  if (message === 'is required') return i18n.t(specific && field.endsWith('.script') ? specific : 'form.error.required');
  if (message.startsWith('is not an EDTF date')) return i18n.t('form.error.edtf');
  if (message.startsWith('is not a BCP 47')) return i18n.t('form.error.lang');
  if (message.startsWith('must be one of') || message === 'must be integer' || message === 'must be boolean') return i18n.t('form.error.choice');
  if (message === 'contains characters that are not allowed here') return i18n.t(specific ?? 'form.error.characters');
  if ((match = /^must NOT have more than (\d+) characters/.exec(message))) return i18n.t('form.error.too_long', { max: match[1]! });
  if ((match = /^must NOT have fewer than (\d+) characters/.exec(message))) return i18n.t('form.error.too_short', { min: match[1]! });
  if (/^must NOT have fewer than 1 items/.test(message)) return i18n.t('form.error.min_names');
  if ((match = /^must NOT have more than (\d+) items/.exec(message))) return i18n.t('form.error.too_many', { max: match[1]! });
  if (message.startsWith('must NOT have duplicate items')) return i18n.t('form.error.duplicates');
  if (message === 'must be a valid uuid') return i18n.t('form.error.id');
  if (message.startsWith('names no ')) return i18n.t('form.error.unknown_record');
  if (message === 'must be a valid uri' || message.startsWith('must be an http') || message === 'must name a host') return i18n.t('hint.url');
  if (message === 'must not be blank') return i18n.t('form.error.required');
  return message;
}

/**
 * Validation fields (`names.0.script`, `citizenships.2`) mapped to the form fields that show them;
 * `single` lists array fields typed into one input, whose item errors belong to that input.
 */
export function localiseFieldErrors(
  fields: Record<string, string>,
  i18n: Translator,
  options: { single?: string[]; byField?: Record<string, MessageKey> } = {},
): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, message] of Object.entries(fields)) {
    const single = options.single?.find((name) => field === name || field.startsWith(`${name}.`));
    const target = single ?? field;
    errors[target] ??= localiseMessage(message, i18n, single ?? field, options.byField);
  }
  return errors;
}
