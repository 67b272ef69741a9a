import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/passwords.ts';
import { ENROLMENT_COOKIE, SESSION_COOKIE } from '../http/auth.ts';
import { cookieHeader } from '../http/cookies.ts';
import type { RouteSettings } from '../http/server.ts';
import { InvalidInputError, NotFoundError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import type { ServiceContext } from '../services.ts';
import type { FieldErrors } from '../web/components.tsx';
import { sendErrorPage } from '../web/guards.ts';
import type { Translator } from '../web/i18n.ts';
import { field, isCrossSite, pageContext, queryOf, readCookie, safeNext, seeOther, sendPage, withQuery } from '../web/page.ts';
import { beginEnrolment, confirmEnrolment, enrolmentAfterSetup, recoveryCodesLeft, regenerateRecoveryCodes } from './sign-in.service.ts';
import { changePassword, createUserToken, findSetupUser, getUser, listUserTokens, revokeUserToken, setPasswordWithLink } from './users.service.ts';
import { AccountView, EnrolView, RecoveryCodesView, SetupView, type AccountFlash, type AccountPageProps } from './users.views.tsx';

const FLASHES: ReadonlySet<string> = new Set<AccountFlash>(['password_changed', 'session_revoked', 'token_revoked']);

/** A new password's problem in the reader's words, or none. */
function newPasswordErrors(i18n: Translator, password: string, repeat: string, name: string): FieldErrors {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return { [name]: i18n.t('form.error.too_short', { min: PASSWORD_MIN }) };
  if (length > PASSWORD_MAX) return { [name]: i18n.t('form.error.too_long', { max: PASSWORD_MAX }) };
  if (password !== repeat) return { repeat: i18n.t('setup.mismatch') };
  return {};
}

/** Account pages: signed in, posting from our own pages, with a credential that may change things. */
async function requireAccount(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (!request.principal) {
    const next = request.method === 'GET' ? request.url : undefined;
    return seeOther(reply, withQuery('/login', { next }));
  }
  if (request.method !== 'GET' && isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
  if (request.method !== 'GET' && request.principal.readOnly) return sendErrorPage(request, reply, 403, 'error.forbidden_write');
  return undefined;
}

async function qrDataUri(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** Two-factor set-up, one-time sign-in links, and one's own account. */
export function userPages(app: FastifyInstance, ctx: ServiceContext, _settings: RouteSettings): void {
  const renderEnrolment = async (request: FastifyRequest, reply: FastifyReply, next: string, error: string | null) => {
    const token = readCookie(request, ENROLMENT_COOKIE);
    const enrolment = token ? await beginEnrolment(ctx, token) : null;
    if (!enrolment) return sendErrorPage(request, reply, 401, 'enrol.expired');
    const page = pageContext(request, reply);
    return sendPage(reply, error ? 400 : 200, EnrolView({ page, qrDataUri: await qrDataUri(enrolment.uri), secret: enrolment.secret, next, error }));
  };

  app.get('/login/enrol', async (request, reply) => renderEnrolment(request, reply, safeNext(queryOf(request).next), null));

  app.post('/login/enrol', async (request, reply) => {
    if (isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
    const next = safeNext(field(request.body, 'next'));
    const token = readCookie(request, ENROLMENT_COOKIE);
    const result = token ? await confirmEnrolment(ctx, token, field(request.body, 'totp')) : { outcome: 'expired' as const };
    if (result.outcome === 'expired') return sendErrorPage(request, reply, 401, 'enrol.expired');
    if (result.outcome === 'wrong_code') return renderEnrolment(request, reply, next, pageContext(request, reply).i18n.t('enrol.wrong_code'));
    reply.header('set-cookie', cookieHeader(request, ENROLMENT_COOKIE, '', { maxAge: 0 }));
    reply.header('set-cookie', cookieHeader(request, SESSION_COOKIE, result.session));
    // The codes are shown in this answer and never again; the browser must not keep the page.
    return sendPage(reply, 200, RecoveryCodesView({ page: pageContext(request, reply), codes: result.recoveryCodes, next }));
  });

  app.get<{ Params: { token: string } }>('/setup/:token', async (request, reply) => {
    const user = await findSetupUser(ctx, request.params.token);
    if (!user) return sendErrorPage(request, reply, 404, 'setup.invalid');
    return sendPage(reply, 200, SetupView({ page: pageContext(request, reply), token: request.params.token, email: user.email, errors: {} }));
  });

  app.post<{ Params: { token: string } }>('/setup/:token', async (request, reply) => {
    if (isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
    const { token } = request.params;
    const user = await findSetupUser(ctx, token);
    if (!user) return sendErrorPage(request, reply, 404, 'setup.invalid');
    const page = pageContext(request, reply);
    const password = field(request.body, 'password');
    const errors = newPasswordErrors(page.i18n, password, field(request.body, 'repeat'), 'password');
    if (Object.keys(errors).length) return sendPage(reply, 400, SetupView({ page, token, email: user.email, errors }));
    const updated = await setPasswordWithLink(ctx, token, password);
    if (!updated) return sendErrorPage(request, reply, 404, 'setup.invalid');
    reply.header('set-cookie', cookieHeader(request, ENROLMENT_COOKIE, await enrolmentAfterSetup(ctx, updated)));
    return seeOther(reply, '/login/enrol');
  });

  const renderAccount = async (request: FastifyRequest, reply: FastifyReply, status: number, extra: Partial<AccountPageProps> = {}) => {
    const principal = request.principal!;
    const [user, tokens, recoveryLeft] = await Promise.all([
      getUser(ctx, principal, principal.userId),
      listUserTokens(ctx, principal, principal.userId),
      recoveryCodesLeft(ctx, principal.userId),
    ]);
    const saved = queryOf(request).saved;
    const props: AccountPageProps = {
      page: pageContext(request, reply),
      user,
      sessions: tokens.filter((token) => token.kind === 'session'),
      tokens: tokens.filter((token) => token.kind === 'api'),
      currentSessionId: principal.tokenId,
      recoveryLeft,
      flash: status === 200 && typeof saved === 'string' && FLASHES.has(saved) ? (saved as AccountFlash) : null,
      newToken: null,
      newCodes: null,
      errors: { password: {}, token: {}, recovery: {} },
      ...extra,
    };
    return sendPage(reply, status, AccountView(props));
  };
  const noErrors = { password: {}, token: {}, recovery: {} };

  app.get('/account', { preHandler: requireAccount }, async (request, reply) => renderAccount(request, reply, 200));

  app.post('/account/password', { preHandler: requireAccount }, async (request, reply) => {
    const { i18n } = pageContext(request, reply);
    const next = field(request.body, 'new_password');
    const errors = newPasswordErrors(i18n, next, field(request.body, 'repeat'), 'new_password');
    if (Object.keys(errors).length) return renderAccount(request, reply, 400, { errors: { ...noErrors, password: errors } });
    try {
      await changePassword(ctx, request.principal!, field(request.body, 'current_password'), next);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return renderAccount(request, reply, 400, { errors: { ...noErrors, password: { current_password: i18n.t('account.wrong_password') } } });
    }
    return seeOther(reply, '/account?saved=password_changed');
  });

  for (const kind of ['sessions', 'tokens'] as const) {
    app.post<{ Params: { id: string } }>(`/account/${kind}/:id/revoke`, { preHandler: requireAccount }, async (request, reply) => {
      const principal = request.principal!;
      if (!isId(request.params.id)) throw new NotFoundError(kind === 'sessions' ? 'session' : 'token');
      await revokeUserToken(ctx, principal, principal.userId, request.params.id);
      if (request.params.id === principal.tokenId) {
        reply.header('set-cookie', cookieHeader(request, SESSION_COOKIE, '', { maxAge: 0 }));
        return seeOther(reply, '/login?signed_out=1');
      }
      return seeOther(reply, `/account?saved=${kind === 'sessions' ? 'session_revoked' : 'token_revoked'}#${kind}`);
    });
  }

  app.post('/account/tokens', { preHandler: requireAccount }, async (request, reply) => {
    const { i18n } = pageContext(request, reply);
    const name = field(request.body, 'name').trim();
    const problem = !name
      ? i18n.t('form.error.required')
      : name.length > 200
        ? i18n.t('form.error.too_long', { max: 200 })
        : /[\u0000-\u001F\u007F]/.test(name)
          ? i18n.t('form.error.characters')
          : null;
    if (problem) return renderAccount(request, reply, 400, { errors: { ...noErrors, token: { name: problem } } });
    const principal = request.principal!;
    const created = await createUserToken(ctx, principal, principal.userId, { name, read_only: field(request.body, 'read_only') === 'on' });
    return renderAccount(request, reply, 201, { newToken: created.token });
  });

  app.post('/account/recovery-codes', { preHandler: requireAccount }, async (request, reply) => {
    const { i18n } = pageContext(request, reply);
    try {
      const codes = await regenerateRecoveryCodes(ctx, request.principal!, field(request.body, 'password'));
      return renderAccount(request, reply, 200, { newCodes: codes });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return renderAccount(request, reply, 400, { errors: { ...noErrors, recovery: { password: i18n.t('account.wrong_password') } } });
    }
  });
}
