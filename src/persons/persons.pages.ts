import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Fragment, h } from 'preact';
import { getActor } from '../actors/actors.service.ts';
import { listEventsForPerson } from '../events/events.service.ts';
import { loadEventChoices } from '../events/events.choices.ts';
import { EMPTY_EVENT_FORM, EventForm, EventList, SPARE_ACT_ROWS, withSpareActs, type EventFormValues } from '../events/events.views.tsx';
import { listInterventionsForPerson } from '../interventions/interventions.service.ts';
import { EMPTY_INTERVENTION_FORM, InterventionForm, InterventionList, type InterventionFormValues } from '../interventions/interventions.views.tsx';
import { listRelationsForPerson } from '../relations/relations.service.ts';
import { EMPTY_RELATION_FORM, RelationForm, RelationList, type RelationFormValues } from '../relations/relations.views.tsx';
import { listSourcesForPerson } from '../sources/sources.service.ts';
import { EMPTY_SOURCE_FORM, SourceForm, SourceList, type SourceFormValues } from '../sources/sources.views.tsx';
import { RetractBody } from '../http/schemas.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import type { ServiceContext } from '../services.ts';
import { personEvidenceSection } from '../vault/evidence.pages.ts';
import { personWatchParts } from '../watch/watches.pages.ts';
import { personDuplicateParts } from '../search/duplicates.pages.ts';
import { STATUSES } from '../timeline/statuses.schemas.ts';
import { listStatuses } from '../timeline/statuses.service.ts';
import { EMPTY_STATUS_FORM, type StatusFormValues } from '../timeline/statuses.views.tsx';
import type { FieldErrors } from '../web/components.tsx';
import { detectScript, localiseFieldErrors, optionalText, trimSpaces } from '../web/forms.ts';
import { requirePageReader, requirePageWriter, sendErrorPage } from '../web/guards.ts';
import { lookUp, versionOf } from '../web/record-pages.tsx';
import { field, pageContext, queryOf, seeOther, sendPage, withQuery, type PageContext } from '../web/page.ts';
import { CreatePersonBody, RISKS, UpdatePersonBody, type CreatePersonInput, type NameInput, type UpdatePersonInput } from './persons.schemas.ts';
import { createPerson, getPerson, getPersonSummary, getPersonWithTimeline, listPersons, personHistory, personRevisionsSince, PublishForbiddenError, retractPerson, updatePerson } from './persons.service.ts';
import { listMyNotices, type CaseAccess } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { normaliseName, type Person } from './persons.types.ts';
import {
  EMPTY_NAME_ROW,
  PERSON_FORM_FIELDS,
  PersonFormView,
  PersonListView,
  PersonView,
  RetractPersonView,
  type EditConflict,
  type Flash,
  type NameRowValues,
  type PersonFormField,
  type PersonFormValues,
  type PersonSection,
} from './persons.views.tsx';

const PAGE_SIZE = 50;
const MAX_NAME_ROWS = 40;
const SPARE_ROWS = 2;
const FLASHES = new Set<Flash>([
  'created',
  'saved',
  'unchanged',
  'status',
  'retracted',
  'status_retracted',
  'source',
  'intervention',
  'event',
  'relation',
  'record_saved',
  'record_retracted',
]);

// ---------------------------------------------------------------- form ⇄ API input

/** Reads the posted person form as typed; rows without a name are dropped so row numbers match errors. */
export function readPersonForm(body: unknown): PersonFormValues {
  const names: NameRowValues[] = [];
  for (let i = 0; i < MAX_NAME_ROWS; i++) {
    const row = { text: field(body, `names.${i}.text`), script: field(body, `names.${i}.script`), lang: field(body, `names.${i}.lang`), kind: field(body, `names.${i}.kind`) };
    if (trimSpaces(row.text) !== '') names.push(row);
  }
  const fields = Object.fromEntries(PERSON_FORM_FIELDS.map((name) => [name, field(body, name)])) as PersonFormValues['fields'];
  return { names, fields, published: field(body, 'published') === 'on', version: field(body, 'version') };
}

function withSpareRows(values: PersonFormValues, spare = SPARE_ROWS): PersonFormValues {
  const rows = values.names.length ? values.names : [{ ...EMPTY_NAME_ROW, kind: 'primary' }];
  const room = Math.max(0, Math.min(spare, MAX_NAME_ROWS - rows.length));
  return { ...values, names: [...rows, ...Array.from({ length: room }, () => ({ ...EMPTY_NAME_ROW }))] };
}

/** The form in the API's input shape; the shared schema then judges it exactly as it judges API calls. */
export function personInputFrom(values: PersonFormValues): Record<string, unknown> {
  const f = values.fields;
  const verification = /^\d{1,2}$/.test(f.verification) ? Number(f.verification) : f.verification || null;
  const consentGiven = f['consent.publicity'] || f['consent.location'] || trimSpaces(f['consent.given_by']) || trimSpaces(f['consent.date']);
  return {
    names: values.names.map((row) => ({
      text: trimSpaces(row.text),
      ...(row.script || detectScript(row.text) ? { script: row.script || detectScript(row.text) } : {}),
      lang: optionalText(row.lang),
      ...(row.kind ? { kind: row.kind } : {}),
    })),
    sex: f.sex || null,
    birth: optionalText(f.birth),
    ethnicity: optionalText(f.ethnicity)?.toLowerCase() ?? null,
    citizenships: f.citizenships
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map((code) => code.toUpperCase()),
    hometown: optionalText(f.hometown),
    residence: optionalText(f.residence),
    occupation: optionalText(f.occupation),
    father_name: optionalText(f.father_name),
    risk: f.risk || null,
    verification,
    consent: consentGiven
      ? {
          ...(f['consent.publicity'] ? { publicity: f['consent.publicity'] } : {}),
          ...(f['consent.location'] ? { location: f['consent.location'] } : {}),
          given_by: optionalText(f['consent.given_by']),
          date: optionalText(f['consent.date']),
        }
      : null,
    published: values.published,
    national_id: optionalText(f.national_id),
    notes: optionalText(f.notes),
  };
}

export function formValuesOf(person: Person): PersonFormValues {
  return {
    names: person.names.map((name) => ({ text: name.text, script: name.script, lang: name.lang ?? '', kind: name.kind })),
    fields: {
      sex: person.sex ?? '',
      birth: person.birth ?? '',
      ethnicity: person.ethnicity ?? '',
      citizenships: person.citizenships.join(', '),
      hometown: person.hometown ?? '',
      residence: person.residence ?? '',
      occupation: person.occupation ?? '',
      father_name: person.father_name ?? '',
      risk: person.risk ?? '',
      verification: person.verification ? String(person.verification) : '',
      'consent.publicity': person.consent?.publicity ?? '',
      'consent.location': person.consent?.location ?? '',
      'consent.given_by': person.consent?.given_by ?? '',
      'consent.date': person.consent?.date ?? '',
      national_id: person.national_id ?? '',
      notes: person.notes ?? '',
    },
    published: person.published,
    version: String(person.version),
  };
}

const PERSON_ERROR_OPTIONS = {
  single: ['citizenships'],
  byField: { citizenships: 'form.error.citizenships', ethnicity: 'form.error.ethnicity', 'names.*.script': 'form.error.script' } as const,
};

/** Field messages of a failed save, or null when the error is not about the input. */
function inputErrors(error: unknown, request: FastifyRequest, reply: FastifyReply): FieldErrors | null {
  if (!(error instanceof InvalidInputError || error instanceof UnprocessableError)) return null;
  const fields = error instanceof InvalidInputError ? error.fields : ((error.details?.fields as Record<string, string> | undefined) ?? {});
  const errors = localiseFieldErrors(Object.keys(fields).length ? fields : { body: error.message }, pageContext(request, reply).i18n, PERSON_ERROR_OPTIONS);
  return errors;
}

/** A value in a form that ignores key order and empty parts, so equal values compare equal. */
function canonical(value: unknown): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, inner]) => inner !== null && inner !== undefined && inner !== '');
      return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, inner]) => [k, strip(inner)]));
    }
    return v ?? null;
  };
  return JSON.stringify(strip(value));
}

const SECRET_VALUE = Symbol('secret');

/**
 * Someone saved after `given`: a three-way merge. Fields only they changed are taken into the form;
 * fields both changed stay as typed and are shown with their saved value. Read from the case
 * history, so nothing is guessed.
 */
async function mergeConflict(ctx: ServiceContext, principal: Principal, now: Person, given: number, values: PersonFormValues): Promise<{ conflict: EditConflict; values: PersonFormValues }> {
  const base = new Map<string, unknown>();
  for (const revision of await personRevisionsSince(ctx, principal, now.id, given)) {
    for (const [name, change] of Object.entries(revision.changes)) {
      if (!base.has(name)) base.set(name, 'from' in change ? change.from : SECRET_VALUE);
    }
  }
  const typed = personInputFrom(values);
  typed.names = (typed.names as NameInput[]).map((name) => normaliseName({ ...name, script: name.script ?? '' }));
  const current = formValuesOf(now);
  const merged: string[] = [];
  const clashes: string[] = [];
  const next: PersonFormValues = { ...values, fields: { ...values.fields }, version: String(now.version) };
  for (const [name, before] of base) {
    const untouched = before !== SECRET_VALUE && canonical(typed[name]) === canonical(before);
    if (!untouched) {
      clashes.push(name);
      continue;
    }
    merged.push(name);
    if (name === 'names') next.names = current.names;
    else if (name === 'published') next.published = current.published;
    else if (name === 'consent') for (const part of ['publicity', 'location', 'given_by', 'date'] as const) next.fields[`consent.${part}`] = current.fields[`consent.${part}`];
    else if (name in next.fields) next.fields[name as PersonFormField] = current.fields[name as PersonFormField];
  }
  return { conflict: { given, current: now.version, merged, clashes, person: now }, values: next };
}

// ---------------------------------------------------------------- person page

/** Forms on the person page that can come back with what was typed and their errors. */
export interface PersonPageForms {
  status?: { values: StatusFormValues; errors: FieldErrors };
  source?: { values: SourceFormValues; errors: FieldErrors };
  intervention?: { values: InterventionFormValues; errors: FieldErrors };
  event?: { values: EventFormValues; errors: FieldErrors };
  relation?: { values: RelationFormValues; errors: FieldErrors };
}

export interface PersonPageExtras {
  forms?: PersonPageForms;
  status?: number;
}

function formState<V>(given: { values: V; errors: FieldErrors } | undefined, empty: V): { values: V; errors: FieldErrors } {
  return given ?? { values: { ...empty }, errors: {} };
}

/** The sections other features add to the person page: early warning, events, sources, evidence, relations, interventions. */
async function personSections(
  ctx: ServiceContext,
  principal: Principal,
  person: Person,
  access: CaseAccess,
  page: PageContext,
  forms: PersonPageForms,
  watch: Awaited<ReturnType<typeof personWatchParts>>,
): Promise<PersonSection[]> {
  const { i18n } = page;
  const editable = access.write && !person.retracted_at;
  const [events, sources, relations, interventions, evidence] = await Promise.all([
    listEventsForPerson(ctx, principal, person.id),
    listSourcesForPerson(ctx, principal, person.id, { withSecrets: true }),
    listRelationsForPerson(ctx, principal, person.id, { withSecrets: true }),
    listInterventionsForPerson(ctx, principal, person.id),
    personEvidenceSection(ctx, principal, person, editable, i18n),
  ]);
  const otherPeople = [
    ...relations.map((r) => (r.from_person_id === person.id ? r.to_person_id : r.from_person_id)),
    ...events.flatMap((e) => e.acts.flatMap((a) => (a.victim_id && a.victim_id !== person.id ? [a.victim_id] : []))),
  ];
  const perpetrators = events.flatMap((e) => e.acts.flatMap((a) => a.perpetrators.map((p) => p.actor_id)));
  const [people, actors] = await Promise.all([lookUp(otherPeople, (id) => getPersonSummary(ctx, principal, id)), lookUp(perpetrators, (id) => getActor(ctx, principal, id))]);
  const source = formState(forms.source, EMPTY_SOURCE_FORM);
  const intervention = formState(forms.intervention, EMPTY_INTERVENTION_FORM);
  const relation = formState(forms.relation, EMPTY_RELATION_FORM);
  const event = formState(forms.event, withSpareActs(EMPTY_EVENT_FORM, person.id, SPARE_ACT_ROWS));
  const eventForm = editable
    ? EventForm({ personId: person.id, ...event, choices: await loadEventChoices(ctx, principal, i18n, person.id), open: Boolean(forms.event), i18n })
    : null;
  const canWrite = access.write;
  return [
    watch.section,
    { id: 'events', title: i18n.t('section.events'), count: events.length, body: h(Fragment, null, EventList({ events, personId: person.id, people, actors, i18n, canWrite }), eventForm) },
    {
      id: 'sources',
      title: i18n.t('section.sources'),
      count: sources.length,
      body: h(Fragment, null, SourceList({ sources, i18n, canWrite }), editable ? SourceForm({ personId: person.id, ...source, i18n }) : null),
    },
    evidence,
    {
      id: 'relations',
      title: i18n.t('section.relations'),
      count: relations.length,
      body: h(
        Fragment,
        null,
        RelationList({ relations, personId: person.id, people, i18n, canWrite }),
        editable ? RelationForm({ personId: person.id, caseNumber: person.case_number, ...relation, i18n }) : null,
      ),
    },
    {
      id: 'interventions',
      title: i18n.t('section.interventions'),
      count: interventions.length,
      body: h(Fragment, null, InterventionList({ interventions, i18n, canWrite }), editable ? InterventionForm({ personId: person.id, ...intervention, i18n }) : null),
    },
  ];
}

/** The person page with every section; the add-status form can be re-shown with what was typed. */
export async function renderPersonPage(
  ctx: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  extras: PersonPageExtras = {},
): Promise<FastifyReply> {
  const page = pageContext(request, reply);
  const query = queryOf(request);
  const showRetracted = query.retracted === '1';
  const historyCursor = typeof query.history === 'string' && query.history.length <= 200 ? query.history : undefined;
  const principal = request.principal!;
  const { person, access } = await getPersonWithTimeline(ctx, principal, id);
  const forms = extras.forms ?? {};
  const early = personWatchParts(ctx, principal, person, access, page.i18n);
  const [timeline, history, sections, watch, duplicates] = await Promise.all([
    listStatuses(ctx, principal, id, showRetracted),
    personHistory(ctx, principal, id, { cursor: historyCursor, limit: 30 }),
    early.then((parts) => personSections(ctx, principal, person, access, page, forms, parts)),
    early,
    personDuplicateParts(ctx, principal, person, access, page.i18n, query.saved),
  ]);
  const flash = typeof query.saved === 'string' && FLASHES.has(query.saved as Flash) ? (query.saved as Flash) : null;
  const base = `/persons/${id}`;
  return sendPage(
    reply,
    extras.status ?? 200,
    PersonView({
      page,
      person,
      timeline,
      showRetracted,
      history: history.items,
      historyOlderHref: history.next_cursor ? `${withQuery(base, { history: history.next_cursor })}#history` : null,
      historyNewestHref: historyCursor ? `${base}#history` : null,
      sections: duplicates.section ? [duplicates.section, ...sections] : sections,
      mergeBanner: duplicates.banner,
      statusForm: forms.status ?? { values: { ...EMPTY_STATUS_FORM }, errors: {} },
      flash: extras.forms ? null : flash,
      access,
      timelineAlerts: watch.timeline,
    }),
  );
}

/** Unknown or malformed ids are a plain 404 page, never a stack trace or a JSON body. */
export async function withPerson(
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  run: (id: string) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  if (!isId(request.params.id)) return sendErrorPage(request, reply, 404, 'error.person_not_found');
  try {
    return await run(request.params.id);
  } catch (error) {
    if (error instanceof NotFoundError) return sendErrorPage(request, reply, 404, error.message.startsWith('person ') ? 'error.person_not_found' : 'error.not_found');
    if (error instanceof RetractedRecordError) return sendErrorPage(request, reply, 409, 'conflict.retracted');
    throw error;
  }
}

// ---------------------------------------------------------------- list paging

const TRAIL_FIRST = '~';

function cursorParam(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
}

/** Cursors only go forward; the pages already seen travel in `back` so "previous" needs no state. */
function pagingLinks(filters: Record<string, string>, cursor: string | undefined, back: string[], nextCursor: string | null) {
  const href = (params: Record<string, string | undefined>) => withQuery('/persons', { ...filters, ...params });
  const trail = [...back, cursor ?? TRAIL_FIRST].slice(-100);
  const previousCursor = back.at(-1);
  return {
    nextHref: nextCursor ? href({ cursor: nextCursor, back: trail.join('.') }) : null,
    previousHref:
      previousCursor === undefined
        ? null
        : href({ cursor: previousCursor === TRAIL_FIRST ? undefined : previousCursor, back: back.slice(0, -1).join('.') || undefined }),
    firstHref: cursor && back.length > 1 ? href({}) : null,
  };
}

// ---------------------------------------------------------------- routes

export function personPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/persons', { preHandler: requirePageReader }, async (request, reply) => {
    const page = pageContext(request, reply);
    const query = queryOf(request);
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : '');
    const status = text('status');
    const risk = text('risk');
    const ethnicity = trimSpaces(text('ethnicity')).toLowerCase();
    const limitText = text('limit');
    const valid = {
      status: (STATUSES as readonly string[]).includes(status) ? status : '',
      risk: (RISKS as readonly string[]).includes(risk) ? risk : '',
      ethnicity: /^[a-z][a-z_-]{1,39}$/.test(ethnicity) ? ethnicity : '',
      limit: /^\d{1,3}$/.test(limitText) && Number(limitText) >= 1 && Number(limitText) <= 200 ? limitText : '',
    };
    const invalidFilters = (status && !valid.status) || (risk && !valid.risk) || (ethnicity && !valid.ethnicity) || (limitText && !valid.limit);
    const cursor = cursorParam(query.cursor);
    const back = text('back')
      .split('.')
      .filter((c) => c === TRAIL_FIRST || cursorParam(c))
      .slice(-100);
    const result = await listPersons(ctx, request.principal!, {
      status: valid.status || undefined,
      risk: (valid.risk || undefined) as (typeof RISKS)[number] | undefined,
      ethnicity: valid.ethnicity || undefined,
      cursor,
      limit: valid.limit ? Number(valid.limit) : PAGE_SIZE,
    });
    const filters = { status: valid.status, risk: valid.risk, ethnicity: valid.ethnicity, limit: valid.limit };
    return sendPage(
      reply,
      200,
      PersonListView({
        page,
        notices: await listMyNotices(ctx, request.principal!),
        persons: result.items,
        filters: { status: valid.status || status, risk: valid.risk || risk, ethnicity: text('ethnicity') },
        invalidFilters: Boolean(invalidFilters),
        ...pagingLinks(filters, cursor, back, result.next_cursor),
      }),
    );
  });

  app.get('/persons/new', { preHandler: [requirePageReader, requirePageWriter] }, async (request, reply) => {
    const page = pageContext(request, reply);
    const empty = readPersonForm({});
    return sendPage(reply, 200, PersonFormView({ page, mode: 'create', person: null, values: withSpareRows(empty), errors: {}, conflict: null }));
  });

  app.post('/persons/new', { preHandler: requirePageWriter }, async (request, reply) => {
    const page = pageContext(request, reply);
    const values = readPersonForm(request.body);
    const render = (status: number, errors: FieldErrors, spare = SPARE_ROWS) =>
      sendPage(reply, status, PersonFormView({ page, mode: 'create', person: null, values: withSpareRows(values, spare), errors, conflict: null }));
    if (field(request.body, '_action') === 'more_rows') return render(200, {}, SPARE_ROWS + 3);
    try {
      const input = validate(CreatePersonBody, personInputFrom(values)) as CreatePersonInput;
      const person = await createPerson(ctx, request.principal!, input);
      return seeOther(reply, `/persons/${person.id}?saved=created`);
    } catch (error) {
      if (error instanceof PublishForbiddenError) return render(403, { published: page.i18n.t('person.publish_forbidden') });
      const errors = inputErrors(error, request, reply);
      if (!errors) throw error;
      return render(error instanceof UnprocessableError ? 422 : 400, errors);
    }
  });

  app.get<{ Params: { id: string } }>('/persons/:id', { preHandler: requirePageReader }, async (request, reply) =>
    withPerson(request, reply, (id) => renderPersonPage(ctx, request, reply, id)),
  );

  app.get<{ Params: { id: string } }>('/persons/:id/edit', { preHandler: [requirePageReader, requirePageWriter] }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const person = await getPerson(ctx, request.principal!, id);
      if (person.retracted_at) throw new RetractedRecordError('this person');
      const page = pageContext(request, reply);
      return sendPage(reply, 200, PersonFormView({ page, mode: 'edit', person, values: withSpareRows(formValuesOf(person)), errors: {}, conflict: null }));
    }),
  );

  app.post<{ Params: { id: string } }>('/persons/:id/edit', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const page = pageContext(request, reply);
      const values = readPersonForm(request.body);
      const person = await getPerson(ctx, request.principal!, id);
      const render = (status: number, errors: FieldErrors, spare = SPARE_ROWS) =>
        sendPage(reply, status, PersonFormView({ page, mode: 'edit', person, values: withSpareRows(values, spare), errors, conflict: null }));
      if (field(request.body, '_action') === 'more_rows') return render(200, {}, SPARE_ROWS + 3);
      const version = /^\d{1,9}$/.test(values.version) ? Number(values.version) : values.version;
      try {
        const input = validate(UpdatePersonBody, { ...personInputFrom(values), version }) as UpdatePersonInput;
        const updated = await updatePerson(ctx, request.principal!, id, input, input.version!);
        return seeOther(reply, `/persons/${id}?saved=${updated.version === person.version ? 'unchanged' : 'saved'}`);
      } catch (error) {
        if (error instanceof StaleVersionError && typeof version === 'number') {
          const merge = await mergeConflict(ctx, request.principal!, await getPerson(ctx, request.principal!, id), version, values);
          return sendPage(reply, 409, PersonFormView({ page, mode: 'edit', person, values: withSpareRows(merge.values), errors: {}, conflict: merge.conflict }));
        }
        if (error instanceof PublishForbiddenError) return render(403, { published: page.i18n.t('person.publish_forbidden') });
        const errors = inputErrors(error, request, reply);
        if (!errors) throw error;
        return render(error instanceof UnprocessableError ? 422 : 400, errors);
      }
    }),
  );

  app.get<{ Params: { id: string } }>('/persons/:id/retract', { preHandler: [requirePageReader, requirePageWriter] }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const person = await getPerson(ctx, request.principal!, id);
      if (person.retracted_at) throw new RetractedRecordError('this person');
      return sendPage(reply, 200, RetractPersonView({ page: pageContext(request, reply), person, reason: '', errors: {} }));
    }),
  );

  app.post<{ Params: { id: string } }>('/persons/:id/retract', { preHandler: requirePageWriter }, async (request, reply) =>
    withPerson(request, reply, async (id) => {
      const reason = field(request.body, 'reason');
      const version = versionOf(field(request.body, 'version'));
      try {
        const input = validate(RetractBody, { reason: trimSpaces(reason), ...(version === undefined ? {} : { version }) });
        await retractPerson(ctx, request.principal!, id, input.reason, input.version);
        return seeOther(reply, `/persons/${id}?saved=retracted`);
      } catch (error) {
        const stale = error instanceof StaleVersionError;
        if (!stale && !(error instanceof InvalidInputError)) throw error;
        const page = pageContext(request, reply);
        const person = await getPerson(ctx, request.principal!, id);
        const errors = stale ? { version: page.i18n.t('conflict.title') } : localiseFieldErrors((error as InvalidInputError).fields, page.i18n);
        return sendPage(reply, stale ? 409 : 400, RetractPersonView({ page, person, reason, errors }));
      }
    }),
  );
}
