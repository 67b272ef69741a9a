import { enumOptions, CaseNumber, Notice, NameText, SelectField, TextField, fieldId, type FieldErrors } from '../web/components.tsx';
import { CurrentStatus, EthnicityList } from '../persons/persons.views.tsx';
import type { Person } from '../persons/persons.types.ts';
import type { TextHit } from './text-search.service.ts';
import { STATUSES } from '../timeline/statuses.schemas.ts';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';

/** What the search form holds, as typed (so it comes back unchanged after an error). */
export interface SearchFormValues {
  q: string;
  status: string;
  ethnicity: string;
  place: string;
  from: string;
  to: string;
}

export const SEARCH_FORM_FIELDS = ['q', 'status', 'ethnicity', 'place', 'from', 'to'] as const satisfies ReadonlyArray<keyof SearchFormValues>;

export interface PersonHitView {
  person: Person;
  score: number;
  explanation: string;
}

/** A full-text hit: which field of which record, and a snippet around the words found. */
export type TextHitView = TextHit;

function fieldLabels(i18n: Translator): Record<keyof SearchFormValues, string> {
  return {
    q: i18n.t('search.q'),
    status: i18n.t('filter.status'),
    ethnicity: i18n.t('filter.ethnicity'),
    place: i18n.t('search.place'),
    from: i18n.t('search.from'),
    to: i18n.t('search.to'),
  };
}

function SearchForm(props: { values: SearchFormValues; errors: FieldErrors; i18n: Translator }) {
  const { values, errors, i18n } = props;
  const labels = fieldLabels(i18n);
  return (
    <form method="get" action="/search" class="filters search-form" role="search">
      <fieldset>
        <legend class="visually-hidden">{i18n.t('search.legend')}</legend>
        <TextField name="q" label={labels.q} value={values.q} error={errors.q} class="search-q" />
        <SelectField name="status" label={labels.status} value={values.status} options={enumOptions(STATUSES, 'status', i18n)} blank={i18n.t('filter.any')} error={errors.status} />
        <TextField name="ethnicity" label={labels.ethnicity} value={values.ethnicity} list="ethnicities" dir="ltr" error={errors.ethnicity} />
        <TextField name="place" label={labels.place} value={values.place} error={errors.place} />
        <TextField name="from" label={labels.from} value={values.from} dir="ltr" hint={i18n.t('search.date_hint')} error={errors.from} />
        <TextField name="to" label={labels.to} value={values.to} dir="ltr" error={errors.to} />
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary">
            {i18n.t('search.submit')}
          </button>
        </div>
      </fieldset>
      <EthnicityList i18n={i18n} />
    </form>
  );
}

/** The problems with the search, each linking to its field; `message` when the service named no field. */
function SearchErrors(props: { errors: FieldErrors; message: string | null; i18n: Translator }) {
  const labels: Record<string, string> = fieldLabels(props.i18n);
  const entries = Object.entries(props.errors);
  if (!entries.length && !props.message) return null;
  return (
    <div class="notice notice-error error-summary" role="alert" id="search-error">
      <p class="notice-title">{props.i18n.t('search.error_title')}</p>
      {entries.length ? (
        <ul>
          {entries.map(([name, message]) => (
            <li key={name}>
              <a href={`#${fieldId(name)}`}>{labels[name] ?? name}</a>: <bdi dir="auto">{message}</bdi>
            </li>
          ))}
        </ul>
      ) : (
        <p lang="en" dir="ltr">
          {props.message}
        </p>
      )}
    </div>
  );
}

function PersonHits(props: { hits: PersonHitView[]; i18n: Translator }) {
  const { i18n } = props;
  return (
    <ol class="search-results" id="person-hits">
      {props.hits.map(({ person, score, explanation }) => (
        <li key={person.id} class="search-hit" data-person-id={person.id}>
          <p class="hit-head">
            <a href={`/persons/${person.id}`} class="hit-case">
              <CaseNumber value={person.case_number} />
            </a>{' '}
            <span class="names-cell hit-names">
              {person.names.map((name, index) => (
                <NameText key={index} text={name.text} script={name.script} lang={name.lang} i18n={i18n} class={index === 0 ? 'first' : 'other'} />
              ))}
            </span>
          </p>
          <dl class="hit-facts">
            <div>
              <dt>{i18n.t('col.status')}</dt>
              <dd>
                <CurrentStatus entry={person.current_status} i18n={i18n} />
              </dd>
            </div>
            <div>
              <dt>{i18n.t('search.score')}</dt>
              <dd class="hit-score" dir="ltr">
                {score.toFixed(2)}
              </dd>
            </div>
            <div>
              <dt>{i18n.t('search.why')}</dt>
              <dd class="hit-why">
                <bdi dir="auto">{explanation}</bdi>
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ol>
  );
}

/** "Found in text": hits in notes, testimonies, source titles and other free text the reader may see. */
export function TextHits(props: { hits: TextHitView[]; i18n: Translator }) {
  const { i18n } = props;
  if (props.hits.length === 0) return null;
  return (
    <section class="text-hits" id="text-hits" aria-labelledby="text-hits-title">
      <h2 id="text-hits-title">{i18n.t('search.text_title')}</h2>
      <ol class="search-results">
        {props.hits.map((hit) => (
          <li key={`${hit.entity}:${hit.id}:${hit.field}`} class="search-hit text-hit">
            <p class="hit-head">
              <span class="tag">{i18n.label('history.entity', hit.entity)}</span>{' '}
              {hit.person_id ? (
                <a href={`/persons/${hit.person_id}`} class="hit-case">
                  {hit.case_number ? <CaseNumber value={hit.case_number} /> : i18n.t('search.open_case')}
                </a>
              ) : hit.case_number ? (
                <CaseNumber value={hit.case_number} />
              ) : null}{' '}
              <span class="muted" dir="ltr">
                {hit.field}
              </span>
            </p>
            <p class="hit-snippet">
              <bdi dir="auto">{hit.snippet}</bdi>
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function SearchView(props: {
  page: PageContext;
  values: SearchFormValues;
  /** Null before anything was searched. */
  hits: PersonHitView[] | null;
  textHits: TextHitView[];
  errors: FieldErrors;
  errorMessage: string | null;
}) {
  const { i18n } = props.page;
  const failed = Object.keys(props.errors).length > 0 || props.errorMessage !== null;
  return (
    <Layout page={props.page} title={props.values.q.trim() && !failed ? i18n.t('search.title_for', { q: props.values.q.trim().slice(0, 60) }) : i18n.t('search.title')} section="search">
      <div class="page-head">
        <h1>{i18n.t('search.title')}</h1>
      </div>
      <p class="lead">{i18n.t('search.intro')}</p>
      <SearchForm values={props.values} errors={props.errors} i18n={i18n} />
      <SearchErrors errors={props.errors} message={props.errorMessage} i18n={i18n} />
      {props.hits === null || failed ? null : props.hits.length === 0 && props.textHits.length === 0 ? (
        <p class="empty" id="search-empty">
          {i18n.t('search.empty')}
        </p>
      ) : (
        <>
          {props.hits.length ? (
            <section aria-labelledby="person-hits-title">
              <h2 id="person-hits-title">{i18n.t('search.persons_found', { count: props.hits.length })}</h2>
              <PersonHits hits={props.hits} i18n={i18n} />
            </section>
          ) : null}
          <TextHits hits={props.textHits} i18n={i18n} />
        </>
      )}
      {props.hits === null && !failed ? <Notice kind="info">{i18n.t('search.hint')}</Notice> : null}
    </Layout>
  );
}
