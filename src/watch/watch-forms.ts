/**
 * What people type into the early-warning forms, turned into what the API takes. Anything not
 * recognised passes through as typed, so the service judges it and names the field.
 */

// `24h`, `1d 12h`, `90s`, `30 min`, `2 weeks`: a number and a unit, repeated.
const SHORT_PART = /(\d{1,9})\s*(w|wk|wks|weeks?|d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)(?![a-z])/gy;

/** `24h`, `90s`, `1d 12h`, `2w` → `PT24H`, `PT90S`, `P1DT12H`, `P2W`; ISO 8601 text and anything else as typed. */
export function durationFromForm(text: string): string {
  const typed = text.trim();
  if (/^p/i.test(typed) || typed === '') return typed.toUpperCase();
  const lower = typed.toLowerCase();
  const totals: Record<string, number> = { w: 0, d: 0, h: 0, m: 0, s: 0 };
  SHORT_PART.lastIndex = 0;
  let at = 0;
  let parts = 0;
  for (;;) {
    while (lower[at] === ' ' || lower[at] === ',') at++;
    if (at >= lower.length) break;
    SHORT_PART.lastIndex = at;
    const match = SHORT_PART.exec(lower);
    if (!match) return typed;
    const unit = match[2]!.startsWith('min') ? 'm' : match[2]![0]!;
    totals[unit]! += Number(match[1]);
    at = SHORT_PART.lastIndex;
    parts++;
  }
  if (parts === 0) return typed;
  const date = `${totals.w ? `${totals.w}W` : ''}${totals.d ? `${totals.d}D` : ''}`;
  const time = `${totals.h ? `${totals.h}H` : ''}${totals.m ? `${totals.m}M` : ''}${totals.s ? `${totals.s}S` : ''}`;
  if (!date && !time) return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}

/** `2026-06-01 14:30` (read as UTC, the time every page shows) → `2026-06-01T14:30:00Z`; anything else as typed. */
export function timeFromForm(text: string): string {
  const typed = text.trim();
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$/.exec(typed);
  return match ? `${match[1]}T${match[2]}${match[3] ?? ':00'}Z` : typed;
}

/** A time as the contact form offers it: UTC, to the minute. */
export function timeForForm(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

/** Items typed one a line, or separated by commas, semicolons or spaces. */
export function splitList(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}
