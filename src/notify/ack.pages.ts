import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceContext } from '../services.ts';
import { isCrossSitePost } from '../watch/checkin.pages.ts';
import { acknowledgeByNotice, findNoticeForAck } from './notify.service.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** A plain page for recipients who have no account: no script, no style, nothing kept in a cache. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
</head>
<body>
${body}
</body>
</html>
`;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').type('text/html; charset=utf-8').send(html);
}

const UNKNOWN = page('Link not valid', '<h1>This link does not work</h1>\n<p>It may be mistyped. The alert can still be acknowledged in Vigil.</p>');

/**
 * `/ack/{token}`: the link in each notice. Opening it only shows a button, because mail scanners
 * open links on their own; the acknowledgement is the POST.
 */
export function ackPages(app: FastifyInstance, ctx: ServiceContext): void {
  const config = { csrfExempt: true };
  app.get<{ Params: { token: string } }>('/ack/:token', { schema: { hide: true }, config }, async (request, reply) => {
    const found = await findNoticeForAck(ctx, request.params.token);
    if (!found) return send(reply, 404, UNKNOWN);
    const drill = found.drill ? '<p><strong>DRILL: this is a test of the alarm.</strong></p>\n' : '';
    const state = found.state === 'open' ? '' : `<p>Someone has already taken this alert in hand (${escapeHtml(found.state)}).</p>\n`;
    return send(
      reply,
      200,
      page(
        `Alert ${found.caseNumber}`,
        `${drill}<h1>Alert for case ${escapeHtml(found.caseNumber)}</h1>\n<p>Opened ${escapeHtml(found.openedAt)}. You were called as tier ${found.tier}.</p>\n${state}<form method="post" action="">\n<p><button type="submit">I am taking this in hand</button></p>\n</form>`,
      ),
    );
  });

  app.post<{ Params: { token: string } }>('/ack/:token', { schema: { hide: true }, config }, async (request, reply) => {
    if (isCrossSitePost(request)) return send(reply, 403, page('Not accepted', '<p>Open the link from your message again and press the button there.</p>'));
    const outcome = await acknowledgeByNotice(ctx, request.params.token);
    if (outcome.result === 'unknown') return send(reply, 404, UNKNOWN);
    if (outcome.result === 'already') return send(reply, 200, page('Already in hand', `<p>This alert is already ${escapeHtml(outcome.alert.state)}. Thank you.</p>`));
    return send(reply, 200, page('Acknowledged', '<p>Thank you. The alert is acknowledged in your name; the next people on the list will not be called.</p>'));
  });
}
