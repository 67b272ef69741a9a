import {
  CaseNumber,
  CheckboxField,
  EdtfDate,
  RecordText,
  SelectField,
  TextArea,
  TextField,
  enumOptions,
  type FieldErrors,
} from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import type { PageContext } from '../web/page.ts';
import {
  AddForm,
  CaseCrumb,
  NowSaved,
  RecordEditPage,
  RecordLinks,
  RetractRecordView,
  flatForm,
  type EditState,
  type RecordConflict,
} from '../web/record-pages.tsx';
import { RELIABILITY, SOURCE_KINDS } from './sources.schemas.ts';
import type { Source } from './sources.types.ts';

export const SOURCE_FORM_FIELDS = ['kind', 'title', 'publisher', 'url', 'date', 'language', 'reliability', 'confidential', 'confidential_identity'] as const;
export type SourceFormValues = Record<(typeof SOURCE_FORM_FIELDS)[number], string>;
export const EMPTY_SOURCE_FORM: SourceFormValues = {
  kind: '',
  title: '',
  publisher: '',
  url: '',
  date: '',
  language: '',
  reliability: '',
  confidential: '',
  confidential_identity: '',
};

export function sourceFieldLabels(i18n: Translator): Record<string, string> {
  return {
    kind: i18n.t('field.kind_of_source'),
    title: i18n.t('field.title'),
    publisher: i18n.t('field.publisher'),
    url: i18n.t('field.url'),
    date: i18n.t('field.date'),
    language: i18n.t('field.language'),
    reliability: i18n.t('field.reliability'),
    confidential: i18n.t('field.confidential'),
    confidential_identity: i18n.t('field.confidential_identity'),
    person_id: i18n.t('field.person_id'),
    body: i18n.t('source.add'),
  };
}

/** A case's sources; a URL is shown as a plain link that sends no referrer and opens nothing by itself. */
export function SourceList(props: { sources: Source[]; i18n: Translator; canWrite: boolean }) {
  const { i18n } = props;
  if (!props.sources.length) return <p class="empty">{i18n.t('sources.empty')}</p>;
  return (
    <ul class="records">
      {props.sources.map((source) => (
        <li key={source.id} class={source.retracted_at ? 'record retracted' : 'record'} id={`source-${source.id}`}>
          <p class="record-head">
            <span class="tag tag-muted">{i18n.label('source.kind', source.kind)}</span>
            <strong>
              <RecordText text={source.title} />
            </strong>
            {source.confidential ? <span class="tag tag-warn">{i18n.t('source.confidential')}</span> : null}
          </p>
          <ul class="facts-inline">
            {source.publisher ? (
              <li>
                <RecordText text={source.publisher} />
              </li>
            ) : null}
            {source.date ? (
              <li>
                <EdtfDate value={source.date} i18n={i18n} />
              </li>
            ) : null}
            {source.language ? <li dir="ltr">{source.language}</li> : null}
            {source.reliability ? <li>{i18n.label('reliability', source.reliability)}</li> : null}
          </ul>
          {source.url ? (
            <p class="record-url">
              <a href={source.url} rel="noreferrer noopener nofollow" dir="ltr">
                {source.url}
              </a>
            </p>
          ) : null}
          {source.confidential_identity ? (
            <div class="secret-inline">
              <span class="muted">{i18n.t('field.confidential_identity')}: </span>
              <RecordText text={source.confidential_identity} />
            </div>
          ) : null}
          {props.canWrite && !source.retracted_at ? <RecordLinks base={`/sources/${source.id}`} i18n={i18n} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The source's fields, shared by the add form on the person page and the edit page. */
function SourceFields(props: { values: SourceFormValues; errors: FieldErrors; i18n: Translator; conflict?: RecordConflict | null }) {
  const { i18n, values, errors } = props;
  const conflict = props.conflict ?? null;
  const now = (name: string, show?: (value: string) => string) => <NowSaved conflict={conflict} name={name} i18n={i18n} show={show} />;
  return (
    <>
      <div class="grid grid-3">
        <SelectField
          form="source"
          name="kind"
          label={i18n.t('field.kind_of_source')}
          value={values.kind}
          options={enumOptions(SOURCE_KINDS, 'source.kind', i18n)}
          error={errors.kind}
          extra={now('kind', (v) => i18n.label('source.kind', v))}
          required
        />
        <TextField form="source" name="title" label={i18n.t('field.title')} value={values.title} error={errors.title} maxLength={500} extra={now('title')} required />
        <TextField form="source" name="publisher" label={i18n.t('field.publisher')} value={values.publisher} error={errors.publisher} maxLength={300} extra={now('publisher')} />
        <TextField form="source" name="url" label={i18n.t('field.url')} value={values.url} error={errors.url} hint={i18n.t('hint.url')} dir="ltr" maxLength={2000} extra={now('url')} />
        <TextField form="source" name="date" label={i18n.t('field.date')} value={values.date} error={errors.date} hint={i18n.t('hint.date')} dir="ltr" maxLength={64} extra={now('date')} />
        <TextField form="source" name="language" label={i18n.t('field.language')} value={values.language} error={errors.language} hint={i18n.t('hint.lang')} dir="ltr" maxLength={35} extra={now('language')} />
        <SelectField
          form="source"
          name="reliability"
          label={i18n.t('field.reliability')}
          value={values.reliability}
          options={enumOptions(RELIABILITY, 'reliability', i18n)}
          error={errors.reliability}
          extra={now('reliability', (v) => i18n.label('reliability', v))}
        />
      </div>
      <CheckboxField form="source" name="confidential" label={i18n.t('field.confidential')} checked={values.confidential === 'on'} error={errors.confidential} />
      <TextArea
        form="source"
        name="confidential_identity"
        label={i18n.t('field.confidential_identity')}
        value={values.confidential_identity}
        error={errors.confidential_identity}
        hint={i18n.t('hint.secret')}
        extra={now('confidential_identity')}
        rows={2}
      />
    </>
  );
}

/** Adding a source to the case, from the person page. */
export function SourceForm(props: { personId: string; values: SourceFormValues; errors: FieldErrors; i18n: Translator }) {
  const { i18n } = props;
  return (
    <AddForm
      id="add-source"
      summary={i18n.t('source.add')}
      action={`/persons/${props.personId}/sources`}
      form="source"
      errors={props.errors}
      labels={sourceFieldLabels(i18n)}
      submit={i18n.t('source.submit')}
      i18n={i18n}
    >
      <SourceFields values={props.values} errors={props.errors} i18n={i18n} />
    </AddForm>
  );
}

export const SOURCE_EDIT_FORM = flatForm(SOURCE_FORM_FIELDS);

export function sourceFormValuesOf(source: Source): SourceFormValues {
  return {
    kind: source.kind,
    title: source.title,
    publisher: source.publisher ?? '',
    url: source.url ?? '',
    date: source.date ?? '',
    language: source.language ?? '',
    reliability: source.reliability ?? '',
    confidential: source.confidential ? 'on' : '',
    confidential_identity: source.confidential_identity ?? '',
  };
}

/** Where a source lives: its case, or the list of persons for a source shared by many cases. */
export function sourceHome(source: Source): string {
  return source.person_id ? `/persons/${source.person_id}#source-${source.id}` : '/persons';
}

export function SourceEditView(props: { page: PageContext; source: Source; caseNumber: string | null; state: EditState<SourceFormValues> }) {
  const { page, source, state } = props;
  const { i18n } = page;
  return (
    <RecordEditPage
      page={page}
      title={i18n.t('source.edit_title')}
      crumb={<CaseCrumb href={sourceHome(source)} caseNumber={props.caseNumber} i18n={i18n} />}
      base={`/sources/${source.id}`}
      home={sourceHome(source)}
      form="source"
      editForm={SOURCE_EDIT_FORM}
      state={state}
      labels={sourceFieldLabels(i18n)}
    >
      <SourceFields values={state.values} errors={state.errors} i18n={i18n} conflict={state.conflict} />
    </RecordEditPage>
  );
}

export function RetractSourceView(props: { page: PageContext; source: Source; caseNumber: string | null; reason: string; errors: FieldErrors }) {
  const { page, source } = props;
  const { i18n } = page;
  return RetractRecordView({
    page,
    title: i18n.t('source.retract_title'),
    crumb: { href: sourceHome(source), label: props.caseNumber ? <CaseNumber value={props.caseNumber} /> : i18n.t('nav.persons') },
    summary: (
      <>
        <span class="tag tag-muted">{i18n.label('source.kind', source.kind)}</span>
        <strong>
          <RecordText text={source.title} />
        </strong>
      </>
    ),
    intro: i18n.t('retract.record_intro'),
    action: `/sources/${source.id}/retract`,
    version: source.version,
    reason: props.reason,
    errors: props.errors,
    submit: i18n.t('retract.record_submit'),
  });
}
