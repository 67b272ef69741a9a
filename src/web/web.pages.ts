import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, ENROLMENT_COOKIE, csrfTokenOf } from '../http/auth.ts';
import { cookieHeader } from '../http/cookies.ts';
import { CSRF_REFUSED, type RouteSettings } from '../http/server.ts';
import type { ServiceContext } from '../services.ts';
import { signIn, signInDemo, signOut, type SignInResult } from '../users/sign-in.service.ts';
import { userPages } from '../users/users.pages.ts';
import { userRoutes } from '../users/users.routes.ts';
import { ASSETS } from './assets.ts';
import { ErrorView } from './error.views.tsx';
import { sendErrorPage } from './guards.ts';
import { LoginView, LogoutView, type LoginFormState } from './login.views.tsx';
import { translator } from './i18n.ts';
import { field, isCrossSite, pageContext, queryOf, readCookie, renderPage, safeNext, seeOther, sendPage, withQuery, type PageContext } from './page.ts';

export { SESSION_HOURS } from '../auth/tokens.service.ts';

/** Sets the session cookie. No Max-Age: the session ends with the browser session, which Tor Browser ends often. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header('set-cookie', cookieHeader(request, SESSION_COOKIE, token));
}

/** An HTML error page for the server's error handler, in the reader's language where it can tell. */
export function renderHtmlError(status: number, message: string, request?: FastifyRequest): string {
  const page: PageContext = request ? pageContext(request) : { i18n: translator('en'), principal: null, canWrite: false, url: '/' };
  const { i18n } = page;
  const shown =
    status === 404 ? i18n.t('error.not_found') : status === 401 ? i18n.t('login.required') : message === CSRF_REFUSED ? i18n.t('error.csrf') : message;
  const detail = status === 404 || message === CSRF_REFUSED ? undefined : message;
  return renderPage(ErrorView({ page, status, message: shown, detail }), request ? csrfTokenOf(request) : '');
}

/** What the sign-in form answers to one attempt. */
function answerSignIn(
  request: FastifyRequest,
  reply: FastifyReply,
  settings: RouteSettings,
  result: SignInResult,
  render: (status: number, form: Omit<LoginFormState, 'email'>) => FastifyReply,
  next: string,
  now: number,
): FastifyReply {
  const { i18n } = pageContext(request, reply);
  switch (result.outcome) {
    case 'session':
      setSessionCookie(request, reply, result.session);
      return seeOther(reply, next);
    case 'enrol':
      reply.header('set-cookie', cookieHeader(request, ENROLMENT_COOKIE, result.enrolment));
      return seeOther(reply, withQuery('/login/enrol', { next: next === '/persons' ? undefined : next }));
    case 'code_required':
      return render(401, { errors: { totp: i18n.t('login.code_required') }, problem: null });
    case 'failed':
      settings.limits.signInByAddress.fail(request.ip, now);
      return render(401, { errors: {}, problem: i18n.t('login.failed') });
    case 'locked':
      settings.limits.signInByAddress.fail(request.ip, now);
      reply.header('retry-after', String(result.retryAfter));
      return render(429, { errors: {}, problem: i18n.t('login.locked', { seconds: result.retryAfter }) });
  }
}

/** Sign-in, sign-out, the root redirect and Vigil's own static files; the account pages come with them. */
export function webPages(app: FastifyInstance, ctx: ServiceContext, settings: RouteSettings): void {
  const { demo } = settings;

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
    const form = { email: '', errors: {}, problem: null };
    return sendPage(reply, 200, LoginView({ page: pageContext(request, reply), next, form, demo, notice }));
  });

  app.post('/login', async (request, reply) => {
    if (isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
    const page = pageContext(request, reply);
    const next = safeNext(field(request.body, 'next'));
    const email = field(request.body, 'email').trim().slice(0, 320);
    const password = field(request.body, 'password');
    const render = (status: number, form: Omit<LoginFormState, 'email'>) => sendPage(reply, status, LoginView({ page, next, form: { email, ...form }, demo, notice: null }));
    const missing = page.i18n.t('form.error.required');
    if (!email || !password) return render(400, { errors: { ...(email ? {} : { email: missing }), ...(password ? {} : { password: missing }) }, problem: null });
    // Over Tor every visitor shares 127.0.0.1: this only blunts floods; the account lockout is the defence.
    const busy = settings.limits.signInByAddress.retryAfter(request.ip, ctx.clock.now().getTime());
    if (busy) {
      reply.header('retry-after', String(busy));
      return render(429, { errors: {}, problem: page.i18n.t('login.busy', { seconds: busy }) });
    }
    const result = await signIn(ctx, settings.limits, settings.webSecret, { email, password, code: field(request.body, 'totp') });
    return answerSignIn(request, reply, settings, result, render, next, ctx.clock.now().getTime());
  });

  if (demo) {
    app.post('/login/demo', async (request, reply) => {
      if (isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
      const { session } = await signInDemo(ctx);
      setSessionCookie(request, reply, session);
      return seeOther(reply, safeNext(field(request.body, 'next')));
    });
  }

  app.get('/logout', async (request, reply) => {
    if (!request.principal) return seeOther(reply, '/login');
    return sendPage(reply, 200, LogoutView({ page: pageContext(request, reply) }));
  });

  app.post('/logout', async (request, reply) => {
    if (isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
    const session = readCookie(request, SESSION_COOKIE);
    if (session) await signOut(ctx, session, request.principal);
    reply.header('set-cookie', cookieHeader(request, SESSION_COOKIE, '', { maxAge: 0 }));
    return seeOther(reply, '/login?signed_out=1');
  });

  // Sign-in continues there (two-factor set-up, one-time links) and so does the API for users.
  userPages(app, ctx, settings);
  userRoutes(app, ctx);
}
