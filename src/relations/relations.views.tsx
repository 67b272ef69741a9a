import type { Person } from '../persons/persons.types.ts';
import { PersonLink } from '../persons/persons.views.tsx';
import {
  CaseNumber,
  CheckboxField,
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
import { RELATION_KINDS } from './relations.schemas.ts';
import type { Contact, Relation } from './relations.types.ts';

const CONTACT_FIELDS = ['phone', 'email', 'address', 'messenger'] as const;

function ContactDetails(props: { contact: Contact | null; i18n: Translator }) {
  const { contact, i18n } = props;
  const present = CONTACT_FIELDS.filter((name) => contact?.[name]);
  if (!contact || !present.length) return null;
  return (
    <dl class="secret-inline contact">
      {present.map((name) => (
        <div key={name}>
          <dt>{i18n.t(`field.${name}`)}</dt>
          <dd>
            <RecordText text={contact[name]} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The people around a person, read from either side: "her mother", "she is their lawyer".
 * Contact details can lead the authorities to a relative: they are shown only when the service
 * handed them over (to a member who may see secrets, the read audited).
 */
export function RelationList(props: { relations: Relation[]; personId: string; people: ReadonlyMap<string, Person>; i18n: Translator; canWrite: boolean }) {
  const { i18n } = props;
  if (!props.relations.length) return <p class="empty">{i18n.t('relations.empty')}</p>;
  return (
    <ul class="records">
      {props.relations.map((relation) => {
        const outgoing = relation.from_person_id === props.personId;
        const other = outgoing ? relation.to_person_id : relation.from_person_id;
        const label = i18n.label('relation', relation.relation);
        return (
          <li key={relation.id} class={relation.retracted_at ? 'record retracted' : 'record'} id={`relation-${relation.id}`}>
            <p class="record-head">
              <PersonLink id={other} people={props.people} i18n={i18n} />
              <span class="muted">{outgoing ? i18n.t('relation.their', { relation: label }) : i18n.t('relation.inverse', { relation: label })}</span>
              {relation.trusted_contact ? <span class="tag">{i18n.t('field.trusted_contact')}</span> : null}
            </p>
            {relation.secrets_hidden ? null : <ContactDetails contact={relation.contact} i18n={i18n} />}
            {props.canWrite && !relation.retracted_at ? <RecordLinks base={`/relations/${relation.id}`} i18n={i18n} /> : null}
          </li>
        );
      })}
    </ul>
  );
}

// ---------------------------------------------------------------- forms

export const RELATION_FORM_FIELDS = ['relation', 'case_number', 'trusted_contact', 'contact.phone', 'contact.email', 'contact.address', 'contact.messenger'] as const;
export type RelationFormValues = Record<(typeof RELATION_FORM_FIELDS)[number], string>;
export const EMPTY_RELATION_FORM: RelationFormValues = {
  relation: '',
  case_number: '',
  trusted_contact: '',
  'contact.phone': '',
  'contact.email': '',
  'contact.address': '',
  'contact.messenger': '',
};
export const RELATION_EDIT_FORM = flatForm(RELATION_FORM_FIELDS);

export function relationFormValuesOf(relation: Relation, otherCaseNumber: string): RelationFormValues {
  const contact = relation.contact ?? {};
  return {
    relation: relation.relation,
    case_number: otherCaseNumber,
    trusted_contact: relation.trusted_contact ? 'on' : '',
    'contact.phone': contact.phone ?? '',
    'contact.email': contact.email ?? '',
    'contact.address': contact.address ?? '',
    'contact.messenger': contact.messenger ?? '',
  };
}

export function relationFieldLabels(i18n: Translator, caseNumber: string): Record<string, string> {
  return {
    relation: i18n.t('relation.kind_label', { case: caseNumber }),
    case_number: i18n.t('field.other_case_number'),
    to_person_id: i18n.t('field.other_case_number'),
    trusted_contact: i18n.t('field.trusted_contact'),
    contact: i18n.t('field.contact'),
    'contact.phone': i18n.t('field.phone'),
    'contact.email': i18n.t('field.email'),
    'contact.address': i18n.t('field.address'),
    'contact.messenger': i18n.t('field.messenger'),
    version: i18n.t('field.version'),
    body: i18n.t('relation.add'),
  };
}

/** The relation's fields, shared by the add form on the person page and the edit page. */
function RelationFields(props: { caseNumber: string; values: RelationFormValues; errors: FieldErrors; i18n: Translator; conflict?: RecordConflict | null }) {
  const { values, errors, i18n } = props;
  const conflict = props.conflict ?? null;
  const labels = relationFieldLabels(i18n, props.caseNumber);
  const now = (name: string, show?: (value: string) => string) => <NowSaved conflict={conflict} name={name} i18n={i18n} show={show} />;
  const contact = (name: 'contact.phone' | 'contact.email' | 'contact.messenger', maxLength: number) => (
    <TextField form="relation" name={name} label={labels[name]!} value={values[name]} error={errors[name]} dir="ltr" maxLength={maxLength} extra={now(name)} />
  );
  return (
    <>
      <div class="grid grid-3">
        <SelectField
          form="relation"
          name="relation"
          label={labels.relation!}
          value={values.relation}
          options={enumOptions(RELATION_KINDS, 'relation', i18n)}
          error={errors.relation}
          extra={now('relation', (v) => i18n.label('relation', v))}
          required
        />
        <TextField
          form="relation"
          name="case_number"
          label={labels.case_number!}
          value={values.case_number}
          error={errors.case_number}
          hint={i18n.t('hint.case_number')}
          dir="ltr"
          maxLength={20}
          extra={now('case_number')}
          required
        />
      </div>
      <CheckboxField form="relation" name="trusted_contact" label={labels.trusted_contact!} checked={values.trusted_contact === 'on'} error={errors.trusted_contact} hint={i18n.t('hint.trusted_contact')} />
      <fieldset class="secret-box">
        <legend>{i18n.t('field.contact')}</legend>
        <p class="hint">{i18n.t('hint.secret')}</p>
        <div class="grid grid-3">
          {contact('contact.phone', 100)}
          {contact('contact.email', 320)}
          {contact('contact.messenger', 300)}
        </div>
        <TextArea form="relation" name="contact.address" label={labels['contact.address']!} value={values['contact.address']} error={errors['contact.address']} extra={now('contact.address')} rows={2} />
      </fieldset>
    </>
  );
}

export function RelationForm(props: { personId: string; caseNumber: string; values: RelationFormValues; errors: FieldErrors; i18n: Translator }) {
  const { i18n } = props;
  return (
    <AddForm
      id="add-relation"
      summary={i18n.t('relation.add')}
      action={`/persons/${props.personId}/relations`}
      form="relation"
      errors={props.errors}
      labels={relationFieldLabels(i18n, props.caseNumber)}
      submit={i18n.t('relation.submit')}
      i18n={i18n}
    >
      <RelationFields caseNumber={props.caseNumber} values={props.values} errors={props.errors} i18n={i18n} />
    </AddForm>
  );
}

export function RelationEditView(props: { page: PageContext; relation: Relation; caseNumber: string; state: EditState<RelationFormValues> }) {
  const { page, relation, state } = props;
  const { i18n } = page;
  const home = `/persons/${relation.from_person_id}#relation-${relation.id}`;
  return (
    <RecordEditPage
      page={page}
      title={i18n.t('relation.edit_title', { case: props.caseNumber })}
      crumb={<CaseCrumb href={home} caseNumber={props.caseNumber} i18n={i18n} />}
      base={`/relations/${relation.id}`}
      home={home}
      form="relation"
      editForm={RELATION_EDIT_FORM}
      state={state}
      labels={relationFieldLabels(i18n, props.caseNumber)}
    >
      <RelationFields caseNumber={props.caseNumber} values={state.values} errors={state.errors} i18n={i18n} conflict={state.conflict} />
    </RecordEditPage>
  );
}

export function RetractRelationView(props: {
  page: PageContext;
  relation: Relation;
  caseNumber: string;
  people: ReadonlyMap<string, Person>;
  reason: string;
  errors: FieldErrors;
}) {
  const { page, relation } = props;
  const { i18n } = page;
  return RetractRecordView({
    page,
    title: i18n.t('relation.retract_title'),
    crumb: { href: `/persons/${relation.from_person_id}#relation-${relation.id}`, label: <CaseNumber value={props.caseNumber} /> },
    summary: (
      <>
        <PersonLink id={relation.to_person_id} people={props.people} i18n={i18n} />
        <span class="muted">{i18n.t('relation.their', { relation: i18n.label('relation', relation.relation) })}</span>
      </>
    ),
    intro: i18n.t('retract.record_intro'),
    action: `/relations/${relation.id}/retract`,
    version: relation.version,
    reason: props.reason,
    errors: props.errors,
    submit: i18n.t('retract.record_submit'),
  });
}
