import type { ComponentChildren, VNode } from 'preact';
import { revealInvisible } from '../lib/text.ts';
import type { Revision } from '../records/revisions.repository.ts';
import { HistoryList, HistoryValue } from '../records/revisions.views.tsx';
import { STATUSES } from '../timeline/statuses.schemas.ts';
import type { StatusEntry } from '../timeline/statuses.types.ts';
import { StatusForm, Timeline, type StatusFormValues } from '../timeline/statuses.views.tsx';
import {
  CaseNumber,
  CheckboxField,
  EdtfDate,
  ErrorSummary,
  Flagged,
  NameList,
  NameText,
  Notice,
  RecordText,
  RiskChip,
  SelectField,
  StatusChip,
  TextArea,
  TextField,
  Timestamp,
  enumOptions,
  fieldId,
  type FieldErrors,
} from '../web/components.tsx';
import type { CaseAccess, Notice as UserNotice } from '../access/access.service.ts';
import { UserNotices } from '../access/access.views.tsx';
import type { MessageKey, Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import { withQuery, type PageContext } from '../web/page.ts';
import { LOCATION_DISCLOSURE, NAME_KINDS, PUBLICITY, RISKS, SCRIPTS, SEXES } from './persons.schemas.ts';
import type { Person, PersonName } from './persons.types.ts';
import { PostForm } from '../web/post-form.tsx';

/** Ethnicities offered as suggestions; the field stays open to others. */
export const KNOWN_ETHNICITIES = ['kazakh', 'uyghur', 'kyrgyz', 'hui', 'uzbek', 'tatar', 'tajik', 'mongol', 'tibetan', 'han'] as const;
const LANGUAGE_SUGGESTIONS = ['kk', 'ug', 'ky', 'zh', 'ru', 'en', 'uz', 'tt'] as const;

function primaryName(person: Person): PersonName | undefined {
  return person.names.find((n) => n.kind === 'primary') ?? person.names[0];
}

/** Another person named by a record (a relative, a victim), linked by case number and primary name. */
export function PersonLink(props: { id: string; people: ReadonlyMap<string, Person>; i18n: Translator }) {
  const person = props.people.get(props.id);
  if (!person) return <span class="muted">{props.i18n.t('relation.unknown_person')}</span>;
  const name = primaryName(person);
  return (
    <a href={`/persons/${person.id}`} class="person-link">
      <CaseNumber value={person.case_number} />{' '}
      {name ? <NameText text={name.text} script={name.script} lang={name.lang} i18n={props.i18n} /> : null}
    </a>
  );
}

export function EthnicityList(props: { i18n: Translator }) {
  return (
    <datalist id="ethnicities">
      {KNOWN_ETHNICITIES.map((value) => (
        <option key={value} value={value}>
          {props.i18n.label('ethnicity', value)}
        </option>
      ))}
    </datalist>
  );
}

export function CurrentStatus(props: { entry: StatusEntry | null; i18n: Translator; withPlace?: boolean }) {
  const { entry, i18n } = props;
  if (!entry) return <span class="none">{i18n.t('person.no_status')}</span>;
  return (
    <span class="current-status">
      <StatusChip status={entry.status} i18n={i18n} />{' '}
      <span class="muted">
        <EdtfDate value={entry.date} i18n={i18n} />
      </span>
      {props.withPlace && entry.place ? (
        <>
          {' · '}
          <RecordText text={entry.place} />
        </>
      ) : null}
    </span>
  );
}

// ---------------------------------------------------------------- list

export interface PersonListFilters {
  status: string;
  ethnicity: string;
  risk: string;
}

export function PersonListView(props: {
  page: PageContext;
  persons: Person[];
  filters: PersonListFilters;
  invalidFilters: boolean;
  nextHref: string | null;
  previousHref: string | null;
  firstHref: string | null;
  /** Unread notices for the reader, e.g. an admin opened one of their cases through break-glass. */
  notices?: UserNotice[];
}) {
  const { i18n } = props.page;
  const filtered = Boolean(props.filters.status || props.filters.ethnicity || props.filters.risk);
  return (
    <Layout page={props.page} title={i18n.t('persons.title')} section="persons">
      <UserNotices notices={props.notices ?? []} i18n={i18n} />
      <div class="page-head">
        <h1>{i18n.t('persons.title')}</h1>
        {props.page.canWrite ? (
          <a class="btn btn-primary" href="/persons/new">
            {i18n.t('nav.new_person')}
          </a>
        ) : null}
      </div>
      <form method="get" action="/persons" class="filters" role="search">
        <fieldset>
          <legend class="visually-hidden">{i18n.t('filter.legend')}</legend>
          <SelectField
            name="status"
            label={i18n.t('filter.status')}
            value={props.filters.status}
            options={enumOptions(STATUSES, 'status', i18n)}
            blank={i18n.t('filter.any')}
          />
          <TextField name="ethnicity" label={i18n.t('filter.ethnicity')} value={props.filters.ethnicity} list="ethnicities" dir="ltr" />
          <SelectField name="risk" label={i18n.t('filter.risk')} value={props.filters.risk} options={enumOptions(RISKS, 'risk', i18n)} blank={i18n.t('filter.any')} />
          <div class="filter-actions">
            <button type="submit" class="btn">
              {i18n.t('filter.apply')}
            </button>
            {filtered ? (
              <a href="/persons" class="link-quiet">
                {i18n.t('filter.clear')}
              </a>
            ) : null}
          </div>
        </fieldset>
        <EthnicityList i18n={i18n} />
      </form>
      {props.invalidFilters ? <Notice kind="warn">{i18n.t('filter.invalid')}</Notice> : null}
      {props.persons.length === 0 ? (
        <p class="empty">{i18n.t(filtered ? 'persons.empty' : 'persons.empty_all')}</p>
      ) : (
        <div class="table-wrap">
          <table class="list persons-list">
            <thead>
              <tr>
                <th scope="col">{i18n.t('col.case')}</th>
                <th scope="col">{i18n.t('col.names')}</th>
                <th scope="col">{i18n.t('col.status')}</th>
                <th scope="col">{i18n.t('col.risk')}</th>
                <th scope="col">{i18n.t('col.ethnicity')}</th>
              </tr>
            </thead>
            <tbody>
              {props.persons.map((person) => (
                <tr key={person.id} class={person.retracted_at ? 'retracted' : undefined}>
                  <td class="nowrap">
                    <a href={`/persons/${person.id}`}>
                      <CaseNumber value={person.case_number} />
                    </a>
                  </td>
                  <td>
                    <a href={`/persons/${person.id}`} class="names-cell">
                      {person.names.map((name, index) => (
                        <NameText key={index} text={name.text} script={name.script} lang={name.lang} i18n={i18n} class={index === 0 ? 'first' : 'other'} />
                      ))}
                    </a>
                    {person.retracted_at ? <span class="tag tag-muted">{i18n.t('persons.retracted_mark')}</span> : null}
                  </td>
                  <td>
                    <CurrentStatus entry={person.current_status} i18n={i18n} />
                  </td>
                  <td>
                    <RiskChip risk={person.risk} i18n={i18n} />
                  </td>
                  <td>{person.ethnicity ? i18n.label('ethnicity', person.ethnicity) : <span class="none">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label={i18n.t('paging.label')}>
        <span class="muted">{i18n.t('persons.count', { count: props.persons.length })}</span>
        {props.firstHref ? <a href={props.firstHref}>{i18n.t('paging.first')}</a> : null}
        {props.previousHref ? (
          <a href={props.previousHref} rel="prev">
            {i18n.t('paging.previous')}
          </a>
        ) : null}
        {props.nextHref ? (
          <a href={props.nextHref} rel="next" class="btn btn-small">
            {i18n.t('paging.next')}
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}

// ---------------------------------------------------------------- form

export interface NameRowValues {
  text: string;
  script: string;
  lang: string;
  kind: string;
}

/** Single-value fields of the person form, named as the API names them (consent parts dotted). */
export const PERSON_FORM_FIELDS = [
  'sex',
  'birth',
  'ethnicity',
  'citizenships',
  'hometown',
  'residence',
  'occupation',
  'father_name',
  'risk',
  'verification',
  'consent.publicity',
  'consent.location',
  'consent.given_by',
  'consent.date',
  'national_id',
  'notes',
] as const;
export type PersonFormField = (typeof PERSON_FORM_FIELDS)[number];

export interface PersonFormValues {
  names: NameRowValues[];
  fields: Record<PersonFormField, string>;
  published: boolean;
  version: string;
}

export const EMPTY_NAME_ROW: NameRowValues = { text: '', script: '', lang: '', kind: 'alias' };

export function personFieldLabels(i18n: Translator, rows: number): Record<string, string> {
  const labels: Record<string, string> = {
    names: i18n.t('field.names'),
    body: i18n.t('field.names'),
    version: i18n.t('field.version'),
    published: i18n.t('field.published'),
    consent: i18n.t('field.consent'),
    'consent.publicity': i18n.t('field.publicity'),
    'consent.location': i18n.t('field.location'),
    'consent.given_by': i18n.t('field.consent_given_by'),
    'consent.date': i18n.t('field.consent_date'),
  };
  for (const name of PERSON_FORM_FIELDS) labels[name] ??= i18n.t(`field.${name}` as MessageKey);
  for (let i = 0; i < rows; i++) {
    const row = i18n.t('person.row', { n: i + 1 });
    labels[`names.${i}.text`] = `${row}: ${i18n.t('field.name_text')}`;
    labels[`names.${i}.script`] = `${row}: ${i18n.t('field.script')}`;
    labels[`names.${i}.lang`] = `${row}: ${i18n.t('field.lang')}`;
    labels[`names.${i}.kind`] = `${row}: ${i18n.t('field.kind')}`;
  }
  return labels;
}

/** Someone else's change, found when saving: which fields they touched and the record as it is now. */
export interface EditConflict {
  given: number;
  current: number;
  /** Changed only by them: their values are now in the form. */
  merged: string[];
  /** Changed by both: the form keeps what was typed, their saved value is shown beside it. */
  clashes: string[];
  person: Person;
}

function ConflictValue(props: { conflict: EditConflict | null; field: string; i18n: Translator }) {
  const { conflict, field, i18n } = props;
  if (!conflict || !conflict.clashes.includes(field)) return null;
  const value = (conflict.person as unknown as Record<string, unknown>)[field];
  return (
    <p class="conflict-value">
      {i18n.t('conflict.now', { value: '' })}
      <HistoryValue field={field} value={value} i18n={i18n} />
    </p>
  );
}

function NameRows(props: { rows: NameRowValues[]; errors: FieldErrors; i18n: Translator }) {
  const { i18n, errors } = props;
  const scripts = enumOptions(SCRIPTS, 'script', i18n);
  const kinds = enumOptions(NAME_KINDS, 'kind', i18n);
  return (
    <div class="name-rows" data-name-rows>
      {props.rows.map((row, i) => (
        <fieldset class="name-row" key={i} data-name-row>
          <legend class="visually-hidden">{i18n.t('person.row', { n: i + 1 })}</legend>
          <TextField
            name={`names.${i}.text`}
            label={i18n.t('field.name_text')}
            value={row.text}
            error={errors[`names.${i}.text`]}
            class="grow"
            maxLength={300}
            extra={row.text ? <Flagged text={row.text} i18n={i18n} /> : null}
          />
          <SelectField
            name={`names.${i}.script`}
            label={i18n.t('field.script')}
            value={row.script}
            options={scripts}
            blank={i18n.t('option.detect')}
            error={errors[`names.${i}.script`]}
          />
          <TextField
            name={`names.${i}.lang`}
            label={i18n.t('field.lang')}
            value={row.lang}
            error={errors[`names.${i}.lang`]}
            list="name-langs"
            dir="ltr"
            class="narrow-field"
            maxLength={35}
          />
          <SelectField name={`names.${i}.kind`} label={i18n.t('field.kind')} value={row.kind} options={kinds} blank={null} error={errors[`names.${i}.kind`]} />
        </fieldset>
      ))}
    </div>
  );
}

export function PersonFormView(props: {
  page: PageContext;
  mode: 'create' | 'edit';
  person: Person | null;
  values: PersonFormValues;
  errors: FieldErrors;
  conflict: EditConflict | null;
}) {
  const { i18n } = props.page;
  const { values, errors, conflict } = props;
  const f = values.fields;
  const title = props.mode === 'create' ? i18n.t('person.new_title') : i18n.t('person.edit_title', { case: props.person!.case_number });
  const action = props.mode === 'create' ? '/persons/new' : `/persons/${props.person!.id}/edit`;
  const labels = personFieldLabels(i18n, values.names.length);
  const conflictLabels = (names: string[]) => names.map((name) => labels[name] ?? i18n.label('field', name)).join(', ');
  const text = (name: PersonFormField, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField
      name={name}
      label={labels[name]!}
      value={f[name]}
      error={errors[name]}
      extra={<ConflictValue conflict={conflict} field={name} i18n={i18n} />}
      {...extra}
    />
  );
  const select = (name: PersonFormField, options: Array<[string, string]>) => (
    <SelectField
      name={name}
      label={labels[name]!}
      value={f[name]}
      options={options}
      error={errors[name]}
      extra={<ConflictValue conflict={conflict} field={name} i18n={i18n} />}
    />
  );
  return (
    <Layout page={props.page} title={title} section={props.mode === 'create' ? 'new-person' : 'persons'}>
      {props.person ? (
        <p class="crumbs">
          <a href={`/persons/${props.person.id}`}>
            <CaseNumber value={props.person.case_number} />
          </a>
        </p>
      ) : null}
      <h1>{title}</h1>
      {props.mode === 'create' ? <p class="lead">{i18n.t('person.new_intro')}</p> : null}
      {conflict ? (
        <Notice kind="warn" title={i18n.t('conflict.title')}>
          <p>{i18n.t('conflict.body', { given: conflict.given, current: conflict.current })}</p>
          {conflict.merged.length ? <p>{i18n.t('conflict.merged', { fields: conflictLabels(conflict.merged) })}</p> : null}
          {conflict.clashes.length ? <p>{i18n.t('conflict.fields', { fields: conflictLabels(conflict.clashes) })}</p> : null}
          <p>{i18n.t('conflict.resubmit')}</p>
        </Notice>
      ) : null}
      <ErrorSummary errors={errors} labels={labels} i18n={i18n} />
      <PostForm action={action} class="person-form" novalidate>
        {/* Enter in a text field presses the first submit button: make that "save", not "more rows". */}
        <button type="submit" class="visually-hidden" tabindex={-1} aria-hidden="true">
          {props.mode === 'create' ? i18n.t('person.create') : i18n.t('person.save')}
        </button>
        {props.mode === 'edit' ? <input type="hidden" name="version" value={values.version} /> : null}
        <section class="panel form-panel">
          <h2 id={fieldId('names')}>{i18n.t('field.names')}</h2>
          <p class="hint">
            {i18n.t('hint.names')} {i18n.t('hint.script')}
          </p>
          {errors.names ? <p class="field-error">{errors.names}</p> : null}
          <ConflictValue conflict={conflict} field="names" i18n={i18n} />
          <NameRows rows={values.names} errors={errors} i18n={i18n} />
          <datalist id="name-langs">
            {LANGUAGE_SUGGESTIONS.map((lang) => (
              <option key={lang} value={lang} />
            ))}
          </datalist>
          <p class="row-actions">
            <button type="submit" name="_action" value="more_rows" class="btn btn-quiet btn-small" data-add-name-row>
              {i18n.t('person.more_rows')}
            </button>
          </p>
        </section>
        <section class="panel form-panel">
          <h2>{i18n.t('person.facts')}</h2>
          <div class="grid grid-3">
            {select('sex', enumOptions(SEXES, 'sex', i18n))}
            {text('birth', { hint: i18n.t('hint.date'), dir: 'ltr', maxLength: 64 })}
            {text('ethnicity', { hint: i18n.t('hint.ethnicity'), list: 'ethnicities', dir: 'ltr', maxLength: 40 })}
            {text('citizenships', { hint: i18n.t('hint.citizenships'), dir: 'ltr', maxLength: 60 })}
            {text('hometown', { maxLength: 300 })}
            {text('residence', { maxLength: 300 })}
            {text('occupation', { maxLength: 300 })}
            {text('father_name', { maxLength: 300 })}
            {select('risk', enumOptions(RISKS, 'risk', i18n))}
            {select('verification', enumOptions(['1', '2', '3', '4'], 'verification', i18n))}
          </div>
          <EthnicityList i18n={i18n} />
        </section>
        <section class="panel form-panel">
          <h2>{i18n.t('field.consent')}</h2>
          <div class="grid grid-3">
            {select('consent.publicity', enumOptions(PUBLICITY, 'publicity', i18n))}
            {select('consent.location', enumOptions(LOCATION_DISCLOSURE, 'location', i18n))}
            {text('consent.given_by', { maxLength: 300 })}
            {text('consent.date', { hint: i18n.t('hint.date'), dir: 'ltr', maxLength: 64 })}
          </div>
          <ConflictValue conflict={conflict} field="consent" i18n={i18n} />
          <ConflictValue conflict={conflict} field="published" i18n={i18n} />
          <CheckboxField name="published" label={labels.published!} checked={values.published} error={errors.published} hint={i18n.t('hint.published')} />
        </section>
        <section class="panel form-panel secret">
          <h2>{i18n.t('person.secret')}</h2>
          <p class="hint">{i18n.t('hint.secret')}</p>
          <div class="grid grid-3">{text('national_id', { dir: 'ltr', maxLength: 100 })}</div>
          <TextArea name="notes" label={labels.notes!} value={f.notes} error={errors.notes} rows={4} />
        </section>
        <div class="actions form-actions">
          <button type="submit" class="btn btn-primary">
            {props.mode === 'create' ? i18n.t('person.create') : i18n.t('person.save')}
          </button>
          <a class="btn btn-quiet" href={props.person ? `/persons/${props.person.id}` : '/persons'}>
            {i18n.t('common.cancel')}
          </a>
        </div>
      </PostForm>
    </Layout>
  );
}

// ---------------------------------------------------------------- person page

/** A section of the person page supplied by another feature (events, sources…), already rendered. */
export interface PersonSection {
  id: string;
  title: string;
  count: number | null;
  body: VNode;
}

export type Flash =
  | 'created'
  | 'saved'
  | 'unchanged'
  | 'status'
  | 'retracted'
  | 'status_retracted'
  | 'source'
  | 'intervention'
  | 'event'
  | 'relation'
  | 'record_saved'
  | 'record_retracted';

const FLASH_MESSAGES: Record<Flash, MessageKey> = {
  created: 'person.created',
  saved: 'person.saved',
  unchanged: 'person.unchanged',
  status: 'timeline.added',
  retracted: 'retract.done',
  status_retracted: 'timeline.retracted_done',
  source: 'source.added',
  intervention: 'intervention.added',
  event: 'event.added',
  relation: 'relation.added',
  record_saved: 'person.saved',
  record_retracted: 'record.retracted_done',
};

export function Fact(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function ConsentText(props: { person: Person; i18n: Translator }) {
  const { person, i18n } = props;
  if (!person.consent) return <span class="none">{i18n.t('person.consent_none')}</span>;
  const c = person.consent;
  return (
    <span>
      {i18n.label('publicity', c.publicity)}
      {c.location ? ` · ${i18n.t('field.location')}: ${i18n.label('location', c.location)}` : ''}
      {c.given_by ? (
        <>
          {' · '}
          <RecordText text={c.given_by} />
        </>
      ) : null}
      {c.date ? (
        <>
          {' · '}
          <EdtfDate value={c.date} i18n={i18n} />
        </>
      ) : null}
    </span>
  );
}

export function PersonView(props: {
  page: PageContext;
  person: Person;
  timeline: StatusEntry[];
  showRetracted: boolean;
  history: Revision[];
  historyOlderHref: string | null;
  historyNewestHref: string | null;
  sections: PersonSection[];
  statusForm: { values: StatusFormValues; errors: FieldErrors };
  flash: Flash | null;
  /** What the reader may do in this case (membership, not only role). */
  access: CaseAccess;
  /** Alerts not yet resolved ("No contact since …"), shown atop the timeline. */
  timelineAlerts?: VNode | null;
  /** "Merged into VG-…" (with un-merge) and "records merged into this one" (src/search/duplicates.pages.ts). */
  mergeBanner?: VNode | null;
}) {
  const { page, person } = props;
  const { i18n } = page;
  const primary = primaryName(person);
  const editable = props.access.write && !person.retracted_at;
  const text = (value: string | null) => <RecordText text={value} />;
  const contents: Array<[string, string]> = [
    ['names', i18n.t('section.names')],
    ['details', i18n.t('section.details')],
    ['timeline', i18n.t('section.timeline')],
    ...props.sections.map((s): [string, string] => [s.id, s.title]),
    ['history', i18n.t('section.history')],
  ];
  return (
    <Layout page={page} title={`${person.case_number} ${revealInvisible(primary?.text ?? '')}`} section="persons">
      {props.flash ? <Notice kind="ok">{i18n.t(FLASH_MESSAGES[props.flash], { case: person.case_number })}</Notice> : null}
      {props.mergeBanner ?? null}
      {person.retracted_at ? (
        <Notice kind="warn">
          {i18n.t('person.retracted_banner', { date: person.retracted_at.slice(0, 10), reason: '' })}
          <RecordText text={person.retraction_reason} />
        </Notice>
      ) : null}
      <header class="person-head">
        <div class="person-id">
          <CaseNumber value={person.case_number} />
          <RiskChip risk={person.risk} i18n={i18n} />
        </div>
        <h1 class="person-name">
          {primary ? <NameText text={primary.text} script={primary.script} lang={primary.lang} i18n={i18n} /> : person.case_number}
        </h1>
        <p class="person-other-names">
          <NameList names={person.names.filter((name) => name !== primary)} i18n={i18n} />
        </p>
        <p class="person-status">
          <span class="muted">{i18n.t('person.current_status')}: </span>
          <CurrentStatus entry={person.current_status} i18n={i18n} withPlace />
        </p>
        {editable ? (
          <p class="person-actions">
            <a class="btn" href={`/persons/${person.id}/edit`}>
              {i18n.t('person.edit')}
            </a>
            <a class="btn btn-quiet" href="#add-status">
              {i18n.t('timeline.add')}
            </a>
            <a class="btn btn-quiet btn-danger-text" href={`/persons/${person.id}/retract`}>
              {i18n.t('person.retract')}
            </a>
          </p>
        ) : !props.access.write ? (
          <p class="muted">{i18n.t('person.read_only')}</p>
        ) : null}
        {props.access.breakGlass ? <Notice kind="warn">{i18n.t('access.break_glass_open')}</Notice> : null}
        <p class="person-access">
          <a href={`/persons/${person.case_id}/access`}>{i18n.t('access.link')}</a>
          {' · '}
          <a href={`/persons/${person.id}/reports/wgeid`}>{i18n.t('wgeid.link')}</a>
          {' · '}
          <a href={`/persons/${person.id}/reports/urgent_action`}>{i18n.t('urgent_action.link')}</a>
          {' · '}
          <a href={`/persons/${person.id}/reports/brief`}>{i18n.t('brief.link')}</a>
        </p>
      </header>

      <nav class="contents" aria-label={i18n.t('section.contents')}>
        {contents.map(([id, title]) => (
          <a key={id} href={`#${id}`}>
            {title}
          </a>
        ))}
      </nav>

      <div class="person-grid">
        <section id="names" class="panel">
          <h2>{i18n.t('section.names')}</h2>
          <div class="scroll-x">
          <table class="list names-table">
            <thead>
              <tr>
                <th scope="col">{i18n.t('field.name_text')}</th>
                <th scope="col">
                  {i18n.t('field.script')} · {i18n.t('field.lang')}
                </th>
                <th scope="col">{i18n.t('field.kind')}</th>
              </tr>
            </thead>
            <tbody>
              {person.names.map((name, index) => (
                <tr key={index}>
                  <td>
                    <NameText text={name.text} script={name.script} lang={name.lang} i18n={i18n} class="big" />
                    <Flagged text={name.text} i18n={i18n} />
                  </td>
                  <td>
                    {i18n.label('script', name.script)}
                    {name.lang ? (
                      <span class="muted" dir="ltr">
                        {' · '}
                        {name.lang}
                      </span>
                    ) : null}
                  </td>
                  <td>{i18n.label('kind', name.kind)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </section>

        <section id="details" class="panel">
          <h2>{i18n.t('section.details')}</h2>
          <dl class="facts">
            <Fact label={i18n.t('field.sex')}>{person.sex ? i18n.label('sex', person.sex) : <span class="none">—</span>}</Fact>
            <Fact label={i18n.t('field.birth')}>
              <EdtfDate value={person.birth} i18n={i18n} />
            </Fact>
            <Fact label={i18n.t('field.ethnicity')}>{person.ethnicity ? i18n.label('ethnicity', person.ethnicity) : <span class="none">—</span>}</Fact>
            <Fact label={i18n.t('field.citizenships')}>
              {person.citizenships.length ? <span dir="ltr">{person.citizenships.join(', ')}</span> : <span class="none">—</span>}
            </Fact>
            <Fact label={i18n.t('field.hometown')}>{text(person.hometown)}</Fact>
            <Fact label={i18n.t('field.residence')}>{text(person.residence)}</Fact>
            <Fact label={i18n.t('field.occupation')}>{text(person.occupation)}</Fact>
            <Fact label={i18n.t('field.father_name')}>{text(person.father_name)}</Fact>
            <Fact label={i18n.t('field.risk')}>
              <RiskChip risk={person.risk} i18n={i18n} />
            </Fact>
            <Fact label={i18n.t('field.verification')}>
              {person.verification ? i18n.label('verification', person.verification) : <span class="none">—</span>}
            </Fact>
            <Fact label={i18n.t('field.consent')}>
              <ConsentText person={person} i18n={i18n} />
            </Fact>
            <Fact label={i18n.t('field.published')}>
              {i18n.t(person.published ? 'common.yes' : 'common.no')}
              {person.published && !person.retracted_at && !person.duplicate_of ? (
                <>
                  {' · '}
                  <a href={`/public/cases/${person.case_number}`}>{i18n.t('public.view_on_register')}</a>
                </>
              ) : null}
            </Fact>
            {person.duplicate_of ? (
              <Fact label={i18n.t('field.duplicate_of')}>
                <a href={`/persons/${person.duplicate_of}`} dir="ltr">
                  {person.duplicate_of}
                </a>
              </Fact>
            ) : null}
            <Fact label={i18n.t('field.created_at')}>
              <Timestamp iso={person.created_at} />
            </Fact>
            <Fact label={i18n.t('field.updated_at')}>
              <Timestamp iso={person.updated_at} /> <span class="muted">v{person.version}</span>
            </Fact>
          </dl>
          {person.national_id || person.notes ? (
            <div class="secret-box">
              <h3>{i18n.t('person.secret')}</h3>
              <dl class="facts">
                {person.national_id ? (
                  <Fact label={i18n.t('field.national_id')}>
                    <span dir="ltr">{text(person.national_id)}</span>
                  </Fact>
                ) : null}
              </dl>
              {person.notes ? (
                <>
                  <p class="muted">{i18n.t('field.notes')}</p>
                  <RecordText text={person.notes} block />
                </>
              ) : null}
            </div>
          ) : null}
        </section>
      </div>

      <section id="timeline" class="panel">
        <div class="section-head">
          <h2>{i18n.t('section.timeline')}</h2>
          <a class="link-quiet" href={withQuery(`/persons/${person.id}`, { retracted: props.showRetracted ? null : '1' }) + '#timeline'}>
            {i18n.t(props.showRetracted ? 'timeline.hide_retracted' : 'timeline.show_retracted')}
          </a>
        </div>
        {props.timelineAlerts ?? null}
        <Timeline personId={person.id} entries={props.timeline} currentId={person.current_status?.id ?? null} i18n={i18n} canWrite={editable} />
        {editable ? <StatusForm personId={person.id} values={props.statusForm.values} errors={props.statusForm.errors} i18n={i18n} /> : null}
      </section>

      {props.sections.map((section) => (
        <section id={section.id} class="panel" key={section.id}>
          <h2>
            {section.title}
            {section.count !== null ? <span class="count">{section.count}</span> : null}
          </h2>
          {section.body}
        </section>
      ))}

      <section id="history" class="panel">
        <h2>{i18n.t('section.history')}</h2>
        <HistoryList revisions={props.history} i18n={i18n} olderHref={props.historyOlderHref} newestHref={props.historyNewestHref} />
      </section>
    </Layout>
  );
}

// ---------------------------------------------------------------- retract

export function RetractPersonView(props: { page: PageContext; person: Person; reason: string; errors: FieldErrors; status?: string }) {
  const { i18n } = props.page;
  const { person } = props;
  const primary = primaryName(person);
  const title = i18n.t('retract.title', { case: person.case_number });
  return (
    <Layout page={props.page} title={title} section="persons">
      <p class="crumbs">
        <a href={`/persons/${person.id}`}>
          <CaseNumber value={person.case_number} />
        </a>
      </p>
      <h1>{title}</h1>
      <div class="panel narrow">
        {primary ? (
          <p class="person-name small">
            <NameText text={primary.text} script={primary.script} lang={primary.lang} i18n={i18n} />
          </p>
        ) : null}
        <p>{i18n.t('retract.intro')}</p>
        <ErrorSummary errors={props.errors} labels={{ reason: i18n.t('field.reason'), version: i18n.t('field.version') }} i18n={i18n} />
        <PostForm action={`/persons/${person.id}/retract`} novalidate>
          <input type="hidden" name="version" value={String(person.version)} />
          <TextArea name="reason" label={i18n.t('field.reason')} value={props.reason} error={props.errors.reason} hint={i18n.t('retract.reason_hint')} required />
          <div class="actions">
            <button type="submit" class="btn btn-danger">
              {i18n.t('retract.submit')}
            </button>
            <a class="btn btn-quiet" href={`/persons/${person.id}`}>
              {i18n.t('common.cancel')}
            </a>
          </div>
        </PostForm>
      </div>
    </Layout>
  );
}
