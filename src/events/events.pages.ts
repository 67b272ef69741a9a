import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { NotFoundError } from '../lib/errors.ts';
import { renderPersonPage, withPerson } from '../persons/persons.pages.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import type { ServiceContext } from '../services.ts';
import { optionalText, trimSpaces } from '../web/forms.ts';
import { requirePageWriter } from '../web/guards.ts';
import { field, pageContext, seeOther, sendPage } from '../web/page.ts';
import { recordEditPages, saveErrors, type ErrorOptions } from '../web/record-pages.tsx';
import { CreateEventBody, UpdateEventBody, type CreateEventInput } from './events.schemas.ts';
import { createEvent, getEvent, retractEvent, updateEvent } from './events.service.ts';
import { loadEventChoices } from './events.choices.ts';
import type { Event } from './events.types.ts';
import {
  EVENT_FORM,
  EventEditView,
  SPARE_ACT_ROWS,
  RetractEventView,
  eventFormValuesOf,
  withSpareActs,
  type ActRow,
  type EventFormValues,
} from './events.views.tsx';

const ALL_FIELDS: ReadonlySet<string> = new Set(['title', 'date', 'place', 'description', 'citations', 'acts']);
export const EVENT_ERROR_OPTIONS: ErrorOptions = { single: ['citations'] };

function parseCitations(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // the schema then names the field as not a list
  }
}

function actInputFrom(row: ActRow): Record<string, unknown> {
  const citations = parseCitations(row.citations);
  return {
    ...(row.type ? { type: row.type } : {}),
    ...(row.victim_id ? { victim_id: row.victim_id } : {}),
    perpetrators: row.perpetrators
      .filter((p) => p.actor_id)
      .map((p) => ({ actor_id: p.actor_id, ...(p.involvement ? { involvement: p.involvement } : {}) })),
    date: optionalText(row.date),
    place: optionalText(row.place),
    status_at_end: row.status_at_end || null,
    ...(citations === undefined ? {} : { citations }),
  };
}

/** The form in the API's input shape; citations already on the event keep their hand, field and note. */
function eventInputFrom(values: EventFormValues, only: ReadonlySet<string> = ALL_FIELDS, event?: Event): Record<string, unknown> {
  const known = new Map((event?.citations ?? []).map((c) => [c.source_id, { source_id: c.source_id, hand: c.hand, ...(c.field ? { field: c.field } : {}), note: c.note }]));
  const input: Record<string, unknown> = {
    title: trimSpaces(values.fields.title),
    date: optionalText(values.fields.date),
    place: optionalText(values.fields.place),
    description: optionalText(values.fields.description),
    citations: values.citations.map((id) => known.get(id) ?? { source_id: id }),
    acts: values.acts.map(actInputFrom),
  };
  return Object.fromEntries(Object.entries(input).filter(([name]) => only.has(name)));
}

/**
 * The signed-in user, which recordEditPages passes to `load` after the page guards. Should it be
 * missing, the record is not found: a record read without its reader's rights would leak.
 */
function signedIn(principal: Principal | undefined, what: string): Principal {
  if (!principal) throw new NotFoundError(what);
  return principal;
}

/** Recording an event with its acts from the person page; editing and retracting it on its own pages. */
export function eventPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.post<{ Params: { id: string } }>('/persons/:id/events', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const values = EVENT_FORM.read(request.body);
      if (field(request.body, '_action') === 'more_rows') {
        const form = { values: withSpareActs(values, id, SPARE_ACT_ROWS * 2), errors: {} };
        return renderPersonPage(ctx, request, reply, id, { forms: { event: form } });
      }
      try {
        const input = validate(CreateEventBody, { ...eventInputFrom(values), person_id: id }) as CreateEventInput;
        const event = await createEvent(ctx, request.principal!, input);
        return seeOther(reply, `/persons/${id}?saved=event#event-${event.id}`);
      } catch (error) {
        const failed = saveErrors(error, pageContext(request, reply).i18n, EVENT_ERROR_OPTIONS);
        if (!failed) throw error;
        const form = { values: withSpareActs(values, id, SPARE_ACT_ROWS), errors: failed.errors };
        return renderPersonPage(ctx, request, reply, id, { forms: { event: form }, status: failed.status });
      }
    }),
  );

  const caseNumberOf = async (principal: Principal, event: Event) => (event.person_id ? (await getPersonSummary(ctx, principal, event.person_id)).case_number : null);
  recordEditPages(app, {
    base: '/events',
    what: 'this event',
    load: (id, principal?: Principal) => getEvent(ctx, signedIn(principal, 'event'), id),
    form: EVENT_FORM,
    valuesOf: eventFormValuesOf,
    schema: UpdateEventBody,
    inputFrom: (values, changed, event) => eventInputFrom(values, changed, event),
    update: (principal, id, input, version) => updateEvent(ctx, principal, id, input, version),
    retract: (principal, id, reason, version) => retractEvent(ctx, principal, id, reason, version),
    home: (event, flash) => (event.person_id ? `/persons/${event.person_id}?saved=${flash}#events` : '/persons'),
    withSpare: (values, event, more) => withSpareActs(values, event.person_id ?? '', more ? SPARE_ACT_ROWS * 2 : 1),
    errorOptions: EVENT_ERROR_OPTIONS,
    renderEdit: async (request, reply, event, status, state) => {
      const page = pageContext(request, reply);
      const choices = await loadEventChoices(ctx, request.principal!, page.i18n, event.person_id, event);
      return sendPage(reply, status, EventEditView({ page, event, caseNumber: await caseNumberOf(request.principal!, event), choices, state }));
    },
    renderRetract: async (request, reply, event, status, reason, errors) =>
      sendPage(reply, status, RetractEventView({ page: pageContext(request, reply), event, caseNumber: await caseNumberOf(request.principal!, event), reason, errors })),
  });
}
