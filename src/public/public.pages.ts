import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { InvalidInputError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import { STATS_CSV_NAME } from '../stats/stats.routes.ts';
import { publicStatistics, statisticsCsv } from '../stats/stats.service.ts';
import { isLanguage, negotiateLanguage, translator } from '../web/i18n.ts';
import { queryOf, renderPage, withQuery, type PageContext } from '../web/page.ts';
import { renderAtomFeed } from './feed.ts';
import { getPublicCase, listRegister, NotOnRegisterError, REGISTER_QUERY_KEYS, registerFeed } from './public.service.ts';
import { PublicCaseView, PublicErrorView, PublicStatsView, RegisterListView } from './public.views.tsx';

/**
 * The public register's pages (DESIGN §6): no sign-in, and nothing of the visitor used — no session,
 * no cookie read or set, no CSRF token (no form posts). The language comes from `?lang=` (kept in
 * the links) or Accept-Language, so every visitor asking the same gets the same page.
 */

interface PublicRequestContext {
  page: PageContext;
  /** The `?lang=` asked for, to keep in links; null when the browser's language was used. */
  lang: string | null;
}

function publicContext(request: FastifyRequest): PublicRequestContext {
  const asked = queryOf(request).lang;
  const lang = negotiateLanguage({ query: asked, acceptLanguage: request.headers['accept-language'] });
  return { page: { i18n: translator(lang), principal: null, canWrite: false, url: request.url }, lang: isLanguage(asked) ? asked : null };
}

function send(reply: FastifyReply, status: number, type: string, body: string): FastifyReply {
  // Unpublishing must take a case off at once: nothing is cached on the way.
  return reply.code(status).type(type).header('cache-control', 'no-store').header('vary', 'accept-language').send(body);
}

const sendHtml = (reply: FastifyReply, status: number, view: VNode): FastifyReply => send(reply, status, 'text/html; charset=utf-8', renderPage(view, ''));

function sendError(reply: FastifyReply, context: PublicRequestContext, status: 400 | 404, detail?: string): FastifyReply {
  return sendHtml(reply, status, PublicErrorView({ page: context.page, lang: context.lang, status, ...(detail ? { detail } : {}) }));
}

/** Only the named parameters, each at most once; anything else is a 400 before any reading. */
function stringParams(request: FastifyRequest, allowed: readonly string[]): Record<string, string> {
  const query = queryOf(request);
  const unknown = Object.keys(query).filter((name) => !allowed.includes(name));
  if (unknown.length) throw new InvalidInputError(`this page takes no parameter ${unknown.map((name) => name.slice(0, 40)).join(', ')}`);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new InvalidInputError(`${name} is given more than once`, { [name]: 'given more than once' });
    out[name] = value;
  }
  return out;
}

/** Runs a page, answering a bad query with the register's own 400 page and an absent case with its one 404 page. */
async function guarded(request: FastifyRequest, reply: FastifyReply, run: (context: PublicRequestContext) => Promise<FastifyReply>): Promise<FastifyReply> {
  const context = publicContext(request);
  try {
    return await run(context);
  } catch (error) {
    if (error instanceof NotOnRegisterError) return sendError(reply, context, 404);
    if (error instanceof InvalidInputError) return sendError(reply, context, 400, error.message);
    throw error;
  }
}

/**
 * `publicUrl` (VIGIL_PUBLIC_URL) is where the register is read, for the feed's id and links; the
 * Host header is never used, since anyone can send any.
 */
export function publicPages(options: { publicUrl: string | undefined }) {
  return (app: FastifyInstance, ctx: ServiceContext): void => registerPublicPages(app, ctx, options.publicUrl);
}

function registerPublicPages(app: FastifyInstance, ctx: ServiceContext, publicUrl: string | undefined): void {
  app.get('/public', async (request, reply) =>
    guarded(request, reply, async (context) => {
      const params = stringParams(request, REGISTER_QUERY_KEYS);
      const result = await listRegister(ctx, params);
      const nextHref = result.next_cursor ? withQuery('/public', { status: params.status, ethnicity: params.ethnicity, lang: context.lang, cursor: result.next_cursor }) : null;
      return sendHtml(reply, 200, RegisterListView({ page: context.page, lang: context.lang, items: result.items, q: result.q, status: params.status ?? '', ethnicity: params.ethnicity ?? '', nextHref }));
    }),
  );

  app.get<{ Params: { case_number: string } }>('/public/cases/:case_number', async (request, reply) =>
    guarded(request, reply, async (context) => {
      stringParams(request, ['lang']);
      const file = await getPublicCase(ctx, request.params.case_number);
      return sendHtml(reply, 200, PublicCaseView({ page: context.page, lang: context.lang, file }));
    }),
  );

  app.get('/public/feed.atom', async (request, reply) =>
    guarded(request, reply, async () => {
      stringParams(request, []);
      const entries = await registerFeed(ctx);
      return send(reply, 200, 'application/atom+xml; charset=utf-8', renderAtomFeed({ publicUrl, entries, i18n: translator('en'), now: ctx.clock.now().toISOString() }));
    }),
  );

  app.get('/public/stats', async (request, reply) =>
    guarded(request, reply, async (context) => {
      stringParams(request, ['lang']);
      return sendHtml(reply, 200, PublicStatsView({ page: context.page, lang: context.lang, stats: await publicStatistics(ctx) }));
    }),
  );

  app.get('/public/stats.csv', async (request, reply) =>
    guarded(request, reply, async () => {
      stringParams(request, []);
      const csv = statisticsCsv(await publicStatistics(ctx));
      return send(reply.header('content-disposition', `attachment; filename="public-${STATS_CSV_NAME}"`), 200, 'text/csv; charset=utf-8', csv);
    }),
  );
}
