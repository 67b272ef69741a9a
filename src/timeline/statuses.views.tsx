import {
  EdtfDate,
  ErrorSummary,
  RecordText,
  SelectField,
  StatusChip,
  TextArea,
  TextField,
  enumOptions,
  type FieldErrors,
} from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { CONTACT, STATUSES, WHEREABOUTS } from './statuses.schemas.ts';
import type { StatusEntry } from './statuses.types.ts';
import { PostForm } from '../web/post-form.tsx';

export const STATUS_FORM_FIELDS = ['status', 'date', 'place', 'whereabouts_acknowledged', 'contact_permitted', 'note'] as const;

/** What the add-status form holds: exactly what was typed, so an error never loses it. */
export type StatusFormValues = Record<(typeof STATUS_FORM_FIELDS)[number], string>;

export const EMPTY_STATUS_FORM: StatusFormValues = { status: '', date: '', place: '', whereabouts_acknowledged: '', contact_permitted: '', note: '' };

export function statusFieldLabels(i18n: Translator): Record<string, string> {
  return {
    status: i18n.t('field.status'),
    date: i18n.t('field.date'),
    place: i18n.t('field.place'),
    whereabouts_acknowledged: i18n.t('field.whereabouts_acknowledged'),
    contact_permitted: i18n.t('field.contact_permitted'),
    note: i18n.t('field.note'),
    body: i18n.t('timeline.add'),
  };
}

export function StatusForm(props: { personId: string; values: StatusFormValues; errors: FieldErrors; i18n: Translator }) {
  const { i18n, values, errors } = props;
  return (
    <PostForm action={`/persons/${props.personId}/statuses`} class="panel form-panel" id="add-status" novalidate>
      <h3>{i18n.t('timeline.add')}</h3>
      <p class="hint">{i18n.t('timeline.add_intro')}</p>
      <ErrorSummary errors={errors} labels={statusFieldLabels(i18n)} i18n={i18n} />
      <div class="grid grid-3">
        <SelectField
          name="status"
          label={i18n.t('field.status')}
          value={values.status}
          options={enumOptions(STATUSES, 'status', i18n)}
          error={errors.status}
          required
        />
        <TextField name="date" label={i18n.t('field.date')} value={values.date} error={errors.date} hint={i18n.t('hint.date')} dir="ltr" required />
        <TextField name="place" label={i18n.t('field.place')} value={values.place} error={errors.place} maxLength={300} />
        <SelectField
          name="whereabouts_acknowledged"
          label={i18n.t('field.whereabouts_acknowledged')}
          value={values.whereabouts_acknowledged}
          options={enumOptions(WHEREABOUTS, 'whereabouts', i18n)}
          error={errors.whereabouts_acknowledged}
        />
        <SelectField
          name="contact_permitted"
          label={i18n.t('field.contact_permitted')}
          value={values.contact_permitted}
          options={enumOptions(CONTACT, 'contact', i18n)}
          error={errors.contact_permitted}
        />
      </div>
      <TextArea name="note" label={i18n.t('field.note')} value={values.note} error={errors.note} rows={2} />
      <div class="actions">
        <button type="submit" class="btn btn-primary">
          {i18n.t('timeline.submit')}
        </button>
      </div>
    </PostForm>
  );
}

function EntryFacts(props: { entry: StatusEntry; i18n: Translator }) {
  const { entry, i18n } = props;
  const facts = [
    entry.whereabouts_acknowledged ? `${i18n.t('field.whereabouts_acknowledged')}: ${i18n.label('whereabouts', entry.whereabouts_acknowledged)}` : null,
    entry.contact_permitted ? `${i18n.t('field.contact_permitted')}: ${i18n.label('contact', entry.contact_permitted)}` : null,
    entry.citations.length ? i18n.t('timeline.citations', { count: entry.citations.length }) : null,
  ].filter((fact): fact is string => fact !== null);
  if (!facts.length) return null;
  return (
    <ul class="facts-inline">
      {facts.map((fact) => (
        <li key={fact}>{fact}</li>
      ))}
    </ul>
  );
}

/** The timeline, latest first; the entry that makes the current status is marked. */
export function Timeline(props: {
  personId: string;
  entries: StatusEntry[];
  currentId: string | null;
  i18n: Translator;
  canWrite: boolean;
}) {
  const { i18n } = props;
  if (!props.entries.length) return <p class="empty">{i18n.t('timeline.empty')}</p>;
  const latestFirst = [...props.entries].reverse();
  return (
    <ol class="timeline">
      {latestFirst.map((entry) => (
        <li
          key={entry.id}
          class={['tl-item', entry.retracted_at ? 'retracted' : '', entry.id === props.currentId ? 'current' : ''].filter(Boolean).join(' ')}
          id={`status-${entry.id}`}
        >
          <div class="tl-date">
            <EdtfDate value={entry.date} i18n={i18n} />
          </div>
          <div class="tl-body">
            <p class="tl-head">
              <StatusChip status={entry.status} i18n={i18n} />
              {entry.place ? (
                <span class="tl-place">
                  <RecordText text={entry.place} />
                </span>
              ) : null}
              {entry.id === props.currentId ? <span class="tag">{i18n.t('person.current_status')}</span> : null}
            </p>
            <EntryFacts entry={entry} i18n={i18n} />
            {entry.note ? <RecordText text={entry.note} block /> : null}
            {entry.retracted_at ? (
              <p class="retraction">
                {i18n.t('timeline.retracted', { reason: '' })}
                <RecordText text={entry.retraction_reason} />
              </p>
            ) : props.canWrite ? (
              <p class="tl-actions">
                <a href={`/persons/${props.personId}/statuses/${entry.id}/retract`} class="link-quiet">
                  {i18n.t('timeline.retract')}
                </a>
              </p>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function RetractStatusView(props: {
  page: PageContext;
  personId: string;
  caseNumber: string;
  entry: StatusEntry;
  reason: string;
  errors: FieldErrors;
}) {
  const { i18n } = props.page;
  const title = i18n.t('retract.entry_title', { case: props.caseNumber });
  return (
    <Layout page={props.page} title={title} section="persons">
      <p class="crumbs">
        <a href={`/persons/${props.personId}`} dir="ltr">
          {props.caseNumber}
        </a>
      </p>
      <h1>{title}</h1>
      <div class="panel narrow">
        <div class="tl-head">
          <EdtfDate value={props.entry.date} i18n={i18n} /> <StatusChip status={props.entry.status} i18n={i18n} />{' '}
          {props.entry.place ? <RecordText text={props.entry.place} /> : null}
        </div>
        <p>{i18n.t('retract.entry_intro')}</p>
        <PostForm action={`/persons/${props.personId}/statuses/${props.entry.id}/retract`} novalidate>
          <ErrorSummary errors={props.errors} labels={{ reason: i18n.t('field.reason'), version: i18n.t('field.version') }} i18n={i18n} />
          <input type="hidden" name="version" value={String(props.entry.version)} />
          <TextArea name="reason" label={i18n.t('field.reason')} value={props.reason} error={props.errors.reason} hint={i18n.t('retract.reason_hint')} required />
          <div class="actions">
            <button type="submit" class="btn btn-danger">
              {i18n.t('retract.entry_submit')}
            </button>
            <a class="btn btn-quiet" href={`/persons/${props.personId}#timeline`}>
              {i18n.t('common.cancel')}
            </a>
          </div>
        </PostForm>
      </div>
    </Layout>
  );
}
