import type { FastifyReply, FastifyRequest } from 'fastify';
import { canWrite } from '../auth/roles.ts';
import { ErrorView } from './error.views.tsx';
import type { MessageKey } from './i18n.ts';
import { isCrossSite, pageContext, seeOther, sendPage, withQuery } from './page.ts';

export function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, message: MessageKey, detail?: string): FastifyReply {
  const page = pageContext(request, reply);
  return sendPage(reply, status, ErrorView({ page, status, message: page.i18n.t(message), detail }));
}

/** Pages need a signed-in reader; without one, the browser goes to the sign-in form and comes back. */
export async function requirePageReader(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (request.principal) return undefined;
  const next = request.method === 'GET' || request.method === 'HEAD' ? request.url : undefined;
  return seeOther(reply, withQuery('/login', { next }));
}

/** Form posts that change records: a signed-in writer, posting from one of our own pages. */
export async function requirePageWriter(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (!request.principal) return seeOther(reply, '/login');
  const reading = request.method === 'GET' || request.method === 'HEAD';
  if (!reading && isCrossSite(request)) return sendErrorPage(request, reply, 403, 'error.cross_site');
  if (!canWrite(request.principal)) return sendErrorPage(request, reply, 403, 'error.forbidden_write');
  return undefined;
}
