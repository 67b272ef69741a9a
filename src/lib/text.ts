/**
 * Unicode that changes how text looks without being seen: kept as given (a name is evidence),
 * but flagged, and shown visibly in pages.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u180E]/u;

export type TextFlag = 'bidi_control' | 'zero_width';

export function textFlags(text: string): TextFlag[] {
  const flags: TextFlag[] = [];
  if (BIDI_CONTROL.test(text)) flags.push('bidi_control');
  if (ZERO_WIDTH.test(text)) flags.push('zero_width');
  return flags;
}


const INVISIBLE_GLOBAL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B-\u200D\u2060\uFEFF\u180E]/gu;

/** Replaces invisible characters with a visible `<U+XXXX>` marker, for display only. */
export function revealInvisible(text: string): string {
  return text.replace(INVISIBLE_GLOBAL, (ch) => `⟨U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
