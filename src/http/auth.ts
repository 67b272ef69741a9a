import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canWrite, type Principal } from '../auth/roles.ts';
import { tokensMatch, type WebSecret } from '../auth/web-secret.ts';
import { ForbiddenError, UnauthenticatedError } from '../lib/errors.ts';
import { cookieHeader, readCookie } from './cookies.ts';

/** The web session; holds a session token, never an API token. */
export const SESSION_COOKIE = 'vigil_session';
/** Between a right password and a confirmed second factor: a short-lived enrolment token. */
export const ENROLMENT_COOKIE = 'vigil_enrol';
/** A random value per browser that the sign-in form's CSRF token is bound to, before any session. */
export const BROWSER_COOKIE = 'vigil_csrf';
/** Where a page post carries its CSRF token: a hidden form field, or this header for scripts. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** Set for every request by the server; tags CSRF tokens. */
    webSecret: WebSecret | null;
    /** Set for every request by the server from the store: the key is beside the data. */
    keyBesideData: boolean;
  }
}

export type Credential = { kind: 'bearer'; token: string } | { kind: 'session'; token: string };

/**
 * The credential of a request: the Authorization header (API tokens), or for web pages the session
 * cookie (session tokens). The API never takes the cookie, so a page on another site cannot act
 * through a signed-in browser.
 */
export function credentialOf(request: FastifyRequest): Credential | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return { kind: 'bearer', token: match ? match[1]! : '' };
  }
  if (isApiRequest(request)) return null;
  const session = readCookie(request, SESSION_COOKIE);
  return session ? { kind: 'session', token: session } : null;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}

export async function requireReader(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  principalOf(request);
}

export async function requireWriter(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const principal = principalOf(request);
  if (principal.readOnly) throw new ForbiddenError('a read-only token cannot change anything');
  if (!canWrite(principal)) throw new ForbiddenError('viewers can read but not change records');
}

/** Any signed-in user may manage their own account, but not through a read-only token. */
export async function requireWritingCredential(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (principalOf(request).readOnly) throw new ForbiddenError('a read-only token cannot change anything');
}

const NONCE = /^[A-Za-z0-9_-]{43}$/;
const issuedNonces = new WeakMap<FastifyRequest, string>();

/**
 * The CSRF token a page's forms must send back (synchronizer token). Signed in, it is bound to the
 * session; before sign-in, to a random cookie of this browser, set here when missing (signed, so
 * a cookie planted by someone else is useless without the server's secret).
 */
export function csrfTokenOf(request: FastifyRequest, reply?: FastifyReply): string {
  const secret = request.webSecret;
  if (!secret) return '';
  if (request.principal?.tokenId) return secret.csrfForCredential(request.principal.tokenId);
  let nonce = issuedNonces.get(request) ?? readCookie(request, BROWSER_COOKIE);
  if (!nonce || !NONCE.test(nonce)) {
    if (!reply) return '';
    nonce = randomBytes(32).toString('base64url');
    issuedNonces.set(request, nonce);
    reply.header('set-cookie', cookieHeader(request, BROWSER_COOKIE, nonce));
  }
  return secret.csrfForBrowser(nonce);
}

/** Whether a page post carries the CSRF token of its credential (or of its browser, before sign-in). */
export function hasValidCsrfToken(request: FastifyRequest): boolean {
  const body = request.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  return csrfTokenMatches(request, Array.isArray(field) ? undefined : (field ?? request.headers[CSRF_HEADER]));
}

/** Whether `given` is this request's CSRF token; for a body Vigil reads itself (a streamed upload's first field). */
export function csrfTokenMatches(request: FastifyRequest, given: unknown): boolean {
  const secret = request.webSecret;
  if (!secret) return false;
  if (request.principal?.tokenId) return tokensMatch(secret.csrfForCredential(request.principal.tokenId), given);
  const nonce = readCookie(request, BROWSER_COOKIE);
  return nonce !== null && NONCE.test(nonce) && tokensMatch(secret.csrfForBrowser(nonce), given);
}

/**
 * Whether the request is for the API: by the route it matched (the router decodes `/%61pi/…`
 * into `/api/…`), else by its address.
 */
export function isApiRequest(request: FastifyRequest): boolean {
  return (request.routeOptions.url ?? request.url).startsWith('/api/') || request.url.startsWith('/api/');
}
