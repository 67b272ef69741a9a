import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import { authenticate, createToken, revokeToken } from '../auth/tokens.service.ts';
import { SESSION_COOKIE } from '../http/auth.ts';
import type { RouteSettings } from '../http/server.ts';
import type { ServiceContext } from '../services.ts';
import { ASSETS } from './assets.ts';
import { ErrorView } from './error.views.tsx';
import { sendErrorPage } from './guards.ts';
import { LoginView, LogoutView } from './login.views.tsx';
import { translator } from './i18n.ts';
import { field, isCrossSite, pageContext, queryOf, readCookie, safeNext, seeOther, sendPage, type PageContext } from './page.ts';

function sessionCookie(request: FastifyRequest, value: string, maxAge?: number): string {
  // No Max-Age: the session ends with the browser session, which Tor Browser ends often.
  const parts = [`${SESSION_COOKIE}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  if (request.protocol === 'https') parts.push('Secure');
  return parts.join('; ');
}

/** How long a web session lasts; the browser usually ends it sooner (no Max-Age). */
export const SESSION_HOURS = 12;

/**
 * Signs in with a session of its own: a short-lived token with the principal's role, never the
 * token the user typed, so signing out can revoke the session without touching their API token.
 */
async function signIn(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, principal: { role: string; name: string | null }) {
  const expiresAt = new Date(ctx.clock.now().getTime() + SESSION_HOURS * 3600_000);
  const session = await createToken(ctx.db, ctx.clock, { role: principal.role, name: `web session: ${principal.name ?? 'token'}`.slice(0, 200), expiresAt });
  reply.header('set-cookie', sessionCookie(request, session.token));
  return seeOther(reply, safeNext(field(request.body, 'next')));
}

/** An HTML error page for the server's error handler, in the reader's language where it can tell. */
export function renderHtmlError(status: number, message: string, request?: FastifyRequest): string {
  const page: PageContext = request ? pageContext(request) : { i18n: translator('en'), principal: null, canWrite: false, url: '/' };
  const { i18n } = page;
  const shown = status === 404 ? i18n.t('error.not_found') : status === 401 ? i18n.t('login.required') : message;
  return `<!doctype html>\n${renderToString(ErrorView({ page, status, message: shown, detail: status === 404 ? undefined : message }))}`;
}

/** Sign-in, sign-out, the root redirect and Vigil's own static files. */
export function webPages(app: FastifyInstance, ctx: ServiceContext, settings: Partial<RouteSettings> = {}): void {
  const demo = settings.demo ?? false;

  app.get<{ Params: { name: string }; Querystring: { v?: string } }>('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = ASSETS.get(request.params.name);
    if (!asset) return sendErrorPage(request, reply, 404, 'error.not_found');
    const etag = `"${asset.hash}"`;
    // A versioned URL never changes its content, so it may be kept; an unversioned one is revalidated.
    reply
      .header('cache-control', request.query.v === asset.hash ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('etag', etag)
      .type(asset.type);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.send(asset.body);
  });

  app.get('/login', async (request, reply) => {
    const query = queryOf(request);
    const next = safeNext(query.next);
    if (request.principal) return seeOther(reply, next);
    const notice = query.signed_out === '1' ? 'signed_out' : typeof query.next === 'string' ? 'required' : null;
    return sendPage(reply, 200, LoginView({ page: pageContext(request, reply), next, errors: {}, demo, notice }));
  });

  app.post('/login', async (request, reply) => {
    if (isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
    const token = field(request.body, 'token').trim();
    const principal = token ? await authenticate(ctx.db, ctx.clock, token) : null;
    if (principal) return signIn(ctx, request, reply, principal);
    const page = pageContext(request, reply);
    const errors = { token: page.i18n.t(token ? 'login.invalid' : 'login.missing') };
    return sendPage(reply, token ? 401 : 400, LoginView({ page, next: safeNext(field(request.body, 'next')), errors, demo, notice: null }));
  });

  if (demo) {
    app.post('/login/demo', async (request, reply) => {
      if (isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
      return signIn(ctx, request, reply, { role: 'researcher', name: 'demo case worker' });
    });
  }

  app.get('/logout', async (request, reply) => {
    if (!request.principal) return seeOther(reply, '/login');
    return sendPage(reply, 200, LogoutView({ page: pageContext(request, reply) }));
  });

  app.post('/logout', async (request, reply) => {
    if (isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
    const session = readCookie(request, SESSION_COOKIE);
    if (session) await revokeToken(ctx.db, ctx.clock, session);
    reply.header('set-cookie', sessionCookie(request, '', 0));
    return seeOther(reply, '/login?signed_out=1');
  });
}
