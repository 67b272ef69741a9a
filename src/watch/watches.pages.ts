import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { caseAccess, requireCaseWrite, type CaseAccess } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, RetractedRecordError, UnprocessableError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import { findPersonByCaseNumber, getPersonSummary } from '../persons/persons.service.ts';
import type { Person } from '../persons/persons.types.ts';
import type { PersonSection } from '../persons/persons.views.tsx';
import { listRelationsForPerson } from '../relations/relations.service.ts';
import type { ServiceContext } from '../services.ts';
import type { FieldErrors } from '../web/components.tsx';
import { localiseMessage, optionalText } from '../web/forms.ts';
import { requirePageReader, requirePageWriter, sendErrorPage } from '../web/guards.ts';
import type { MessageKey, Translator } from '../web/i18n.ts';
import { field, pageContext, queryOf, sendPage, seeOther, withQuery } from '../web/page.ts';
import { fieldValues, lookUp, withRecord } from '../web/record-pages.tsx';
import { startDrill } from './alerts.service.ts';
import { listAlerts } from './alerts.service.ts';
import type { Alert } from './alerts.types.ts';
import { parseDuration } from './deadlines.ts';
import { pinProblem } from './pins.ts';
import { durationFromForm, splitList, timeForForm, timeFromForm } from './watch-forms.ts';
import { ContactBody, CreateWatchBody, NotifyEmail, NotifyWebhook, type ContactInput, type CreateWatchInput } from './watches.schemas.ts';
import { createWatch, getWatch, getWatchSummary, listWatchCheckins, listWatches, reportContact } from './watches.service.ts';
import { WATCH_STATES, type Watch } from './watches.types.ts';
import {
  CONTACT_FORM_FIELDS,
  PersonWatchSection,
  TIER_FIELDS,
  TIER_ROWS,
  TimelineAlerts,
  WatchCreatedView,
  WatchFormView,
  WatchListView,
  WatchView,
  emptyWatchForm,
  type ContactFormValues,
  type TierValues,
  type WatchFormValues,
} from './watches.views.tsx';

const PAGE_SIZE = 50;
/** Case numbers a form may name as proxies; the API takes 20 proxies. */
const MAX_PROXY_CASES_LENGTH = 400;

/** The services' English field messages, in the reader's language (exact texts of src/watch). */
const WATCH_MESSAGES: Record<string, MessageKey> = {
  'is not an ISO 8601 duration such as PT24H, PT90S or P1DT2H': 'watch.error.duration',
  'years and months have no fixed length: give days or weeks (P30D)': 'watch.error.duration_months',
  'must be longer than zero': 'watch.error.duration_zero',
  'may be at most 366 days': 'watch.error.duration_max',
  'needs at least 4 characters': 'watch.error.pin_short',
  'has at most 64 characters': 'watch.error.pin_long',
  'may not contain control characters': 'form.error.characters',
  'must differ from the PIN': 'watch.error.duress_same',
  'names the person herself': 'watch.error.proxy_self',
  'names no person, or a retracted one': 'relation.error.case_number',
  'must be a valid email': 'watch.error.email',
  'lies in the future': 'watch.error.future',
  'is before the watch was set up': 'watch.error.before_watch',
  'is not a time': 'watch.error.time',
  'must be a valid date-time': 'watch.error.time',
  'is neither the person nor a proxy': 'form.error.choice',
  'the two entries differ': 'watch.error.pin_repeat',
  'names no recipient': 'watch.error.no_target',
};
const BY_FIELD: Record<string, MessageKey> = { 'escalation.*.webhook': 'watch.error.webhook' };

/** English field messages (from validation, the services or the form's own checks) in the reader's language. */
export function localiseWatchErrors(fields: Record<string, string>, i18n: Translator): FieldErrors {
  const errors: FieldErrors = {};
  for (const [name, message] of Object.entries(fields)) {
    const own = WATCH_MESSAGES[message];
    errors[name] ??= own ? i18n.t(own) : localiseMessage(message, i18n, name, BY_FIELD);
  }
  return errors;
}

/** The field messages of a failed save, or null when the error is not about the input. */
function fieldsOf(error: unknown): { fields: Record<string, string>; status: number } | null {
  if (error instanceof InvalidInputError) return { fields: Object.keys(error.fields).length ? error.fields : { body: error.message }, status: 400 };
  if (error instanceof UnprocessableError) return { fields: (error.details?.fields as Record<string, string> | undefined) ?? { body: error.message }, status: 422 };
  return null;
}

// ---------------------------------------------------------------- the set-up form

export function readWatchForm(body: unknown): WatchFormValues {
  const tiers: TierValues[] = [];
  for (let i = 0; i < TIER_ROWS; i++) {
    tiers.push(Object.fromEntries(TIER_FIELDS.map((name) => [name, field(body, `escalation.${i}.${name}`)])) as TierValues);
  }
  return {
    person_id: field(body, 'person_id'),
    case_number: field(body, 'case_number'),
    interval: field(body, 'interval'),
    grace: field(body, 'grace'),
    pin: field(body, 'pin'),
    pin_repeat: field(body, 'pin_repeat'),
    duress_pin: field(body, 'duress_pin'),
    duress_pin_repeat: field(body, 'duress_pin_repeat'),
    proxies: fieldValues(body, 'proxies').filter(isId).slice(0, 50),
    proxy_cases: field(body, 'proxy_cases'),
    tiers,
  };
}

function tierUsed(tier: TierValues, index: number): boolean {
  return index === 0 || TIER_FIELDS.some((name) => tier[name].trim() !== '');
}

/** Problems by form field, in the services' English (localised when shown). */
type Problems = Record<string, string>;

/** The services' own duration rule, asked early so that every problem of the form shows at once. */
function checkDuration(problems: Problems, name: string, text: string, allowZero = false): void {
  const parsed = parseDuration(durationFromForm(text), { allowZero });
  if (!parsed.ok) problems[name] = text.trim() === '' ? 'is required' : parsed.problem;
}

/** One recipient against the schema of its own kind, so the answer names what is wrong with it, not with the other kind. */
function checkTarget(problems: Problems, schema: typeof NotifyEmail | typeof NotifyWebhook, target: Record<string, string>, fields: Record<string, string>): void {
  try {
    validate(schema, target);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    for (const [name, message] of Object.entries(error.fields)) if (fields[name]) problems[fields[name]] ??= message;
  }
}

/** The tiers filled in, in the API's shape; which form row each came from, and how many of its recipients are emails. */
function escalationFrom(tiers: TierValues[], problems: Problems): { escalation: Array<Record<string, unknown>>; rowOf: number[]; emailCounts: number[] } {
  const escalation: Array<Record<string, unknown>> = [];
  const rowOf: number[] = [];
  const emailCounts: number[] = [];
  tiers.forEach((tier, row) => {
    if (!tierUsed(tier, row)) return;
    const name = (field: string) => `escalation.${row}.${field}`;
    const emails = splitList(tier.emails);
    const webhook = tier.webhook.trim();
    const secret = tier.webhook_secret;
    checkDuration(problems, name('after'), tier.after, true);
    checkDuration(problems, name('ack_within'), tier.ack_within);
    if (!emails.length && !webhook) problems[name('emails')] = 'names no recipient';
    if (!webhook && secret) problems[name('webhook')] = 'is required';
    if (webhook && !secret) problems[name('webhook_secret')] = 'is required';
    for (const email of emails) checkTarget(problems, NotifyEmail, { email }, { email: name('emails') });
    if (webhook) checkTarget(problems, NotifyWebhook, { webhook, secret }, { webhook: name('webhook'), secret: name('webhook_secret') });
    rowOf.push(row);
    emailCounts.push(emails.length);
    escalation.push({
      after: durationFromForm(tier.after),
      ack_within: durationFromForm(tier.ack_within),
      notify: [...emails.map((email) => ({ email })), ...(webhook ? [{ webhook, secret }] : [])],
    });
  });
  return { escalation, rowOf, emailCounts };
}

/**
 * The form in the API's input shape, the problems only the form can have (a repeated PIN that
 * differs, a tier without recipients, an unknown case number), and where each API field is shown.
 */
async function watchInputFrom(
  ctx: ServiceContext,
  principal: Principal,
  values: WatchFormValues,
): Promise<{ input: Record<string, unknown>; problems: Problems; formField: (apiField: string) => string | null }> {
  const problems: Problems = {};
  let personId = isId(values.person_id) ? values.person_id : null;
  if (!personId) {
    const typed = values.case_number.trim();
    const found = typed && typed.length <= 20 ? await findPersonByCaseNumber(ctx, principal, typed) : null;
    if (found) personId = found.id;
    else problems.case_number = typed ? 'names no person, or a retracted one' : 'is required';
  }
  checkDuration(problems, 'interval', values.interval);
  checkDuration(problems, 'grace', values.grace, true);
  for (const name of ['pin', 'duress_pin'] as const) {
    const problem = pinProblem(values[name]);
    if (problem) problems[name] = values[name] === '' ? 'is required' : problem;
  }
  if (!problems.pin && !problems.duress_pin && values.pin.normalize('NFC') === values.duress_pin.normalize('NFC')) problems.duress_pin = 'must differ from the PIN';
  if (values.pin !== values.pin_repeat) problems.pin_repeat = 'the two entries differ';
  if (values.duress_pin !== values.duress_pin_repeat) problems.duress_pin_repeat = 'the two entries differ';

  const proxies = [...values.proxies];
  if (values.proxy_cases.length > MAX_PROXY_CASES_LENGTH) problems.proxy_cases = `must NOT have more than ${MAX_PROXY_CASES_LENGTH} characters`;
  else {
    for (const typed of splitList(values.proxy_cases)) {
      const found = await findPersonByCaseNumber(ctx, principal, typed);
      if (!found) problems.proxy_cases = 'names no person, or a retracted one';
      else if (!proxies.includes(found.id)) proxies.push(found.id);
    }
  }
  const { escalation, rowOf, emailCounts } = escalationFrom(values.tiers, problems);

  const formField = (apiField: string): string | null => {
    let match = /^escalation\.(\d+)(?:\.(after|ack_within|notify)(?:\.(\d+)(?:\.(\w+))?)?)?$/.exec(apiField);
    if (match) {
      const index = Number(match[1]);
      const row = rowOf[index] ?? index;
      if (match[2] === 'after' || match[2] === 'ack_within') return `escalation.${row}.${match[2]}`;
      const part = match[4];
      if (match[3] !== undefined && Number(match[3]) >= (emailCounts[index] ?? 0)) {
        // A recipient is an email or a webhook: the email branch's complaints about a webhook are noise.
        if (part === 'email') return null;
        return `escalation.${row}.${part === 'secret' ? 'webhook_secret' : 'webhook'}`;
      }
      if (part === 'webhook' || part === 'secret') return null;
      return `escalation.${row}.emails`;
    }
    if ((match = /^proxies\.(\d+)$/.exec(apiField))) return Number(match[1]) < values.proxies.length ? 'proxies' : 'proxy_cases';
    if (apiField === 'person_id' && !isId(values.person_id)) return 'case_number';
    return apiField;
  };
  const input = {
    person_id: personId ?? undefined,
    interval: durationFromForm(values.interval),
    grace: durationFromForm(values.grace),
    pin: values.pin,
    duress_pin: values.duress_pin,
    proxies,
    escalation,
  };
  return { input, problems, formField };
}

function formErrors(fields: Record<string, string>, formField: (apiField: string) => string | null, i18n: Translator): FieldErrors {
  const renamed: Record<string, string> = {};
  for (const [name, message] of Object.entries(fields)) {
    const shown = formField(name);
    if (shown !== null && message !== 'is not a known field') renamed[shown] ??= message;
  }
  return localiseWatchErrors(renamed, i18n);
}

/** Relatives of the person, offered as proxies: those the reader may read. */
async function proxyCandidates(ctx: ServiceContext, principal: Principal, person: Person): Promise<Person[]> {
  const relations = await listRelationsForPerson(ctx, principal, person.id);
  const others = relations.map((relation) => (relation.from_person_id === person.id ? relation.to_person_id : relation.from_person_id));
  const found = await lookUp(others, (id) => getPersonSummary(ctx, principal, id));
  return [...found.values()].filter((other) => !other.retracted_at && other.id !== person.id).sort((a, b) => a.case_number.localeCompare(b.case_number));
}

/** The person a new watch is for, and the right to set one up for them (403 for a reader only, 404 for a stranger). */
async function personForWatch(ctx: ServiceContext, principal: Principal, personId: string): Promise<Person> {
  const person = await getPersonSummary(ctx, principal, personId);
  await requireCaseWrite(ctx, principal, person.case_id, 'person');
  if (person.retracted_at) throw new RetractedRecordError('this person');
  return person;
}

// ---------------------------------------------------------------- one watch

function emptyContactForm(now: Date): ContactFormValues {
  return { at: timeForForm(now), channel: '', by_person_id: '', note: '' };
}

function readContactForm(body: unknown): ContactFormValues {
  return Object.fromEntries(CONTACT_FORM_FIELDS.map((name) => [name, field(body, name)])) as ContactFormValues;
}

function contactInputFrom(values: ContactFormValues): Record<string, unknown> {
  return {
    at: timeFromForm(values.at),
    channel: values.channel || undefined,
    by_person_id: values.by_person_id || null,
    note: optionalText(values.note),
  };
}

/** The people a watch page names: the person, the proxies, whoever reported contact. */
async function peopleOf(ctx: ServiceContext, principal: Principal, ids: Iterable<string>): Promise<Map<string, Person>> {
  return lookUp(ids, (id) => getPersonSummary(ctx, principal, id));
}

/** Alerts of a person not yet resolved, open ones first. */
export async function unresolvedAlerts(ctx: ServiceContext, principal: Principal, personId: string): Promise<Alert[]> {
  const [open, acknowledged] = await Promise.all([
    listAlerts(ctx, principal, { person_id: personId, state: 'open', limit: 50 }),
    listAlerts(ctx, principal, { person_id: personId, state: 'acknowledged', limit: 50 }),
  ]);
  return [...open.items, ...acknowledged.items];
}

async function renderWatchPage(
  ctx: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  extras: { status?: number; contact?: { values: ContactFormValues; errors: FieldErrors }; problem?: string } = {},
): Promise<FastifyReply> {
  const principal = request.principal!;
  const page = pageContext(request, reply);
  const watch = await getWatch(ctx, principal, id);
  const [checkins, alerts, access] = await Promise.all([listWatchCheckins(ctx, principal, id, 30), unresolvedAlerts(ctx, principal, watch.person_id), caseAccess(ctx, principal, watch.case_id)]);
  const people = await peopleOf(ctx, principal, [watch.person_id, ...watch.proxies, ...checkins.flatMap((c) => (c.by_person_id ? [c.by_person_id] : []))]);
  const now = ctx.clock.now();
  return sendPage(
    reply,
    extras.status ?? 200,
    WatchView({
      page,
      watch,
      people,
      checkins,
      alerts: alerts.filter((alert) => alert.watch_id === watch.id),
      canRecord: page.canWrite && access.write && watch.state !== 'ended' && !watch.retracted_at,
      canDrill: page.canWrite && access.write && access.coordinator && watch.state === 'active' && !watch.retracted_at,
      contact: extras.contact ?? { values: emptyContactForm(now), errors: {} },
      flash: queryOf(request).saved === 'contact' && !extras.contact ? 'contact' : null,
      problem: extras.problem ?? null,
      now,
    }),
  );
}

// ---------------------------------------------------------------- the person page's section

/** What the person page shows of early warning: a section with the watches and the alerts, and the alerts again atop the timeline. */
export async function personWatchParts(
  ctx: ServiceContext,
  principal: Principal,
  person: Person,
  access: CaseAccess,
  i18n: Translator,
): Promise<{ section: PersonSection; timeline: VNode | null }> {
  const [watches, alerts] = await Promise.all([listWatches(ctx, principal, { person_id: person.id, limit: 50 }), unresolvedAlerts(ctx, principal, person.id)]);
  const byId = new Map(watches.items.map((watch) => [watch.id, watch]));
  const missing = alerts.flatMap((alert) => (alert.watch_id && !byId.has(alert.watch_id) ? [alert.watch_id] : []));
  for (const [watchId, watch] of await lookUp(missing, (watchId) => getWatchSummary(ctx, principal, watchId))) byId.set(watchId, watch);
  const people = new Map([[person.id, person]]);
  const now = ctx.clock.now();
  return {
    section: {
      id: 'watches',
      title: i18n.t('section.watches'),
      count: watches.items.length,
      body: PersonWatchSection({ personId: person.id, watches: watches.items, alerts, people, now, canWrite: access.write && !person.retracted_at, i18n }),
    },
    timeline: TimelineAlerts({ alerts, watches: byId, i18n }),
  };
}

// ---------------------------------------------------------------- routes

function cursorParam(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,2000}$/.test(value) ? value : undefined;
}

/** The watch pages: the list, one watch with its check-ins and the contact form, and setting one up. */
export function watchPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/watches', { preHandler: requirePageReader }, async (request, reply) => {
    const principal = request.principal!;
    const query = queryOf(request);
    const stateText = typeof query.state === 'string' ? query.state : '';
    const state = (WATCH_STATES as readonly string[]).includes(stateText) ? (stateText as Watch['state']) : undefined;
    const cursor = cursorParam(query.cursor);
    let invalidFilter = Boolean(stateText && !state) || (query.cursor !== undefined && !cursor);
    let result: { items: Watch[]; next_cursor: string | null };
    try {
      result = await listWatches(ctx, principal, { state, cursor, limit: PAGE_SIZE });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      invalidFilter = true;
      result = await listWatches(ctx, principal, { state, limit: PAGE_SIZE });
    }
    const people = await peopleOf(ctx, principal, result.items.map((watch) => watch.person_id));
    return sendPage(
      reply,
      200,
      WatchListView({
        page: pageContext(request, reply),
        watches: result.items,
        people,
        now: ctx.clock.now(),
        state: state ?? stateText.slice(0, 40),
        invalidFilter,
        nextHref: result.next_cursor ? withQuery('/watches', { state, cursor: result.next_cursor }) : null,
        firstHref: cursor ? withQuery('/watches', { state }) : null,
      }),
    );
  });

  app.get('/watches/new', { preHandler: [requirePageReader, requirePageWriter] }, async (request, reply) => {
    const principal = request.principal!;
    const personId = queryOf(request).person_id;
    if (personId !== undefined && (typeof personId !== 'string' || !isId(personId))) return sendErrorPage(request, reply, 404, 'error.person_not_found');
    const person = typeof personId === 'string' ? await personForWatch(ctx, principal, personId) : null;
    const candidates = person ? await proxyCandidates(ctx, principal, person) : [];
    return sendPage(reply, 200, WatchFormView({ page: pageContext(request, reply), person, candidates, values: emptyWatchForm(person?.id ?? ''), errors: {} }));
  });

  app.post('/watches/new', { preHandler: requirePageWriter }, async (request, reply) => {
    const principal = request.principal!;
    const page = pageContext(request, reply);
    const values = readWatchForm(request.body);
    const person = isId(values.person_id) ? await personForWatch(ctx, principal, values.person_id) : null;
    const render = async (status: number, errors: FieldErrors) => {
      const candidates = person ? await proxyCandidates(ctx, principal, person) : [];
      return sendPage(reply, status, WatchFormView({ page, person, candidates, values, errors }));
    };
    const { input, problems, formField } = await watchInputFrom(ctx, principal, values);
    let errors = localiseWatchErrors(problems, page.i18n);
    let status = 400;
    try {
      const valid = validate(CreateWatchBody, input) as CreateWatchInput;
      if (Object.keys(errors).length) return render(400, errors);
      const { watch, checkinSecret } = await createWatch(ctx, principal, valid);
      const owner = person ?? (await getPersonSummary(ctx, principal, watch.person_id));
      // The link is the person's key: shown in this answer only. Vigil keeps only its hash.
      const checkinUrl = `${request.protocol}://${request.host}/c/${checkinSecret}`;
      return sendPage(reply, 200, WatchCreatedView({ page, watch, person: owner, checkinUrl }));
    } catch (error) {
      const failed = fieldsOf(error);
      if (!failed) throw error;
      errors = { ...formErrors(failed.fields, formField, page.i18n), ...errors };
      status = Object.keys(problems).length ? 400 : failed.status;
    }
    return render(status, errors);
  });

  app.get<{ Params: { id: string } }>('/watches/:id', { preHandler: requirePageReader }, async (request, reply) =>
    withRecord(request, reply, (id) => renderWatchPage(ctx, request, reply, id)),
  );

  app.post<{ Params: { id: string } }>('/watches/:id/contact', { preHandler: requirePageWriter }, async (request, reply) =>
    withRecord(request, reply, async (id) => {
      const i18n = pageContext(request, reply).i18n;
      const values = readContactForm(request.body);
      try {
        const input = validate(ContactBody, contactInputFrom(values)) as ContactInput;
        await reportContact(ctx, request.principal!, id, input);
        return seeOther(reply, `/watches/${id}?saved=contact#checkins`);
      } catch (error) {
        const failed = fieldsOf(error);
        if (!failed) throw error;
        if (failed.fields.watch) return renderWatchPage(ctx, request, reply, id, { status: 422, problem: i18n.t('contact.error.ended') });
        return renderWatchPage(ctx, request, reply, id, { status: failed.status, contact: { values, errors: localiseWatchErrors(failed.fields, i18n) } });
      }
    }),
  );

  // A drill wakes real people: the service lets coordinators only, and says so (403) to others.
  app.post<{ Params: { id: string } }>('/watches/:id/drill', { preHandler: requirePageWriter }, async (request, reply) =>
    withRecord(request, reply, async (id) => {
      const alert = await startDrill(ctx, request.principal!, id);
      return seeOther(reply, `/alerts/${alert.id}`);
    }),
  );

  app.get<{ Params: { id: string } }>('/persons/:id/watches/new', { preHandler: requirePageReader }, async (request, reply) =>
    withRecord(request, reply, async (id) => seeOther(reply, `/watches/new?person_id=${id}`)),
  );
}
