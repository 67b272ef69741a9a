import {
  CheckboxField,
  EdtfDate,
  ErrorSummary,
  RecordText,
  SelectField,
  TextArea,
  TextField,
  enumOptions,
  type FieldErrors,
} from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
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
export function SourceList(props: { sources: Source[]; i18n: Translator }) {
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
        </li>
      ))}
    </ul>
  );
}

/** Adding a source to the case, folded away until needed; opened again when it comes back with errors. */
export function SourceForm(props: { personId: string; values: SourceFormValues; errors: FieldErrors; i18n: Translator }) {
  const { i18n, values, errors } = props;
  const open = Object.keys(errors).length > 0;
  return (
    <details class="add-form" open={open} id="add-source">
      <summary>{i18n.t('source.add')}</summary>
      <form method="post" action={`/persons/${props.personId}/sources`} novalidate>
        <ErrorSummary errors={errors} labels={sourceFieldLabels(i18n)} i18n={i18n} form="source" />
        <div class="grid grid-3">
          <SelectField form="source" name="kind" label={i18n.t('field.kind_of_source')} value={values.kind} options={enumOptions(SOURCE_KINDS, 'source.kind', i18n)} error={errors.kind} required />
          <TextField form="source" name="title" label={i18n.t('field.title')} value={values.title} error={errors.title} maxLength={500} required />
          <TextField form="source" name="publisher" label={i18n.t('field.publisher')} value={values.publisher} error={errors.publisher} maxLength={300} />
          <TextField form="source" name="url" label={i18n.t('field.url')} value={values.url} error={errors.url} hint={i18n.t('hint.url')} dir="ltr" maxLength={2000} />
          <TextField form="source" name="date" label={i18n.t('field.date')} value={values.date} error={errors.date} hint={i18n.t('hint.date')} dir="ltr" maxLength={64} />
          <TextField form="source" name="language" label={i18n.t('field.language')} value={values.language} error={errors.language} hint={i18n.t('hint.lang')} dir="ltr" maxLength={35} />
          <SelectField
            form="source"
            name="reliability"
            label={i18n.t('field.reliability')}
            value={values.reliability}
            options={enumOptions(RELIABILITY, 'reliability', i18n)}
            error={errors.reliability}
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
          rows={2}
        />
        <div class="actions">
          <button type="submit" class="btn btn-primary">
            {i18n.t('source.submit')}
          </button>
        </div>
      </form>
    </details>
  );
}
