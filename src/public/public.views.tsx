import type { ComponentChildren } from 'preact';
import { Fact, KNOWN_ETHNICITIES } from '../persons/persons.views.tsx';
import type { Statistics } from '../stats/stats.service.ts';
import { StatsBody } from '../stats/stats.views.tsx';
import { STATUSES } from '../timeline/statuses.schemas.ts';
import { CaseNumber, EdtfDate, enumOptions, NameList, RecordText, SelectField, StatusChip, Timestamp } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import type { PublicCase, PublicCorrection, PublicPlace, PublicStatus } from './public.presenter.ts';
import type { PublicCaseFile } from './public.service.ts';

/** Pages of the public register: the same for every visitor (no session, no form that posts). */

export const caseHref = (caseNumber: string, lang: string | null): string => `/public/cases/${encodeURIComponent(caseNumber)}${lang ? `?lang=${lang}` : ''}`;

function PublicLayout(props: { page: PageContext; title: string; lang: string | null; children: ComponentChildren }) {
  const { i18n } = props.page;
  const suffix = props.lang ? `?lang=${props.lang}` : '';
  return (
    <Layout page={props.page} title={props.title} home={`/public${suffix}`}>
      <nav class="public-nav" aria-label={i18n.t('public.title')}>
        <a href={`/public${suffix}`}>{i18n.t('public.all_cases')}</a>
        <a href={`/public/stats${suffix}`}>{i18n.t('public.stats')}</a>
        <a href="/public/feed.atom" type="application/atom+xml">
          {i18n.t('public.feed')}
        </a>
      </nav>
      {props.children}
    </Layout>
  );
}

function PlaceText(props: { place: PublicPlace | null; i18n: Translator }) {
  if (!props.place) return <span class="none">—</span>;
  if ('region' in props.place) return <span class="region">{props.i18n.label('region', props.place.region)}</span>;
  return <RecordText text={props.place.text} />;
}

/** The name as consent allows; a case shown by number alone says so. */
function PublicNames(props: { item: PublicCase; i18n: Translator }) {
  const { item, i18n } = props;
  if (item.names.length === 0) return <span class="muted">{i18n.t('public.name_withheld')}</span>;
  return (
    <>
      <NameList names={item.names} i18n={i18n} />
      {item.publicity === 'anonymous' ? <span class="tag tag-muted">{i18n.t('public.initials_only')}</span> : null}
    </>
  );
}

function StatusText(props: { status: PublicStatus | null; i18n: Translator; withPlace?: boolean }) {
  const { status, i18n } = props;
  if (!status) return <span class="none">{i18n.t('person.no_status')}</span>;
  return (
    <span class="current-status">
      <StatusChip status={status.status} i18n={i18n} /> <EdtfDate value={status.date} i18n={i18n} />
      {props.withPlace && status.place ? (
        <>
          {' · '}
          <PlaceText place={status.place} i18n={i18n} />
        </>
      ) : null}
    </span>
  );
}

export interface RegisterListProps {
  page: PageContext;
  lang: string | null;
  items: PublicCase[];
  q: string | null;
  status: string;
  ethnicity: string;
  nextHref: string | null;
}

export function RegisterListView(props: RegisterListProps) {
  const { page, items, lang } = props;
  const { i18n } = page;
  const searching = props.q !== null || Boolean(props.status || props.ethnicity);
  return (
    <PublicLayout page={page} title={i18n.t('public.title')} lang={lang}>
      <div class="page-head">
        <h1>{i18n.t('public.title')}</h1>
      </div>
      <p class="lead">{i18n.t('public.intro')}</p>
      <form method="get" action="/public" class="filters" role="search">
        <fieldset>
          <legend class="visually-hidden">{i18n.t('public.search_label')}</legend>
          <div class="field">
            <label for="public-q">{i18n.t('public.search_label')}</label>
            <input id="public-q" type="search" name="q" value={props.q ?? ''} dir="auto" maxLength={200} autocomplete="off" spellcheck={false} />
          </div>
          <SelectField name="status" label={i18n.t('filter.status')} value={props.status} options={enumOptions(STATUSES, 'status', i18n)} blank={i18n.t('filter.any')} />
          <SelectField name="ethnicity" label={i18n.t('filter.ethnicity')} value={props.ethnicity} options={enumOptions(KNOWN_ETHNICITIES, 'ethnicity', i18n)} blank={i18n.t('filter.any')} />
          {lang ? <input type="hidden" name="lang" value={lang} /> : null}
          <div class="filter-actions">
            <button type="submit" class="btn">
              {i18n.t('public.search')}
            </button>
            {searching ? (
              <a href={`/public${lang ? `?lang=${lang}` : ''}`} class="link-quiet">
                {i18n.t('filter.clear')}
              </a>
            ) : null}
          </div>
        </fieldset>
      </form>
      <p class="muted">{i18n.t('public.search_hint')}</p>
      {items.length === 0 ? (
        <p class="empty" id="public-empty">
          {i18n.t(searching ? 'public.none_found' : 'public.empty')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="list public-list">
            <thead>
              <tr>
                <th scope="col">{i18n.t('col.case')}</th>
                <th scope="col">{i18n.t('col.names')}</th>
                <th scope="col">{i18n.t('col.status')}</th>
                <th scope="col">{i18n.t('col.ethnicity')}</th>
                <th scope="col">{i18n.t('field.sex')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.case_number}>
                  <td class="nowrap">
                    <a href={caseHref(item.case_number, lang)}>
                      <CaseNumber value={item.case_number} />
                    </a>
                  </td>
                  <td>
                    <PublicNames item={item} i18n={i18n} />
                  </td>
                  <td>
                    <StatusText status={item.current_status} i18n={i18n} />
                  </td>
                  <td>{item.ethnicity ? i18n.label('ethnicity', item.ethnicity) : <span class="none">—</span>}</td>
                  <td>{item.sex ? i18n.label('sex', item.sex) : <span class="none">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label={i18n.t('paging.label')}>
        <span class="muted">{i18n.t('public.count', { count: items.length })}</span>
        {props.nextHref ? (
          <a href={props.nextHref} rel="next" class="btn btn-small">
            {i18n.t('paging.next')}
          </a>
        ) : null}
      </nav>
    </PublicLayout>
  );
}

/** A correction names the field or the status entry, never a value (public.presenter.ts presentCorrections). */
function CorrectionText(props: { correction: PublicCorrection; i18n: Translator }) {
  const { correction: c, i18n } = props;
  if (c.kind !== 'field') {
    return (
      <>
        {i18n.t(`public.correction.${c.kind}`)}: <StatusText status={{ ...c.status, place: null }} i18n={i18n} />
      </>
    );
  }
  return <>{i18n.t('public.correction.field', { field: i18n.t(`field.${c.field}`) })}</>;
}

export function PublicCaseView(props: { page: PageContext; lang: string | null; file: PublicCaseFile }) {
  const { page, lang, file } = props;
  const { i18n } = page;
  const item = file.case;
  return (
    <PublicLayout page={page} title={i18n.t('public.case_title', { case_number: item.case_number })} lang={lang}>
      <div class="page-head person-head">
        <h1>
          <CaseNumber value={item.case_number} />{' '}
          <span class="public-name">
            <PublicNames item={item} i18n={i18n} />
          </span>
        </h1>
      </div>
      <p class="muted">{i18n.t('public.published_since', { date: file.published_at.slice(0, 10) })}</p>
      <section id="details" class="panel">
        <h2>{i18n.t('person.facts')}</h2>
        <dl class="facts">
          <Fact label={i18n.t('field.status')}>
            <StatusText status={item.current_status} i18n={i18n} />
          </Fact>
          <Fact label={i18n.t('field.sex')}>{item.sex ? i18n.label('sex', item.sex) : <span class="none">—</span>}</Fact>
          {item.publicity !== 'none' ? (
            <Fact label={i18n.t('field.birth')}>
              <EdtfDate value={item.birth} i18n={i18n} />
            </Fact>
          ) : null}
          <Fact label={i18n.t('field.ethnicity')}>{item.ethnicity ? i18n.label('ethnicity', item.ethnicity) : <span class="none">—</span>}</Fact>
          <Fact label={i18n.t('field.citizenships')}>{item.citizenships.length ? <span dir="ltr">{item.citizenships.join(', ')}</span> : <span class="none">—</span>}</Fact>
          {item.hometown ? (
            <Fact label={i18n.t('region' in item.hometown ? 'public.region' : 'field.hometown')}>
              <PlaceText place={item.hometown} i18n={i18n} />
            </Fact>
          ) : null}
          <Fact label={i18n.t('field.verification')}>{item.verification ? i18n.label('verification', item.verification) : <span class="none">—</span>}</Fact>
        </dl>
      </section>
      <section id="timeline" class="panel">
        <h2>{i18n.t('public.timeline')}</h2>
        {file.timeline.length === 0 ? (
          <p class="empty">{i18n.t('person.no_status')}</p>
        ) : (
          <ol class="public-timeline">
            {file.timeline.map((entry, index) => (
              <li key={index}>
                <StatusText status={entry} i18n={i18n} withPlace />
              </li>
            ))}
          </ol>
        )}
      </section>
      <section id="corrections" class="panel">
        <h2>{i18n.t('public.corrections')}</h2>
        <p class="muted">{i18n.t('public.corrections_intro')}</p>
        {file.corrections.length === 0 ? (
          <p class="empty">{i18n.t('public.no_corrections')}</p>
        ) : (
          <ul class="public-corrections">
            {file.corrections.map((correction, index) => (
              <li key={index}>
                <Timestamp iso={correction.at} /> — <CorrectionText correction={correction} i18n={i18n} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </PublicLayout>
  );
}

export function PublicStatsView(props: { page: PageContext; lang: string | null; stats: Statistics }) {
  const { page, lang, stats } = props;
  const { i18n } = page;
  return (
    <PublicLayout page={page} title={i18n.t('public.stats')} lang={lang}>
      <StatsBody stats={stats} i18n={i18n} title={i18n.t('public.stats')} csvHref="/public/stats.csv" intro={i18n.t('public.stats_intro', { total: stats.total })} />
    </PublicLayout>
  );
}

/** The register's error page: a 404 reads the same whatever the case number was, a 400 names the bad parameter. */
export function PublicErrorView(props: { page: PageContext; lang: string | null; status: 400 | 404; detail?: string }) {
  const { page, lang } = props;
  const { i18n } = page;
  const title = i18n.t(props.status === 404 ? 'public.not_found_title' : 'error.title.400');
  return (
    <PublicLayout page={page} title={title} lang={lang}>
      <section class="panel narrow error-page">
        <p class="error-code" dir="ltr">
          {props.status}
        </p>
        <h1>{title}</h1>
        <p class="lead">{i18n.t(props.status === 404 ? 'public.not_found' : 'public.bad_query')}</p>
        {props.detail ? (
          <p class="muted" lang="en" dir="ltr">
            {props.detail}
          </p>
        ) : null}
        <p>
          <a class="btn" href={`/public${lang ? `?lang=${lang}` : ''}`}>
            {i18n.t('public.back')}
          </a>
        </p>
      </section>
    </PublicLayout>
  );
}
