import type { FastifyInstance } from 'fastify';
import { listMyNotices } from '../access/access.service.ts';
import { listFollowUpsDue } from '../interventions/interventions.service.ts';
import type { ServiceContext } from '../services.ts';
import { dashboardStatistics } from '../stats/stats.service.ts';
import { requirePageReader } from '../web/guards.ts';
import { pageContext, sendPage } from '../web/page.ts';
import { alertContext } from './alerts.pages.ts';
import { listAlerts } from './alerts.service.ts';
import { DashboardView } from './dashboard.views.tsx';
import { listWatches } from './watches.service.ts';
import { overdue } from './watches.views.tsx';

/** Alerts of each state shown at most; the list of alerts has the rest. */
const ALERT_ROWS = 50;
/** Active watches read, soonest deadline first: the overdue ones, then those coming due. */
const WATCH_ROWS = 100;
const UPCOMING_ROWS = 20;
/** Follow-ups shown at most; the API (`follow_up_due=true`) has the rest. */
const FOLLOW_UP_ROWS = 50;

/** `/`: what a signed-in user should see first. Every list comes from the services, so only what the reader may read. */
export function dashboardPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/', { preHandler: requirePageReader }, async (request, reply) => {
    const principal = request.principal!;
    const [open, acknowledged, active, notices, stats, followUps] = await Promise.all([
      listAlerts(ctx, principal, { state: 'open', limit: ALERT_ROWS }),
      listAlerts(ctx, principal, { state: 'acknowledged', limit: ALERT_ROWS }),
      listWatches(ctx, principal, { state: 'active', limit: WATCH_ROWS }),
      listMyNotices(ctx, principal),
      dashboardStatistics(ctx, principal),
      listFollowUpsDue(ctx, principal, FOLLOW_UP_ROWS),
    ]);
    const now = ctx.clock.now();
    const late = active.items.filter((watch) => overdue(watch, now));
    const upcoming = active.items.filter((watch) => !overdue(watch, now)).slice(0, UPCOMING_ROWS);
    const alerts = [...open.items, ...acknowledged.items];
    const known = new Map(active.items.map((watch) => [watch.id, watch]));
    const shown = [...late, ...upcoming].map((watch) => watch.person_id);
    const { people, watches } = await alertContext(ctx, principal, alerts, { knownWatches: known, morePeople: shown });
    return sendPage(
      reply,
      200,
      DashboardView({
        page: pageContext(request, reply),
        alerts,
        overdue: late,
        upcoming,
        people,
        watches,
        notices,
        stats,
        followUps: followUps.items,
        moreFollowUps: followUps.more,
        now,
        moreAlerts: Boolean(open.next_cursor || acknowledged.next_cursor),
        moreWatches: Boolean(active.next_cursor) || active.items.length - late.length > UPCOMING_ROWS,
      }),
    );
  });
}
