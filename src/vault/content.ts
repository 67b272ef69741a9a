import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/roles.ts';
import type { ServiceContext } from '../services.ts';
import { readContent, type Vault } from './evidence.service.ts';
import type { EvidenceItem } from './evidence.types.ts';
import { contentDisposition, isInline, parseRange } from './file-names.ts';

/**
 * Sends an item's bytes, whole or one range (so audio and video play and seek), for the API and
 * the pages alike. Only types a browser shows safely are inline; the body is sandboxed whatever
 * it is, so a file can never run script on Vigil's origin.
 */
export async function sendContent(
  ctx: ServiceContext,
  vault: Vault,
  request: FastifyRequest<{ Querystring: { download?: boolean | string } }>,
  reply: FastifyReply,
  principal: Principal,
  item: EvidenceItem,
): Promise<FastifyReply> {
  const download = request.query.download === true || request.query.download === '1' || request.query.download === 'true';
  const inline = isInline(item.media_type) && !download;
  reply
    .header('content-type', inline ? item.media_type : 'application/octet-stream')
    .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', item.file_name))
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, no-store')
    .header('content-security-policy', "sandbox; default-src 'none'; media-src 'self'; img-src 'self'")
    .header('etag', `"${item.sha256}"`);
  const range = parseRange(request.headers.range, item.size);
  if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${item.size}`).send();
  if (request.method === 'HEAD') return reply.header('content-length', String(item.size)).send();
  const content = await readContent(ctx, vault, principal, item, range);
  if (range) reply.code(206).header('content-range', `bytes ${content.start}-${content.end}/${item.size}`);
  return reply.header('content-length', String(content.end - content.start + 1)).send(content.stream);
}
