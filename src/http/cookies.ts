import type { FastifyRequest } from 'fastify';

/** One cookie's value; a malformed one reads as absent rather than failing the request. */
export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * A `Set-Cookie` value. Always HttpOnly (no script reads any of our cookies) and SameSite=Strict
 * unless said otherwise. Secure whenever the request came over https; not over plain http, which
 * Vigil serves on localhost and behind Tor (an .onion address is end-to-end encrypted already), where
 * a Secure cookie would not be sent back.
 */
export function cookieHeader(
  request: FastifyRequest,
  name: string,
  value: string,
  options: { maxAge?: number; sameSite?: 'Strict' | 'Lax' } = {},
): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', `SameSite=${options.sameSite ?? 'Strict'}`];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (request.protocol === 'https') parts.push('Secure');
  return parts.join('; ');
}
