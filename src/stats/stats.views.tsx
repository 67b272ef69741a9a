import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { renderBarChart } from './bar-chart.ts';
import { NO_STATUS_KEY, STATS_DIMENSIONS, UNKNOWN_KEY, type Statistics, type StatsCount, type StatsDimension } from './stats.service.ts';

const HEADINGS = { status: 'stats.by_status', ethnicity: 'stats.by_ethnicity', region: 'stats.by_region', year: 'stats.by_year' } as const;

/** A key as the reader reads it: the vocabulary's label, a region's name, a year as it is. */
export function statsLabel(dimension: StatsDimension, key: string, i18n: Translator): string {
  if (dimension === 'status') return key === NO_STATUS_KEY ? i18n.t('person.no_status') : i18n.label('status', key);
  if (key === UNKNOWN_KEY) return i18n.t('stats.unknown');
  return dimension === 'year' ? key : i18n.label(dimension, key);
}

/** One dimension: the chart, and beside it the same numbers as a table (screen readers, no SVG). */
function Dimension(props: { dimension: StatsDimension; counts: StatsCount[]; i18n: Translator; level: 'h2' | 'h3' }) {
  const { dimension, counts, i18n } = props;
  const heading = i18n.t(HEADINGS[dimension]);
  const Heading = props.level;
  const bars = counts.map(({ key, count }) => ({ label: statsLabel(dimension, key, i18n), value: count }));
  return (
    <section class="stats-dimension" id={`stats-${dimension}`} aria-labelledby={`stats-${dimension}-title`}>
      <Heading id={`stats-${dimension}-title`}>{heading}</Heading>
      {counts.length ? (
        <div class="stats-figure">
          <figure dangerouslySetInnerHTML={{ __html: renderBarChart(bars, { title: heading }) }} />
          <table class="table stats-table">
            <caption class="visually-hidden">{heading}</caption>
            <thead>
              <tr>
                <th scope="col">{i18n.t(`stats.key.${dimension}`)}</th>
                <th scope="col">{i18n.t('stats.count')}</th>
              </tr>
            </thead>
            <tbody>
              {bars.map((bar, i) => (
                <tr key={counts[i]!.key}>
                  <th scope="row">
                    <bdi>{bar.label}</bdi>
                  </th>
                  <td class="num">{bar.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="empty">{i18n.t('stats.none')}</p>
      )}
    </section>
  );
}

/** The four counts; `compact` (the dashboard) shows status and year only. */
export function StatsPanels(props: { stats: Statistics; i18n: Translator; compact?: boolean }) {
  const dimensions: readonly StatsDimension[] = props.compact ? ['status', 'year'] : STATS_DIMENSIONS;
  return (
    <>
      {dimensions.map((dimension) => (
        <Dimension key={dimension} dimension={dimension} counts={props.stats[`by_${dimension}`]} i18n={props.i18n} level={props.compact ? 'h3' : 'h2'} />
      ))}
    </>
  );
}

/** The dashboard's statistics section: two charts and a link to the rest. */
export function StatsSummary(props: { stats: Statistics | null; i18n: Translator }) {
  const { i18n } = props;
  return (
    <section class="panel" id="statistics" aria-labelledby="statistics-title">
      <div class="section-head">
        <h2 id="statistics-title">
          {i18n.t('stats.title')}
          {props.stats ? <span class="count">{props.stats.total}</span> : null}
        </h2>
        <a class="link-quiet" href="/stats">
          {i18n.t('stats.all')}
        </a>
      </div>
      {props.stats ? <StatsPanels stats={props.stats} i18n={i18n} compact /> : null}
    </section>
  );
}

/** The statistics page's content: heading, CSV link, what is counted, the four counts (the staff's and the public register's). */
export function StatsBody(props: { stats: Statistics; i18n: Translator; title: string; csvHref: string; intro: string }) {
  return (
    <>
      <div class="section-head">
        <h1>{props.title}</h1>
        <a class="btn" href={props.csvHref} download>
          {props.i18n.t('stats.download_csv')}
        </a>
      </div>
      <p>{props.intro}</p>
      <div class="panel">
        <StatsPanels stats={props.stats} i18n={props.i18n} />
      </div>
    </>
  );
}

export function StatsView(props: { page: PageContext; stats: Statistics }) {
  const { page, stats } = props;
  const { i18n } = page;
  return (
    <Layout page={page} title={i18n.t('stats.title')} section="stats">
      <StatsBody stats={stats} i18n={i18n} title={i18n.t('stats.title')} csvHref="/stats.csv" intro={i18n.t('stats.intro', { total: stats.total })} />
    </Layout>
  );
}
