import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../services.ts';
import { requirePageReader, sendErrorPage } from '../web/guards.ts';
import { pageContext, queryOf, sendPage } from '../web/page.ts';
import { sendStatsCsv } from './stats.routes.ts';
import { statistics } from './stats.service.ts';
import { StatsView } from './stats.views.tsx';

/** `/stats` (charts and tables) and `/stats.csv` (the numbers), within the reader's cases. */
export function statsPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/stats', { preHandler: requirePageReader }, async (request, reply) => {
    const unknown = Object.keys(queryOf(request)).filter((name) => name !== 'lang');
    if (unknown.length) return sendErrorPage(request, reply, 400, 'stats.error.query', unknown.join(', '));
    return sendPage(reply, 200, StatsView({ page: pageContext(request, reply), stats: await statistics(ctx, request.principal!) }));
  });
  app.get('/stats.csv', { preHandler: requirePageReader }, async (request, reply) => sendStatsCsv(reply, await statistics(ctx, request.principal!)));
}
