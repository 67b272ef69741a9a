import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../services.ts';
import { fromAcceptLanguage, type Language } from '../web/i18n.ts';
import { checkinBadRequestPage, checkinFormPage, checkinLockedPage, checkinRecordedPage, checkinRefusedPage } from './checkin.views.ts';
import { cancelSosBy, raiseSosBy } from './sos.service.ts';
import { checkInWithPin, createCheckinGuard, type PinAction } from './watches.service.ts';

const PAGE_SOURCE = { channel: 'page', actor: 'checkin:page' } as const;

/** The form's buttons: none (Enter, or "Continue") checks in; `sos` and `cancel` are the other two. */
const PAGE_ACTIONS: Record<string, PinAction | undefined> = {
  sos: raiseSosBy(PAGE_SOURCE),
  cancel: cancelSosBy(PAGE_SOURCE),
};

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  // Nothing of this page may stay in a cache or the history's copies on her phone.
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('vary', 'accept-language')
    .header('x-robots-tag', 'noindex, nofollow')
    .type('text/html; charset=utf-8')
    .send(html);
}

/**
 * The page's language comes from the browser's Accept-Language alone: no cookie, no query, nothing
 * of the watch, so for the same request headers every answer (PIN, duress PIN, unknown link) is alike.
 */
function languageOf(request: FastifyRequest): Language {
  return fromAcceptLanguage(request.headers['accept-language']) ?? 'en';
}

/**
 * Whether a post may come from another site. The page sets no cookie, so a CSRF token would have to
 * live in the page and be bound to nothing; and the secret in the address already is what a forger
 * lacks. What remains is to refuse what a browser marks as cross-site: Sec-Fetch-Site when sent,
 * else an Origin of another host. `Origin: null` is let through, because our own `no-referrer`
 * policy makes browsers send exactly that for the page's own form; clients without either header
 * (curl, old browsers) are not browsers acting for someone else.
 */
export function isCrossSitePost(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    return new URL(origin).host !== request.host;
  } catch {
    return true;
  }
}

/** `/c/{secret}`: the person's own check-in, outside the API, no sign-in, no script needed. */
export function checkinPages(app: FastifyInstance, ctx: ServiceContext): void {
  const guard = createCheckinGuard();
  // Whatever goes wrong, the person sees this plain page, never the app's framed error page.
  const errorHandler = (_error: unknown, request: FastifyRequest, reply: FastifyReply) => send(reply, 400, checkinBadRequestPage(languageOf(request)));
  const config = { csrfExempt: true };

  app.get<{ Params: { secret: string } }>('/c/:secret', { schema: { hide: true }, config, errorHandler }, async (request, reply) =>
    // The same page for every address: a guessed link learns nothing.
    send(reply, 200, checkinFormPage(languageOf(request))),
  );

  app.post<{ Params: { secret: string } }>('/c/:secret', { schema: { hide: true }, config, errorHandler }, async (request, reply) => {
    const lang = languageOf(request);
    if (isCrossSitePost(request)) return send(reply, 403, checkinBadRequestPage(lang));
    const body = request.body as Record<string, unknown> | undefined;
    const pin = body && typeof body === 'object' && typeof body.pin === 'string' ? body.pin : '';
    const action = body && typeof body === 'object' ? body.action : undefined;
    if (action !== undefined && (typeof action !== 'string' || !Object.hasOwn(PAGE_ACTIONS, action))) return send(reply, 400, checkinBadRequestPage(lang));
    const outcome = await checkInWithPin(ctx, guard, request.params.secret, pin, action === undefined ? undefined : PAGE_ACTIONS[action]);
    if (outcome.result === 'recorded') return send(reply, 200, checkinRecordedPage(lang));
    if (outcome.result === 'locked') return send(reply.header('retry-after', String(outcome.retryAfterSeconds)), 429, checkinLockedPage(lang));
    return send(reply, 403, checkinRefusedPage(lang));
  });
}
