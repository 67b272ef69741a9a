import type { FastifyInstance, FastifyReply } from 'fastify';
import { principalOf, requireReader } from '../http/auth.ts';
import { ErrorResponse } from '../http/schemas.ts';
import type { ServiceContext } from '../services.ts';
import { NoQuery, StatsOutput, StatsQuery } from './stats.schemas.ts';
import { statistics, statisticsCsv, type Statistics } from './stats.service.ts';

export const STATS_CSV_NAME = 'vigil-statistics.csv';

/** The counts as a CSV download (the API's and the page's). */
export function sendStatsCsv(reply: FastifyReply, stats: Statistics): FastifyReply {
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${STATS_CSV_NAME}"`).send(statisticsCsv(stats));
}

const presentStats = (stats: Statistics) => ({ by_status: stats.by_status, by_ethnicity: stats.by_ethnicity, by_region: stats.by_region, by_year: stats.by_year, total: stats.total });

export function statsRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const summary = 'Counts of persons by status, ethnicity, region and year of detention, within the cases the reader may read';
  app.get<{ Querystring: StatsQuery }>(
    '/api/v1/stats',
    { preHandler: requireReader, schema: { tags: ['stats'], summary, querystring: StatsQuery, response: { 200: StatsOutput, 400: ErrorResponse, 401: ErrorResponse } } },
    async (request, reply) => {
      const stats = await statistics(ctx, principalOf(request));
      return request.query.format === 'csv' ? sendStatsCsv(reply, stats) : presentStats(stats);
    },
  );
  app.get(
    '/api/v1/stats.csv',
    { preHandler: requireReader, schema: { tags: ['stats'], summary: `${summary}, as CSV (dimension,key,count)`, querystring: NoQuery, response: { 400: ErrorResponse, 401: ErrorResponse } } },
    async (request, reply) => sendStatsCsv(reply, await statistics(ctx, principalOf(request))),
  );
}
