import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { renderPersonPage, withPerson } from '../persons/persons.pages.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import type { ServiceContext } from '../services.ts';
import { optionalText } from '../web/forms.ts';
import { requirePageWriter } from '../web/guards.ts';
import { pageContext, seeOther, sendPage } from '../web/page.ts';
import { recordEditPages, saveErrors } from '../web/record-pages.tsx';
import { CreateInterventionBody, UpdateInterventionBody, type CreateInterventionInput } from './interventions.schemas.ts';
import { createIntervention, getInterventionForEdit, retractIntervention, updateIntervention } from './interventions.service.ts';
import {
  INTERVENTION_EDIT_FORM,
  INTERVENTION_FORM_FIELDS,
  InterventionEditView,
  RetractInterventionView,
  interventionFormValuesOf,
  type InterventionFormValues,
} from './interventions.views.tsx';

const ALL_FIELDS: ReadonlySet<string> = new Set(INTERVENTION_FORM_FIELDS);

/** The form in the API's input shape, limited to the fields named in `only` (an edit sends what changed). */
function interventionInputFrom(values: InterventionFormValues, only: ReadonlySet<string> = ALL_FIELDS): Record<string, unknown> {
  const input: Record<string, unknown> = {
    type: values.type || undefined,
    addressee: optionalText(values.addressee),
    date: optionalText(values.date),
    status: values.status || undefined,
    follow_up_on: optionalText(values.follow_up_on),
    note: optionalText(values.note),
    response: optionalText(values.response),
  };
  return Object.fromEntries(Object.entries(input).filter(([name]) => only.has(name)));
}

/** Logging an intervention (an appeal made for the person) from the person page, editing and retracting it. */
export function interventionPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string } }>('/persons/:id/interventions', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const values = INTERVENTION_EDIT_FORM.read(request.body);
      try {
        const input = validate(CreateInterventionBody, { person_id: id, ...interventionInputFrom(values) }) as CreateInterventionInput;
        await createIntervention(ctx, request.principal!, input);
        return seeOther(reply, `/persons/${id}?saved=intervention#interventions`);
      } catch (error) {
        const failed = saveErrors(error, pageContext(request, reply).i18n);
        if (!failed) throw error;
        return renderPersonPage(ctx, request, reply, id, { forms: { intervention: { values, errors: failed.errors } }, status: failed.status });
      }
    }),
  );

  const caseNumberOf = async (principal: Principal, personId: string) => (await getPersonSummary(ctx, principal, personId)).case_number;
  recordEditPages(app, {
    base: '/interventions',
    what: 'this intervention',
    // Only those who may change the case get its edit pages (403 for a member who only reads it).
    load: (id, principal) => getInterventionForEdit(ctx, principal, id),
    form: INTERVENTION_EDIT_FORM,
    valuesOf: interventionFormValuesOf,
    schema: UpdateInterventionBody,
    inputFrom: (values, changed) => interventionInputFrom(values, changed),
    update: (principal, id, input, version) => updateIntervention(ctx, principal, id, input, version),
    retract: (principal, id, reason, version) => retractIntervention(ctx, principal, id, reason, version),
    home: (item, flash) => `/persons/${item.person_id}?saved=${flash}#interventions`,
    renderEdit: async (request, reply, intervention, status, state) =>
      sendPage(
        reply,
        status,
        InterventionEditView({ page: pageContext(request, reply), intervention, caseNumber: await caseNumberOf(request.principal!, intervention.person_id), state }),
      ),
    renderRetract: async (request, reply, intervention, status, reason, errors) =>
      sendPage(
        reply,
        status,
        RetractInterventionView({ page: pageContext(request, reply), intervention, caseNumber: await caseNumberOf(request.principal!, intervention.person_id), reason, errors }),
      ),
  });
}
