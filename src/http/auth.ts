import type { FastifyReply, FastifyRequest } from 'fastify';
import { canWrite, type Principal } from '../auth/roles.ts';
import { ForbiddenError, UnauthenticatedError } from '../lib/errors.ts';

export const SESSION_COOKIE = 'vigil_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The bearer token of a request: the Authorization header, or the web session cookie. */
export function credentialOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? match[1]! : null;
  }
  const cookies = request.headers.cookie;
  if (!cookies) return null;
  for (const part of cookies.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}

export async function requireReader(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  principalOf(request);
}

export async function requireWriter(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!canWrite(principalOf(request).role)) throw new ForbiddenError('viewers can read but not change records');
}
