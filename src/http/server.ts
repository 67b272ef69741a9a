import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createAttemptLimits, type AttemptLimits } from '../auth/attempt-limits.ts';
import { authenticateToken } from '../auth/tokens.service.ts';
import type { Principal, RequestAudit } from '../auth/roles.ts';
import type { AuditEvent } from '../audit/audit.service.ts';
import { loadWebSecret, type WebSecret } from '../auth/web-secret.ts';
import { ForbiddenError, TooManyAttemptsError } from '../lib/errors.ts';
import type { ServiceContext } from '../services.ts';
import { credentialOf, hasValidCsrfToken, isApiRequest } from './auth.ts';
import { toHttpError } from './errors.ts';
import { coercingAjv, strictAjv } from './validation.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page post that carries no CSRF token and guards itself otherwise (the check-in page, src/watch/checkin.pages.ts). */
    csrfExempt?: boolean;
  }
}

/** Settings a route registrar may need beyond the service context. */
export interface RouteSettings {
  /** Serving with `--demo`: e.g. the sign-in page offers a one-click demo account. */
  demo: boolean;
  /** Failed sign-ins and tokens counted in memory by this server. */
  limits: AttemptLimits;
  /** The deployment's secret for CSRF tokens and pseudonyms. */
  webSecret: WebSecret;
}

export interface ServerOptions {
  bodyLimit: number;
  logger: boolean;
  /** Feature routes, registered after the shared plumbing. */
  routes: Array<(app: FastifyInstance, ctx: ServiceContext, settings: RouteSettings) => void>;
  /** Renders an HTML error page for non-API paths (the request gives the reader's language). */
  renderHtmlError?: (status: number, message: string, request: FastifyRequest) => string;
  demo?: boolean;
  /** The deployment key sits in the data directory: pages warn admins until it is moved. */
  keyBesideData?: boolean;
  /** Reverse proxies whose X-Forwarded-Proto/For are believed (none by default). */
  trustProxy?: string[];
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Every asset comes from Vigil itself; no inline script, no third party.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  // No page needs a camera, microphone, location or payment; a compromised page gets none either.
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()',
  // Our pages share no window with other sites' pages, and no other site may embed our responses.
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-permitted-cross-domain-policies': 'none',
};

// Two years, as browsers' preload lists ask; sent only over https, where it can be trusted.
const HSTS = 'max-age=63072000; includeSubDomains';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function buildServer(ctx: ServiceContext, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    logger: options.logger
      ? {
          level: 'info',
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          // Addresses can carry secrets (a one-time sign-in link); the log keeps the route, not them.
          serializers: { req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, url: maskUrlSecrets(request.url), remoteAddress: request.ip }) },
        }
      : false,
    return503OnClosing: true,
    // Only a configured proxy may say the request came over https (or from another address).
    ...(options.trustProxy?.length ? { trustProxy: options.trustProxy } : {}),
  });

  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strictAjv.compile(schema) : coercingAjv.compile(schema),
  );
  // Presenters name every field; the response schemas document them but do not filter.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // The API speaks JSON; web forms post urlencoded. Anything else is a 415, not a string body.
  app.removeContentTypeParser('text/plain');
  await app.register(formbody, { bodyLimit: options.bodyLimit });
  // Evidence uploads are streamed part by part (request.parts()); the routes that take them set their own file limits.
  await app.register(multipart, { limits: { files: 1, fields: 40, fieldSize: 64 * 1024, parts: 42, headerPairs: 100 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Vigil API', version: '1', description: 'Case files for people at risk of arbitrary detention and enforced disappearance.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  const webSecret = await loadWebSecret(ctx);
  const limits = createAttemptLimits();

  app.decorateRequest('principal', null);
  app.decorateRequest('webSecret', null);
  app.decorateRequest('keyBesideData', false);
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    request.webSecret = webSecret;
    request.keyBesideData = options.keyBesideData ?? false;
    // The public register uses nothing of the visitor: a session or token sent along is not even
    // looked at (no last-used time refreshed, no token.use audit written).
    if (isPublicPath(request.url)) return;
    const credential = credentialOf(request);
    if (!credential) return;
    if (credential.kind === 'session') {
      const session = await authenticateToken(ctx.db, ctx.clock, credential.token, 'session');
      request.principal = session.ok ? session.principal : null;
      return;
    }
    await authenticateBearer(ctx, limits, request, credential.token);
  });

  // A bearer request's audit is committed before its answer leaves: nothing is disclosed unrecorded.
  app.addHook('onSend', async (request, _reply, payload) => {
    const principal = request.principal;
    const pending = principal?.requestAudit;
    if (principal && pending) {
      principal.requestAudit = undefined;
      await Promise.all(requestAuditEntries(principal, pending).map((entry) => ctx.audit.append(entry)));
    }
    return payload;
  });

  app.addHook('preValidation', async (request) => {
    const api = isApiRequest(request);
    // Web forms post urlencoded; the API takes JSON only, so no form on any site can reach it.
    const type = request.headers['content-type'];
    if (api && request.body !== undefined && type && !/^application\/json\b/i.test(type)) {
      throw Object.assign(new Error('send application/json'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    }
    // Every page post carries the CSRF token of the page it came from, or changes nothing.
    if (!api && !SAFE_METHODS.has(request.method) && request.routeOptions.url !== undefined && !request.routeOptions.config.csrfExempt && !hasValidCsrfToken(request)) {
      throw new ForbiddenError(CSRF_REFUSED);
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    if (error instanceof TooManyAttemptsError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (!request.url.startsWith('/api/') && options.renderHtmlError) {
      return reply.code(status).type('text/html; charset=utf-8').send(options.renderHtmlError(status, body.error.message, request));
    }
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    if (!request.url.startsWith('/api/') && options.renderHtmlError) {
      return reply.code(404).type('text/html; charset=utf-8').send(options.renderHtmlError(404, 'There is no page at this address.', request));
    }
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const register of options.routes) register(app, ctx, { demo: options.demo ?? false, limits, webSecret });
  return app;
}

/** The message of a page post refused for a missing or wrong CSRF token (the HTML error page words it for people). */
export const CSRF_REFUSED = 'this form is out of date or was not sent from Vigil: go back, reload the page and send it again';

/**
 * Bearer tokens: every use is audited (`token.use`, with the route, never the body) before its
 * answer leaves, in one entry with any secret fields the request read (see requestAuditEntries);
 * every failure too (`token.rejected`); an address with too many failures waits.
 */
/** `/setup/<token>` (and any later link-borne secret under these prefixes) as `/setup/…`. */
export function maskUrlSecrets(url: string): string {
  return url.replace(/^\/(setup|c|ack)\/[^/?#]+/, '/$1/…').replace(/([?&](?:token|secret)=)[^&#]*/gi, '$1…');
}

/**
 * The entries that record one bearer request: its first secret read carries the token's use (one
 * entry where there would be two, on the hot path of reading a case); a request that read no
 * secret is a plain `token.use`.
 */
export function requestAuditEntries(principal: Principal, pending: RequestAudit): AuditEvent[] {
  const use = { method: pending.method, route: pending.route, token_id: principal.tokenId };
  if (pending.secretReads.length === 0) {
    return [{ actor: principal.actor, action: 'token.use', entity: 'api_token', entity_id: principal.tokenId, detail: use }];
  }
  return pending.secretReads.map((read, index) => ({
    actor: principal.actor,
    action: `${read.entity}.read_secret`,
    case_id: read.case_id,
    entity: read.entity,
    entity_id: read.id,
    detail: { fields: read.fields.join(','), ...(read.breakGlass ? { break_glass: true } : {}), ...(index === 0 ? use : { token_id: principal.tokenId }) },
  }));
}

async function authenticateBearer(ctx: ServiceContext, limits: AttemptLimits, request: FastifyRequest, token: string): Promise<void> {
  const address = request.ip;
  const now = ctx.clock.now().getTime();
  const wait = limits.bearerByAddress.retryAfter(address, now);
  if (wait) throw new TooManyAttemptsError(wait);
  const result = await authenticateToken(ctx.db, ctx.clock, token, 'api');
  const route = request.routeOptions.url ?? null;
  if (result.ok) {
    request.principal = { ...result.principal, requestAudit: { method: request.method, route, secretReads: [] } };
    return;
  }
  limits.bearerByAddress.fail(address, now);
  await ctx.audit.append({
    actor: result.userId ? `user:${result.userId}` : 'anonymous',
    action: 'token.rejected',
    entity: result.tokenId ? 'api_token' : null,
    entity_id: result.tokenId,
    detail: { reason: result.reason, method: request.method, route },
  });
}

/** /public and everything under it (the register's pages), however the query goes on. */
export function isPublicPath(url: string): boolean {
  return /^\/public(?:[/?#]|$)/.test(url);
}
