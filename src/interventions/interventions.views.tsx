import { CaseNumber, EdtfDate, RecordText, SelectField, TextArea, TextField, enumOptions, type FieldErrors } from '../web/components.tsx';
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
import { INTERVENTION_STATUSES, INTERVENTION_TYPES } from './interventions.schemas.ts';
import type { Intervention } from './interventions.types.ts';

export const INTERVENTION_FORM_FIELDS = ['type', 'addressee', 'date', 'status', 'follow_up_on', 'note', 'response'] as const;
export type InterventionFormValues = Record<(typeof INTERVENTION_FORM_FIELDS)[number], string>;
export const EMPTY_INTERVENTION_FORM: InterventionFormValues = { type: '', addressee: '', date: '', status: '', follow_up_on: '', note: '', response: '' };

export function interventionFieldLabels(i18n: Translator): Record<string, string> {
  return {
    type: i18n.t('field.type'),
    addressee: i18n.t('field.addressee'),
    date: i18n.t('field.date'),
    status: i18n.t('field.status'),
    follow_up_on: i18n.t('field.follow_up_on'),
    note: i18n.t('field.note'),
    response: i18n.t('field.response'),
    person_id: i18n.t('field.person_id'),
    body: i18n.t('intervention.add'),
  };
}

const STATUS_TONES: Record<string, string> = { draft: 'muted', sent: 'info', acknowledged: 'info', responded: 'ok', closed: 'dark' };

/** The advocacy log, in date order. */
export function InterventionList(props: { interventions: Intervention[]; i18n: Translator; canWrite: boolean }) {
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
            {item.follow_up_on ? <span class="muted">{i18n.t('intervention.follow_up_on', { date: item.follow_up_on })}</span> : null}
          </p>
          {item.note ? <RecordText text={item.note} block /> : null}
          {item.response ? (
            <div class="record-response">
              <span class="muted">{i18n.t('field.response')}: </span>
              <RecordText text={item.response} block />
            </div>
          ) : null}
          {props.canWrite && !item.retracted_at ? <RecordLinks base={`/interventions/${item.id}`} i18n={i18n} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The intervention's fields, shared by the add form on the person page and the edit page. */
function InterventionFields(props: { values: InterventionFormValues; errors: FieldErrors; i18n: Translator; conflict?: RecordConflict | null }) {
  const { i18n, values, errors } = props;
  const conflict = props.conflict ?? null;
  const now = (name: string, show?: (value: string) => string) => <NowSaved conflict={conflict} name={name} i18n={i18n} show={show} />;
  return (
    <>
      <div class="grid grid-3">
        <SelectField
          form="intervention"
          name="type"
          label={i18n.t('field.type')}
          value={values.type}
          options={enumOptions(INTERVENTION_TYPES, 'intervention.type', i18n)}
          error={errors.type}
          extra={now('type', (v) => i18n.label('intervention.type', v))}
          required
        />
        <TextField form="intervention" name="addressee" label={i18n.t('field.addressee')} value={values.addressee} error={errors.addressee} maxLength={500} extra={now('addressee')} />
        <TextField form="intervention" name="date" label={i18n.t('field.date')} value={values.date} error={errors.date} hint={i18n.t('hint.date')} dir="ltr" maxLength={64} extra={now('date')} />
        <SelectField
          form="intervention"
          name="status"
          label={i18n.t('field.status')}
          value={values.status}
          options={enumOptions(INTERVENTION_STATUSES, 'intervention.status', i18n)}
          error={errors.status}
          extra={now('status', (v) => i18n.label('intervention.status', v))}
        />
        <TextField
          form="intervention"
          name="follow_up_on"
          label={i18n.t('field.follow_up_on')}
          value={values.follow_up_on}
          error={errors.follow_up_on}
          hint={i18n.t('hint.follow_up_on')}
          dir="ltr"
          maxLength={10}
          extra={now('follow_up_on')}
        />
      </div>
      <TextArea form="intervention" name="note" label={i18n.t('field.note')} value={values.note} error={errors.note} extra={now('note')} rows={2} />
      <TextArea form="intervention" name="response" label={i18n.t('field.response')} value={values.response} error={errors.response} extra={now('response')} rows={2} />
    </>
  );
}

export function InterventionForm(props: { personId: string; values: InterventionFormValues; errors: FieldErrors; i18n: Translator }) {
  const { i18n } = props;
  return (
    <AddForm
      id="add-intervention"
      summary={i18n.t('intervention.add')}
      action={`/persons/${props.personId}/interventions`}
      form="intervention"
      errors={props.errors}
      labels={interventionFieldLabels(i18n)}
      submit={i18n.t('intervention.submit')}
      i18n={i18n}
    >
      <InterventionFields values={props.values} errors={props.errors} i18n={i18n} />
    </AddForm>
  );
}

export const INTERVENTION_EDIT_FORM = flatForm(INTERVENTION_FORM_FIELDS);

export function interventionFormValuesOf(item: Intervention): InterventionFormValues {
  return {
    type: item.type,
    addressee: item.addressee ?? '',
    date: item.date ?? '',
    status: item.status,
    follow_up_on: item.follow_up_on ?? '',
    note: item.note ?? '',
    response: item.response ?? '',
  };
}

export function InterventionEditView(props: { page: PageContext; intervention: Intervention; caseNumber: string; state: EditState<InterventionFormValues> }) {
  const { page, intervention, state } = props;
  const { i18n } = page;
  const home = `/persons/${intervention.person_id}#intervention-${intervention.id}`;
  return (
    <RecordEditPage
      page={page}
      title={i18n.t('intervention.edit_title')}
      crumb={<CaseCrumb href={home} caseNumber={props.caseNumber} i18n={i18n} />}
      base={`/interventions/${intervention.id}`}
      home={home}
      form="intervention"
      editForm={INTERVENTION_EDIT_FORM}
      state={state}
      labels={interventionFieldLabels(i18n)}
    >
      <InterventionFields values={state.values} errors={state.errors} i18n={i18n} conflict={state.conflict} />
    </RecordEditPage>
  );
}

export function RetractInterventionView(props: { page: PageContext; intervention: Intervention; caseNumber: string; reason: string; errors: FieldErrors }) {
  const { page, intervention: item } = props;
  const { i18n } = page;
  return RetractRecordView({
    page,
    title: i18n.t('intervention.retract_title'),
    crumb: { href: `/persons/${item.person_id}#intervention-${item.id}`, label: <CaseNumber value={props.caseNumber} /> },
    summary: (
      <>
        <EdtfDate value={item.date} i18n={i18n} />
        <strong>{i18n.label('intervention.type', item.type)}</strong>
        {item.addressee ? <RecordText text={item.addressee} /> : null}
      </>
    ),
    intro: i18n.t('retract.record_intro'),
    action: `/interventions/${item.id}/retract`,
    version: item.version,
    reason: props.reason,
    errors: props.errors,
    submit: i18n.t('retract.record_submit'),
  });
}

/** The dashboard's "Follow-ups due": appeals to chase, and drafts a week old not yet sent; each links to its place in the case. */
export function FollowUpsDue(props: { interventions: Intervention[]; more: boolean; i18n: Translator }) {
  const { i18n } = props;
  return (
    <section class="panel" id="follow-ups" aria-labelledby="follow-ups-title">
      <h2 id="follow-ups-title">
        {i18n.t('dashboard.follow_ups')}
        <span class="count">{props.interventions.length}</span>
      </h2>
      {props.interventions.length ? (
        <ul class="records follow-ups">
          {props.interventions.map((item) => (
            <li key={item.id} class="record" data-intervention={item.id}>
              <a href={`/persons/${item.person_id}#intervention-${item.id}`}>
                <strong>{i18n.label('intervention.type', item.type)}</strong>
                {item.addressee ? (
                  <>
                    {' → '}
                    <RecordText text={item.addressee} />
                  </>
                ) : null}
              </a>{' '}
              <span class="muted">
                {item.status === 'draft'
                  ? i18n.t('dashboard.draft_not_sent', { date: item.created_at.slice(0, 10) })
                  : i18n.t('dashboard.follow_up_due', { date: item.follow_up_on ?? '', status: i18n.label('intervention.status', item.status) })}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty">{i18n.t('dashboard.no_follow_ups')}</p>
      )}
      {props.more ? <p class="muted">{i18n.t('dashboard.more_follow_ups', { count: props.interventions.length })}</p> : null}
    </section>
  );
}
