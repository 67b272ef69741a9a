import type { Notice as UserNotice } from '../access/access.service.ts';
import { UserNotices } from '../access/access.views.tsx';
import { FollowUpsDue } from '../interventions/interventions.views.tsx';
import type { Intervention } from '../interventions/interventions.types.ts';
import type { Person } from '../persons/persons.types.ts';
import type { Statistics } from '../stats/stats.service.ts';
import { StatsSummary } from '../stats/stats.views.tsx';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import type { Alert } from './alerts.types.ts';
import type { Watch } from './watches.types.ts';
import { AlertTable, WatchTable } from './watches.views.tsx';

export interface DashboardProps {
  page: PageContext;
  /** Alerts not yet resolved, open ones first. */
  alerts: Alert[];
  overdue: Watch[];
  upcoming: Watch[];
  people: ReadonlyMap<string, Person>;
  watches: ReadonlyMap<string, Watch>;
  notices: UserNotice[];
  /** Counts over the reader's cases; null where counting costs too much for this page (a link to /stats instead). */
  stats: Statistics | null;
  /** Interventions to chase (sent or acknowledged, follow-up day reached) and drafts not yet sent after a week. */
  followUps: Intervention[];
  moreFollowUps: boolean;
  now: Date;
  /** More than shown: the lists link on. */
  moreAlerts: boolean;
  moreWatches: boolean;
}

/** What needs a human first: open alerts, then overdue watches, then notices, then what comes due next. */
export function DashboardView(props: DashboardProps) {
  const { page, people, now } = props;
  const { i18n } = page;
  return (
    <Layout page={page} title={i18n.t('dashboard.title')} section="dashboard">
      <h1 class="visually-hidden">{i18n.t('dashboard.title')}</h1>
      <section class="panel dash-alerts" id="open-alerts" aria-labelledby="open-alerts-title">
        <div class="section-head">
          <h2 id="open-alerts-title">
            {i18n.t('dashboard.open_alerts')}
            <span class="count">{props.alerts.length}</span>
          </h2>
          <a class="link-quiet" href="/alerts">
            {i18n.t('dashboard.all_alerts')}
          </a>
        </div>
        {props.alerts.length ? (
          <AlertTable alerts={props.alerts} people={people} watches={props.watches} i18n={i18n} />
        ) : (
          <p class="empty">{i18n.t('dashboard.no_alerts')}</p>
        )}
        {props.moreAlerts ? (
          <p>
            <a href="/alerts?state=open">{i18n.t('dashboard.more')}</a>
          </p>
        ) : null}
      </section>
      <section class="panel" id="overdue-watches" aria-labelledby="overdue-title">
        <h2 id="overdue-title">
          {i18n.t('dashboard.overdue')}
          <span class="count">{props.overdue.length}</span>
        </h2>
        {props.overdue.length ? <WatchTable watches={props.overdue} people={people} now={now} i18n={i18n} /> : <p class="empty">{i18n.t('dashboard.no_overdue')}</p>}
      </section>
      <FollowUpsDue interventions={props.followUps} more={props.moreFollowUps} i18n={i18n} />
      <UserNotices notices={props.notices} i18n={i18n} next="/" />
      <section class="panel" id="upcoming" aria-labelledby="upcoming-title">
        <div class="section-head">
          <h2 id="upcoming-title">{i18n.t('dashboard.upcoming')}</h2>
          <a class="link-quiet" href="/watches">
            {i18n.t('dashboard.all_watches')}
          </a>
        </div>
        {props.upcoming.length ? <WatchTable watches={props.upcoming} people={people} now={now} i18n={i18n} /> : <p class="empty">{i18n.t('dashboard.no_upcoming')}</p>}
        {props.moreWatches ? (
          <p>
            <a href="/watches?state=active">{i18n.t('dashboard.more')}</a>
          </p>
        ) : null}
      </section>
      <StatsSummary stats={props.stats} i18n={i18n} />
    </Layout>
  );
}
