import type { FastifyInstance } from 'fastify';
import { validate } from '../http/validation.ts';
import { InvalidInputError } from '../lib/errors.ts';
import { renderPersonPage, withPerson } from '../persons/persons.pages.ts';
import { findPersonByCaseNumber, getPerson } from '../persons/persons.service.ts';
import type { ServiceContext } from '../services.ts';
import { optionalText } from '../web/forms.ts';
import { requirePageWriter } from '../web/guards.ts';
import { pageContext, seeOther, sendPage } from '../web/page.ts';
import { lookUp, recordEditPages, saveErrors, type ErrorOptions } from '../web/record-pages.tsx';
import { CreateRelationBody, UpdateRelationBody, type CreateRelationInput } from './relations.schemas.ts';
import { createRelation, getRelation, retractRelation, updateRelation } from './relations.service.ts';
import {
  RELATION_EDIT_FORM,
  RELATION_FORM_FIELDS,
  RelationEditView,
  RetractRelationView,
  relationFormValuesOf,
  type RelationFormValues,
} from './relations.views.tsx';

const ALL_FIELDS: ReadonlySet<string> = new Set(RELATION_FORM_FIELDS);
const UNKNOWN_CASE = 'is not the case number of a person on record';
const RELATION_ERROR_OPTIONS: ErrorOptions = {
  rename: { to_person_id: 'case_number' },
  messages: {
    [UNKNOWN_CASE]: 'relation.error.case_number',
    'names no person, or a retracted one': 'relation.error.case_number',
    'is the same person as from_person_id': 'relation.error.self',
  },
};

/** `VG-000123`, `vg-123` or `123`: the person with that case number, if one is on record and not retracted. */
/** The form in the API's input shape for the given form fields; an unknown case number is named with the other errors. */
async function relationInputFrom(ctx: ServiceContext, values: RelationFormValues, only: ReadonlySet<string>, base: Record<string, unknown>, schema: typeof CreateRelationBody | typeof UpdateRelationBody) {
  const target = only.has('case_number') && values.case_number.trim() ? await findPersonByCaseNumber(ctx, values.case_number) : null;
  const contactChanged = RELATION_FORM_FIELDS.some((name) => name.startsWith('contact.') && only.has(name));
  const contact = {
    phone: optionalText(values['contact.phone']),
    email: optionalText(values['contact.email']),
    address: optionalText(values['contact.address']),
    messenger: optionalText(values['contact.messenger']),
  };
  const input: Record<string, unknown> = {
    ...base,
    ...(only.has('relation') ? { relation: values.relation || undefined } : {}),
    ...(target ? { to_person_id: target.id } : {}),
    ...(only.has('trusted_contact') ? { trusted_contact: values.trusted_contact === 'on' } : {}),
    ...(contactChanged ? { contact: Object.values(contact).some((v) => v !== null) ? contact : null } : {}),
  };
  if (only.has('case_number') && !target) {
    let fields: Record<string, string> = {};
    try {
      validate(schema, input);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      fields = error.fields;
    }
    delete fields.to_person_id;
    throw new InvalidInputError('the other person is not on record', { ...fields, case_number: values.case_number.trim() ? UNKNOWN_CASE : 'is required' });
  }
  return input;
}

/** Recording who is around a person (relatives, lawyers, contacts) from the person page; editing and retracting. */
export function relationPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string } }>('/persons/:id/relations', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const values = RELATION_EDIT_FORM.read(request.body);
      try {
        const input = await relationInputFrom(ctx, values, ALL_FIELDS, { from_person_id: id }, CreateRelationBody);
        const relation = await createRelation(ctx, request.principal!, validate(CreateRelationBody, input) as CreateRelationInput);
        return seeOther(reply, `/persons/${id}?saved=relation#relation-${relation.id}`);
      } catch (error) {
        const failed = saveErrors(error, pageContext(request, reply).i18n, RELATION_ERROR_OPTIONS);
        if (!failed) throw error;
        return renderPersonPage(ctx, request, reply, id, { forms: { relation: { values, errors: failed.errors } }, status: failed.status });
      }
    }),
  );

  const caseNumberOf = async (personId: string) => (await getPerson(ctx, personId)).case_number;
  recordEditPages(app, {
    base: '/relations',
    what: 'this relation',
    load: (id) => getRelation(ctx, id),
    form: RELATION_EDIT_FORM,
    valuesOf: async (relation) => relationFormValuesOf(relation, await caseNumberOf(relation.to_person_id)),
    schema: UpdateRelationBody,
    inputFrom: (values, changed) => relationInputFrom(ctx, values, changed, {}, UpdateRelationBody),
    update: (principal, id, input, version) => updateRelation(ctx, principal, id, input, version),
    retract: (principal, id, reason, version) => retractRelation(ctx, principal, id, reason, version),
    home: (relation, flash) => `/persons/${relation.from_person_id}?saved=${flash}#relations`,
    errorOptions: RELATION_ERROR_OPTIONS,
    renderEdit: async (request, reply, relation, status, state) =>
      sendPage(reply, status, RelationEditView({ page: pageContext(request, reply), relation, caseNumber: await caseNumberOf(relation.from_person_id), state })),
    renderRetract: async (request, reply, relation, status, reason, errors) => {
      const people = await lookUp([relation.to_person_id], (id) => getPerson(ctx, id));
      const caseNumber = await caseNumberOf(relation.from_person_id);
      return sendPage(reply, status, RetractRelationView({ page: pageContext(request, reply), relation, caseNumber, people, reason, errors }));
    },
  });
}
