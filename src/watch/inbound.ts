/** The message gateways that may relay a check-in (`POST /api/v1/inbound/{gateway}`). */
export const INBOUND_GATEWAYS = ['sms', 'signal', 'telegram'] as const;
export type InboundGateway = (typeof INBOUND_GATEWAYS)[number];

export function isInboundGateway(value: string): value is InboundGateway {
  return (INBOUND_GATEWAYS as readonly string[]).includes(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One sender, written one way, so that the number typed into a watch and the one a gateway reports
 * hash alike. Phone numbers (SMS, Signal) keep their digits only, an international `00` prefix read
 * as `+`, and the `+` dropped (gateways differ in sending it): so numbers must be entered in
 * international form. Signal may also name an account by its UUID; Telegram by a numeric id or a
 * username (`@` dropped, lower case, as Telegram compares them). Null when it is no such address.
 */
export function normaliseSender(gateway: InboundGateway, from: string): string | null {
  const text = from.trim();
  if (text.length === 0 || text.length > 64) return null;
  if (gateway === 'telegram') {
    if (/^-?\d{1,20}$/.test(text)) return text;
    const name = text.replace(/^@/, '').toLowerCase();
    return /^[a-z][a-z0-9_]{3,31}$/.test(name) ? `@${name}` : null;
  }
  if (gateway === 'signal' && UUID.test(text.toLowerCase())) return text.toLowerCase();
  // Spaces, dashes, dots and brackets are how people write numbers, not part of them.
  const compact = text.replace(/[\s\-.()]/g, '');
  const digits = compact.replace(/^(?:\+|00)/, '');
  return /^\d{5,20}$/.test(digits) ? digits : null;
}

export type InboundAction = 'checkin' | 'sos' | 'cancel';
const KEYWORDS: Record<string, InboundAction> = { OK: 'checkin', SOS: 'sos', CANCEL: 'cancel' };

/**
 * `OK <pin>`, `SOS <pin>` or `CANCEL <pin>`: the keyword in any case, then the PIN (which may hold
 * spaces; what surrounds the message is trimmed). Null for anything else; the PIN is not judged here.
 */
export function parseInboundText(text: string): { action: InboundAction; pin: string } | null {
  // No `u` flag: without it, `i` folds ASCII only, so no look-alike letter passes for a keyword.
  const match = /^(ok|sos|cancel)\s+([\s\S]+)$/i.exec(text.trim());
  if (!match) return null;
  return { action: KEYWORDS[match[1]!.toUpperCase()]!, pin: match[2]!.trim() };
}

/**
 * When a relayed message counts as sent: the time the gateway says it received it, but never later
 * than now nor before the watch began (a gateway's clock is not ours).
 */
export function messageTime(receivedAt: Date | undefined, now: Date, watchCreated: Date): Date {
  if (!receivedAt) return now;
  return new Date(Math.min(now.getTime(), Math.max(receivedAt.getTime(), watchCreated.getTime())));
}
