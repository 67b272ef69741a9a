import type { FastifyInstance } from 'fastify';
import { validate } from '../http/validation.ts';
import { InvalidInputError, UnprocessableError } from '../lib/errors.ts';
import { renderPersonPage, withPerson } from '../persons/persons.pages.ts';
import type { ServiceContext } from '../services.ts';
import { localiseFieldErrors, optionalText } from '../web/forms.ts';
import { requirePageWriter } from '../web/guards.ts';
import { field, pageContext, seeOther } from '../web/page.ts';
import { CreateInterventionBody, type CreateInterventionInput } from './interventions.schemas.ts';
import { createIntervention } from './interventions.service.ts';
import { INTERVENTION_FORM_FIELDS, type InterventionFormValues } from './interventions.views.tsx';

function interventionInputFrom(personId: string, values: InterventionFormValues): Record<string, unknown> {
  return {
    person_id: personId,
    type: values.type,
    addressee: optionalText(values.addressee),
    date: optionalText(values.date),
    ...(values.status ? { status: values.status } : {}),
    note: optionalText(values.note),
    response: optionalText(values.response),
  };
}

/** Logging an intervention (an appeal made for the person) from the person page. */
export function interventionPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string } }>('/persons/:id/interventions', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const values = Object.fromEntries(INTERVENTION_FORM_FIELDS.map((name) => [name, field(request.body, name)])) as InterventionFormValues;
      try {
        const input = validate(CreateInterventionBody, interventionInputFrom(id, values)) as CreateInterventionInput;
        await createIntervention(ctx, request.principal!, input);
        return seeOther(reply, `/persons/${id}?saved=intervention#interventions`);
      } catch (error) {
        if (!(error instanceof InvalidInputError || error instanceof UnprocessableError)) throw error;
        const fields = error instanceof InvalidInputError ? error.fields : ((error.details?.fields as Record<string, string>) ?? { body: error.message });
        const errors = localiseFieldErrors(fields, pageContext(request, reply).i18n);
        const status = error instanceof UnprocessableError ? 422 : 400;
        return renderPersonPage(ctx, request, reply, id, { forms: { intervention: { values, errors } }, status });
      }
    }),
  );
}
