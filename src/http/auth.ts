import type { FastifyReply, FastifyRequest } from 'fastify';
import { canWrite, type Principal } from '../auth/roles.ts';
import { ForbiddenError, UnauthenticatedError } from '../lib/errors.ts';
import { readCookie } from './cookies.ts';

export const SESSION_COOKIE = 'vigil_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * The bearer token of a request: the Authorization header, or for web pages the session cookie.
 * The API never takes the cookie, so a page on another site cannot act through a signed-in browser.
 */
export function credentialOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? match[1]! : null;
  }
  if (request.url.startsWith('/api/')) return null;
  return readCookie(request, SESSION_COOKIE);
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}

export async function requireReader(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  principalOf(request);
}

export async function requireWriter(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!canWrite(principalOf(request))) throw new ForbiddenError('viewers can read but not change records');
}
