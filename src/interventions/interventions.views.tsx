import { EdtfDate, ErrorSummary, RecordText, SelectField, TextArea, TextField, enumOptions, type FieldErrors } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { INTERVENTION_STATUSES, INTERVENTION_TYPES } from './interventions.schemas.ts';
import type { Intervention } from './interventions.types.ts';

export const INTERVENTION_FORM_FIELDS = ['type', 'addressee', 'date', 'status', 'note', 'response'] as const;
export type InterventionFormValues = Record<(typeof INTERVENTION_FORM_FIELDS)[number], string>;
export const EMPTY_INTERVENTION_FORM: InterventionFormValues = { type: '', addressee: '', date: '', status: '', note: '', response: '' };

export function interventionFieldLabels(i18n: Translator): Record<string, string> {
  return {
    type: i18n.t('field.type'),
    addressee: i18n.t('field.addressee'),
    date: i18n.t('field.date'),
    status: i18n.t('field.status'),
    note: i18n.t('field.note'),
    response: i18n.t('field.response'),
    person_id: i18n.t('field.person_id'),
    body: i18n.t('intervention.add'),
  };
}

const STATUS_TONES: Record<string, string> = { draft: 'muted', sent: 'info', acknowledged: 'info', responded: 'ok', closed: 'dark' };

/** The advocacy log, in date order. */
export function InterventionList(props: { interventions: Intervention[]; i18n: Translator }) {
  const { i18n } = props;
  if (!props.interventions.length) return <p class="empty">{i18n.t('interventions.empty')}</p>;
  return (
    <ul class="records">
      {props.interventions.map((item) => (
        <li key={item.id} class={item.retracted_at ? 'record retracted' : 'record'} id={`intervention-${item.id}`}>
          <p class="record-head">
            <span class="record-date">
              <EdtfDate value={item.date} i18n={i18n} />
            </span>
            <strong>{i18n.label('intervention.type', item.type)}</strong>
            {item.addressee ? (
              <span>
                <span class="arrow" aria-hidden="true">
                  →{' '}
                </span>
                <RecordText text={item.addressee} />
              </span>
            ) : null}
            <span class={`chip tone-${STATUS_TONES[item.status] ?? 'muted'}`}>{i18n.label('intervention.status', item.status)}</span>
          </p>
          {item.note ? <RecordText text={item.note} block /> : null}
          {item.response ? (
            <div class="record-response">
              <span class="muted">{i18n.t('field.response')}: </span>
              <RecordText text={item.response} block />
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function InterventionForm(props: { personId: string; values: InterventionFormValues; errors: FieldErrors; i18n: Translator }) {
  const { i18n, values, errors } = props;
  return (
    <details class="add-form" open={Object.keys(errors).length > 0} id="add-intervention">
      <summary>{i18n.t('intervention.add')}</summary>
      <form method="post" action={`/persons/${props.personId}/interventions`} novalidate>
        <ErrorSummary errors={errors} labels={interventionFieldLabels(i18n)} i18n={i18n} form="intervention" />
        <div class="grid grid-3">
          <SelectField form="intervention" name="type" label={i18n.t('field.type')} value={values.type} options={enumOptions(INTERVENTION_TYPES, 'intervention.type', i18n)} error={errors.type} required />
          <TextField form="intervention" name="addressee" label={i18n.t('field.addressee')} value={values.addressee} error={errors.addressee} maxLength={500} />
          <TextField form="intervention" name="date" label={i18n.t('field.date')} value={values.date} error={errors.date} hint={i18n.t('hint.date')} dir="ltr" maxLength={64} />
          <SelectField
            form="intervention"
            name="status"
            label={i18n.t('field.status')}
            value={values.status}
            options={enumOptions(INTERVENTION_STATUSES, 'intervention.status', i18n)}
            error={errors.status}
          />
        </div>
        <TextArea form="intervention" name="note" label={i18n.t('field.note')} value={values.note} error={errors.note} rows={2} />
        <TextArea form="intervention" name="response" label={i18n.t('field.response')} value={values.response} error={errors.response} rows={2} />
        <div class="actions">
          <button type="submit" class="btn btn-primary">
            {i18n.t('intervention.submit')}
          </button>
        </div>
      </form>
    </details>
  );
}
