import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { authenticate } from '../auth/tokens.service.ts';
import type { ServiceContext } from '../services.ts';
import { credentialOf } from './auth.ts';
import { toHttpError } from './errors.ts';
import { coercingAjv, strictAjv } from './validation.ts';

/** Settings a route registrar may need beyond the service context. */
export interface RouteSettings {
  /** Serving with `--demo`: e.g. the sign-in page offers a one-click demo account. */
  demo: boolean;
}

export interface ServerOptions {
  bodyLimit: number;
  logger: boolean;
  /** Feature routes, registered after the shared plumbing. */
  routes: Array<(app: FastifyInstance, ctx: ServiceContext, settings: RouteSettings) => void>;
  /** Renders an HTML error page for non-API paths (the request gives the reader's language). */
  renderHtmlError?: (status: number, message: string, request: FastifyRequest) => string;
  demo?: boolean;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Every asset comes from Vigil itself; no inline script, no third party.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export async function buildServer(ctx: ServiceContext, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    return503OnClosing: true,
  });

  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strictAjv.compile(schema) : coercingAjv.compile(schema),
  );
  // Presenters name every field; the response schemas document them but do not filter.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // The API speaks JSON; web forms post urlencoded. Anything else is a 415, not a string body.
  app.removeContentTypeParser('text/plain');
  await app.register(formbody, { bodyLimit: options.bodyLimit });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Vigil API', version: '1', description: 'Case files for people at risk of arbitrary detention and enforced disappearance.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    const credential = credentialOf(request);
    request.principal = credential ? await authenticate(ctx.db, ctx.clock, credential) : null;
  });

  // Web forms post urlencoded; the API takes JSON only, so no form on any site can reach it.
  app.addHook('preValidation', async (request) => {
    const type = request.headers['content-type'];
    if (request.url.startsWith('/api/') && request.body !== undefined && type && !/^application\/json\b/i.test(type)) {
      throw Object.assign(new Error('send application/json'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    if (status === 401) reply.header('www-authenticate', 'Bearer');
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

  for (const register of options.routes) register(app, ctx, { demo: options.demo ?? false });
  return app;
}
