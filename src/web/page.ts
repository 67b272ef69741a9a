import type { FastifyReply, FastifyRequest } from 'fastify';
import { h, type VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { canWrite, type Principal } from '../auth/roles.ts';
import { csrfTokenOf } from '../http/auth.ts';
import { cookieHeader, readCookie } from '../http/cookies.ts';
import { negotiateLanguage, translator, type Translator } from './i18n.ts';
import { CsrfToken } from './post-form.tsx';

export const LANG_COOKIE = 'vigil_lang';

/** What every page view needs about the request it answers. */
export interface PageContext {
  i18n: Translator;
  principal: Principal | null;
  canWrite: boolean;
  /** The path and query of this request, e.g. `/persons?risk=high`. */
  url: string;
  /** Admins are warned on every page while the deployment key sits beside the data. */
  keyWarning?: boolean;
}

export { readCookie };

export function queryOf(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

const contexts = new WeakMap<FastifyRequest, PageContext>();

/** Picks the language (remembering a `?lang=` choice in a cookie) and gathers the page context, once per request. */
export function pageContext(request: FastifyRequest, reply?: FastifyReply): PageContext {
  const known = contexts.get(request);
  if (known) return known;
  const asked = queryOf(request).lang;
  const lang = negotiateLanguage({
    query: asked,
    cookie: readCookie(request, LANG_COOKIE),
    acceptLanguage: request.headers['accept-language'],
  });
  // Lax, so the chosen language holds when arriving from a link elsewhere; it protects nothing.
  if (reply && asked === lang) reply.header('set-cookie', cookieHeader(request, LANG_COOKIE, lang, { maxAge: 31536000, sameSite: 'Lax' }));
  const principal = request.principal ?? null;
  const context = {
    i18n: translator(lang),
    principal,
    canWrite: principal ? canWrite(principal) : false,
    url: request.url,
    keyWarning: principal?.role === 'admin' && request.keyBesideData,
  };
  if (reply) contexts.set(request, context);
  return context;
}

/** A page as HTML, with the request's CSRF token for every PostForm in it. */
export function renderPage(page: VNode, csrfToken: string): string {
  return `<!doctype html>\n${renderToString(h(CsrfToken.Provider, { value: csrfToken }, page))}`;
}

/** Case data must not linger in shared caches or the browser's back-forward store. */
export function sendPage(reply: FastifyReply, status: number, page: VNode): FastifyReply {
  const csrf = csrfTokenOf(reply.request, reply);
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('vary', 'cookie, accept-language')
    .send(renderPage(page, csrf));
}

/** 303, so a form post is followed by a GET and a reload never posts twice. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
}

/** A local path to return to after signing in; anything else (`//evil`, `https:…`) becomes `/persons`. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/persons';
  if (!/^\/(?![/\\])/.test(value) || /[\u0000-\u001F\u007F]/.test(value)) return '/persons';
  return value;
}

/** Form posts must come from our own pages; SameSite=Strict is the main guard, this is the second. */
export function isCrossSite(request: FastifyRequest): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = request.headers.origin;
  // Our pages send no referrer, so browsers post our own forms with `Origin: null`; an opaque origin
  // also comes from sandboxed frames and cross-site redirects, so it passes only when the browser
  // itself says the request is same-origin.
  if (origin === 'null') return request.headers['sec-fetch-site'] !== 'same-origin';
  if (!origin) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/** The string value of one form field; repeated or missing fields read as what a person would expect. */
export function field(body: unknown, name: string): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

/** Builds `path?query` keeping the given parameters, dropping empty ones. */
export function withQuery(path: string, params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
