import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Principal } from '../auth/roles.ts';
import { RetractBody } from '../http/schemas.ts';
import { validate } from '../http/validation.ts';
import { InvalidInputError, NotFoundError, RetractedRecordError, StaleVersionError, UnprocessableError } from '../lib/errors.ts';
import { isId } from '../lib/ids.ts';
import { CaseNumber, ErrorSummary, Notice, RecordText, TextArea, type FieldErrors } from './components.tsx';
import { localiseFieldErrors, trimSpaces } from './forms.ts';
import { requirePageReader, requirePageWriter, sendErrorPage } from './guards.ts';
import type { MessageKey, Translator } from './i18n.ts';
import { Layout, type Section } from './layout.tsx';
import { field, pageContext, seeOther, type PageContext } from './page.ts';
import { PostForm } from './post-form.tsx';

/**
 * Shared by the pages that add, edit and retract case records (events, relations, sources,
 * interventions, actors): reading forms, showing errors, PATCH-style saves with stale-version merges.
 */

export function readFields<K extends string>(body: unknown, names: readonly K[]): Record<K, string> {
  return Object.fromEntries(names.map((name) => [name, field(body, name)])) as Record<K, string>;
}

/** Every value of a repeated form field (a group of checkboxes). */
export function fieldValues(body: unknown, name: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** A posted version as the schema should judge it: a number when it is one, else the text (and an error). */
export function versionOf(text: string): number | string | undefined {
  if (text === '') return undefined;
  return /^\d{1,9}$/.test(text) ? Number(text) : text;
}

export interface ErrorOptions {
  single?: string[];
  byField?: Record<string, MessageKey>;
  /** API field names shown by a differently named form field (`to_person_id` → `case_number`). */
  rename?: Record<string, string>;
  /** Messages of this feature's own rules, by their exact English text. */
  messages?: Record<string, MessageKey>;
}

/** Field messages and status of a failed save, or null when the error is not about the input. */
export function saveErrors(error: unknown, i18n: Translator, options: ErrorOptions = {}): { errors: FieldErrors; status: number } | null {
  if (!(error instanceof InvalidInputError || error instanceof UnprocessableError)) return null;
  const given = error instanceof InvalidInputError ? error.fields : ((error.details?.fields as Record<string, string> | undefined) ?? {});
  const fields = Object.keys(given).length ? given : { body: error.message };
  const renamed = Object.fromEntries(Object.entries(fields).map(([name, message]) => [options.rename?.[name] ?? name, message]));
  const errors = localiseFieldErrors(renamed, i18n, options);
  for (const [name, message] of Object.entries(renamed)) {
    const own = options.messages?.[message];
    if (own && errors[name] !== undefined) errors[name] = i18n.t(own);
  }
  return { errors, status: error instanceof UnprocessableError ? 422 : 400 };
}

/** Unknown or malformed record ids are a plain 404 page; a retracted record cannot be changed (409). */
export async function withRecord(
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  run: (id: string) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  if (!isId(request.params.id)) return sendErrorPage(request, reply, 404, 'error.not_found');
  try {
    return await run(request.params.id);
  } catch (error) {
    if (error instanceof NotFoundError) return sendErrorPage(request, reply, 404, 'error.not_found');
    if (error instanceof RetractedRecordError) return sendErrorPage(request, reply, 409, 'conflict.retracted');
    throw error;
  }
}

/** Looks up the records a section names (relatives, victims, perpetrators), skipping any that are gone. */
export async function lookUp<T>(ids: Iterable<string>, load: (id: string) => Promise<T>): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  await Promise.all(
    [...new Set(ids)].slice(0, 500).map(async (id) => {
      try {
        found.set(id, await load(id));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }),
  );
  return found;
}

// ---------------------------------------------------------------- edit forms

/** How a feature's form values are posted, compared per API field, and merged. */
export interface EditForm<V> {
  read(body: unknown): V;
  /** The values as the form posts them, in the form's own field names. */
  entries(values: V): Array<[string, string]>;
  /** One comparable text per API field: what counts as "changed". */
  groups(values: V): Record<string, string>;
  /** `values` with one API field taken from `from`. */
  take(values: V, from: V, group: string): V;
}

/** A form whose fields are plain text, one per API field. */
export function flatForm<K extends string>(names: readonly K[]): EditForm<Record<K, string>> {
  return {
    read: (body) => readFields(body, names),
    entries: (values) => names.map((name): [string, string] => [name, values[name]]),
    groups: (values) => ({ ...values }),
    take: (values, from, group) => ({ ...values, [group]: from[group as K] }),
  };
}

/** Someone saved the record after the form was loaded. */
export interface RecordConflict {
  given: number;
  current: number;
  /** API fields only they changed: their values are now in the form. */
  merged: string[];
  /** API fields both changed: the form keeps what was typed; `saved` holds theirs. */
  clashes: string[];
  saved: Record<string, string>;
}

/** An edit form as shown: what was typed, what it was loaded with, and any problems. */
export interface EditState<V> {
  values: V;
  original: V;
  version: string;
  errors: FieldErrors;
  conflict: RecordConflict | null;
}

export function editStateOf<V>(values: V, version: number): EditState<V> {
  return { values, original: values, version: String(version), errors: {}, conflict: null };
}

/**
 * The values the form was loaded with travel in one hidden field, so a save sends only what the
 * person changed (PATCH) and a stale save can be merged without guessing.
 */
export function EditFormState<V>(props: { form: EditForm<V>; state: EditState<V> }) {
  return (
    <>
      <input type="hidden" name="version" value={props.state.version} />
      <input type="hidden" name="_orig" value={new URLSearchParams(props.form.entries(props.state.original)).toString()} />
    </>
  );
}

function readOriginal<V>(form: EditForm<V>, body: unknown): V | null {
  const text = field(body, '_orig');
  if (!text || text.length > 500_000) return null;
  const posted: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const known = posted[name];
    posted[name] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value];
  }
  return form.read(posted);
}

function changedGroups<V>(form: EditForm<V>, typed: V, original: V | null): Set<string> {
  const now = form.groups(typed);
  if (!original) return new Set(Object.keys(now));
  const before = form.groups(original);
  return new Set(Object.keys(now).filter((name) => now[name] !== before[name]));
}

/** Three-way merge: fields only they changed are taken in; fields both changed keep what was typed. */
function mergeStale<V>(form: EditForm<V>, original: V | null, typed: V, theirs: V, given: number, current: number): { values: V; conflict: RecordConflict } {
  const base = original ? form.groups(original) : null;
  const mine = form.groups(typed);
  const saved = form.groups(theirs);
  let values = typed;
  const merged: string[] = [];
  const clashes: string[] = [];
  for (const name of Object.keys(saved)) {
    if (base && base[name] === saved[name]) continue;
    if (base && mine[name] === base[name]) {
      values = form.take(values, theirs, name);
      merged.push(name);
    } else if (mine[name] !== saved[name]) clashes.push(name);
  }
  return { values, conflict: { given, current, merged, clashes, saved } };
}

export interface SaveEditOptions<V, R extends { version: number }> {
  request: FastifyRequest;
  reply: FastifyReply;
  form: EditForm<V>;
  valuesOf: (record: R) => V | Promise<V>;
  schema: TSchema;
  /** The API input for the changed API fields only. */
  inputFrom: (values: V, changed: ReadonlySet<string>) => Record<string, unknown> | Promise<Record<string, unknown>>;
  update: (input: any, version: number) => Promise<R>;
  reload: () => Promise<R>;
  /** Where to go after saving; `changed` is false when nothing was different. */
  done: (record: R, changed: boolean) => string;
  render: (status: number, state: EditState<V>) => FastifyReply | Promise<FastifyReply>;
  errorOptions?: ErrorOptions;
}

/** Saves an edit form through the feature's update service with the version the form was loaded at. */
export async function saveEdit<V, R extends { version: number }>(options: SaveEditOptions<V, R>): Promise<FastifyReply> {
  const { request, reply, form } = options;
  const values = form.read(request.body);
  const original = readOriginal(form, request.body);
  const versionText = field(request.body, 'version');
  const version = versionOf(versionText);
  const changed = changedGroups(form, values, original);
  const again = (status: number, errors: FieldErrors) =>
    options.render(status, { values, original: original ?? values, version: versionText, errors, conflict: null });
  const i18n = pageContext(request, reply).i18n;
  if (version === undefined) return again(400, { version: i18n.t('form.error.required') });
  try {
    if (changed.size === 0 && typeof version === 'number') return seeOther(reply, options.done(await options.reload(), false));
    const input = validate(options.schema, { ...(await options.inputFrom(values, changed)), version }) as { version?: number };
    const updated = await options.update(input, input.version!);
    return seeOther(reply, options.done(updated, updated.version !== input.version));
  } catch (error) {
    if (error instanceof StaleVersionError && typeof version === 'number') {
      const now = await options.reload();
      const theirs = await options.valuesOf(now);
      const merge = mergeStale(form, original, values, theirs, version, now.version);
      return options.render(409, { values: merge.values, original: theirs, version: String(now.version), errors: {}, conflict: merge.conflict });
    }
    const failed = saveErrors(error, i18n, options.errorOptions);
    if (!failed) throw error;
    return again(failed.status, failed.errors);
  }
}

/** The notice at the top of an edit form that met someone else's save. */
export function ConflictNotice(props: { conflict: RecordConflict | null; labels: Record<string, string>; i18n: Translator }) {
  const { conflict, i18n } = props;
  if (!conflict) return null;
  const names = (fields: string[]) => fields.map((name) => props.labels[name] ?? name).join(', ');
  return (
    <Notice kind="warn" title={i18n.t('conflict.title')}>
      <p>{i18n.t('conflict.body', { given: conflict.given, current: conflict.current })}</p>
      {conflict.merged.length ? <p>{i18n.t('conflict.merged', { fields: names(conflict.merged) })}</p> : null}
      {conflict.clashes.length ? <p>{i18n.t('conflict.fields', { fields: names(conflict.clashes) })}</p> : null}
      <p>{i18n.t('conflict.resubmit')}</p>
    </Notice>
  );
}

/** Under a field both people changed: the value saved by the other person. */
export function NowSaved(props: { conflict: RecordConflict | null; name: string; i18n: Translator; show?: (value: string) => string }) {
  const { conflict, name, i18n } = props;
  if (!conflict || !conflict.clashes.includes(name)) return null;
  const value = conflict.saved[name] ?? '';
  return (
    <p class="conflict-value">
      {i18n.t('conflict.now', { value: '' })}
      <RecordText text={props.show ? props.show(value) : value} />
    </p>
  );
}

// ---------------------------------------------------------------- retract

export interface RetractPageProps {
  page: PageContext;
  section?: Section;
  title: string;
  /** The link above the title, back to where the record lives. */
  crumb: { href: string; label: ComponentChildren };
  /** What is being retracted, shown above the form. */
  summary: ComponentChildren;
  intro: string;
  action: string;
  version: number;
  reason: string;
  errors: FieldErrors;
  submit: string;
}

/** Nothing is deleted: a record is retracted with a reason, kept in history. */
export function RetractRecordView(props: RetractPageProps) {
  const { i18n } = props.page;
  return (
    <Layout page={props.page} title={props.title} section={props.section ?? 'persons'}>
      <p class="crumbs">
        <a href={props.crumb.href}>{props.crumb.label}</a>
      </p>
      <h1>{props.title}</h1>
      <div class="panel narrow">
        <div class="record-head">{props.summary}</div>
        <p>{props.intro}</p>
        <ErrorSummary errors={props.errors} labels={{ reason: i18n.t('field.reason'), version: i18n.t('field.version') }} i18n={i18n} />
        <PostForm action={props.action} novalidate>
          <input type="hidden" name="version" value={String(props.version)} />
          <TextArea name="reason" label={i18n.t('field.reason')} value={props.reason} error={props.errors.reason} hint={i18n.t('retract.reason_hint')} required />
          <div class="actions">
            <button type="submit" class="btn btn-danger">
              {props.submit}
            </button>
            <a class="btn btn-quiet" href={props.crumb.href}>
              {i18n.t('common.cancel')}
            </a>
          </div>
        </PostForm>
      </div>
    </Layout>
  );
}

/** Handles a posted retract form: a reason of three characters or more, and the version it was shown at. */
export async function retractFromForm(options: {
  request: FastifyRequest;
  reply: FastifyReply;
  retract: (reason: string, version: number | undefined) => Promise<unknown>;
  done: string;
  render: (status: number, reason: string, errors: FieldErrors) => FastifyReply | Promise<FastifyReply>;
}): Promise<FastifyReply> {
  const { request, reply } = options;
  const reason = field(request.body, 'reason');
  const version = versionOf(field(request.body, 'version'));
  try {
    // A version that is there but not a number is an error, never a retraction without a check.
    const input = validate(RetractBody, { reason: trimSpaces(reason), ...(version === undefined ? {} : { version }) });
    await options.retract(input.reason, input.version);
    return seeOther(reply, options.done);
  } catch (error) {
    const i18n = pageContext(request, reply).i18n;
    if (error instanceof StaleVersionError) return options.render(409, reason, { version: i18n.t('conflict.title') });
    if (!(error instanceof InvalidInputError)) throw error;
    return options.render(400, reason, localiseFieldErrors(error.fields, i18n));
  }
}

// ---------------------------------------------------------------- small parts

/** Edit and retract links under a record the reader may change. */
export function RecordLinks(props: { base: string; i18n: Translator }) {
  return (
    <p class="record-actions">
      <a href={`${props.base}/edit`} class="link-quiet">
        {props.i18n.t('person.edit')}
      </a>
      <a href={`${props.base}/retract`} class="link-quiet">
        {props.i18n.t('person.retract')}
      </a>
    </p>
  );
}

/** The buttons under an edit form: save, cancel, and the way to retract instead. */
export function RecordFormActions(props: { save: string; cancelHref: string; retractHref?: string; i18n: Translator }) {
  return (
    <div class="actions form-actions">
      <button type="submit" class="btn btn-primary">
        {props.save}
      </button>
      <a class="btn btn-quiet" href={props.cancelHref}>
        {props.i18n.t('common.cancel')}
      </a>
      {props.retractHref ? (
        <a class="btn btn-quiet btn-danger-text push-end" href={props.retractHref}>
          {props.i18n.t('person.retract')}
        </a>
      ) : null}
    </div>
  );
}

/** The way back to a record's case: its case number, or the list of persons. */
export function CaseCrumb(props: { href: string; caseNumber: string | null; i18n: Translator }) {
  return (
    <p class="crumbs">
      <a href={props.href}>{props.caseNumber ? <CaseNumber value={props.caseNumber} /> : props.i18n.t('nav.persons')}</a>
    </p>
  );
}

// ---------------------------------------------------------------- edit and retract routes

/** What a feature tells `recordEditPages` about its records. */
export interface RecordPagesSpec<V, R extends { version: number; retracted_at: string | null }> {
  /** `/sources`: the routes are `{base}/:id/edit` and `{base}/:id/retract`. */
  base: string;
  /** For the "cannot change a retracted record" page. */
  what: string;
  load: (id: string, principal: Principal) => Promise<R>;
  form: EditForm<V>;
  valuesOf: (record: R) => V | Promise<V>;
  schema: TSchema;
  inputFrom: (values: V, changed: ReadonlySet<string>, record: R) => Record<string, unknown> | Promise<Record<string, unknown>>;
  update: (principal: Principal, id: string, input: any, version: number) => Promise<R>;
  retract: (principal: Principal, id: string, reason: string, version: number | undefined) => Promise<R>;
  /** Where to go after a save (`record_saved`, `unchanged`) or a retraction (`record_retracted`). */
  home: (record: R, flash: 'record_saved' | 'unchanged' | 'record_retracted') => string;
  /** Spare rows and the like, added to what is shown; `more` when "more rows" was pressed. */
  withSpare?: (values: V, record: R, more: boolean) => V;
  errorOptions?: ErrorOptions;
  renderEdit: (request: FastifyRequest, reply: FastifyReply, record: R, status: number, state: EditState<V>) => Promise<FastifyReply>;
  renderRetract: (request: FastifyRequest, reply: FastifyReply, record: R, status: number, reason: string, errors: FieldErrors) => Promise<FastifyReply>;
}

/** The edit and retract pages of one kind of record, all with the same guards, versions and errors. */
export function recordEditPages<V, R extends { version: number; retracted_at: string | null }>(app: FastifyInstance, spec: RecordPagesSpec<V, R>): void {
  const loadLive = async (id: string, principal: Principal) => {
    const record = await spec.load(id, principal);
    if (record.retracted_at) throw new RetractedRecordError(spec.what);
    return record;
  };
  const shown = (state: EditState<V>, record: R, more = false): EditState<V> =>
    spec.withSpare ? { ...state, values: spec.withSpare(state.values, record, more) } : state;
  type ById = FastifyRequest<{ Params: { id: string } }>;

  app.get<{ Params: { id: string } }>(`${spec.base}/:id/edit`, { preHandler: [requirePageReader, requirePageWriter] }, async (request: ById, reply) =>
    withRecord(request, reply, async (id) => {
      const record = await loadLive(id, request.principal!);
      return spec.renderEdit(request, reply, record, 200, shown(editStateOf(await spec.valuesOf(record), record.version), record));
    }),
  );

  app.post<{ Params: { id: string } }>(`${spec.base}/:id/edit`, { preHandler: requirePageWriter }, async (request: ById, reply) =>
    withRecord(request, reply, async (id) => {
      const record = await loadLive(id, request.principal!);
      if (field(request.body, '_action') === 'more_rows') {
        const values = spec.form.read(request.body);
        const state = { values, original: readOriginal(spec.form, request.body) ?? values, version: field(request.body, 'version'), errors: {}, conflict: null };
        return spec.renderEdit(request, reply, record, 200, shown(state, record, true));
      }
      return saveEdit({
        request,
        reply,
        form: spec.form,
        valuesOf: spec.valuesOf,
        schema: spec.schema,
        inputFrom: (values, changed) => spec.inputFrom(values, changed, record),
        update: (input, version) => spec.update(request.principal!, id, input, version),
        reload: () => spec.load(id, request.principal!),
        done: (saved, changed) => spec.home(saved, changed ? 'record_saved' : 'unchanged'),
        render: (status, state) => spec.renderEdit(request, reply, record, status, shown(state, record)),
        ...(spec.errorOptions ? { errorOptions: spec.errorOptions } : {}),
      });
    }),
  );

  app.get<{ Params: { id: string } }>(`${spec.base}/:id/retract`, { preHandler: [requirePageReader, requirePageWriter] }, async (request: ById, reply) =>
    withRecord(request, reply, async (id) => spec.renderRetract(request, reply, await loadLive(id, request.principal!), 200, '', {})),
  );

  app.post<{ Params: { id: string } }>(`${spec.base}/:id/retract`, { preHandler: requirePageWriter }, async (request: ById, reply) =>
    withRecord(request, reply, async (id) => {
      const record = await loadLive(id, request.principal!);
      return retractFromForm({
        request,
        reply,
        retract: (reason, version) => spec.retract(request.principal!, id, reason, version),
        done: spec.home(record, 'record_retracted'),
        render: (status, reason, errors) => spec.renderRetract(request, reply, record, status, reason, errors),
      });
    }),
  );
}

/** An add form folded away under its summary until needed; opened again when it comes back with errors. */
export function AddForm(props: {
  id: string;
  summary: string;
  action: string;
  /** The form's name in field ids (`event` → `f-event-title`). */
  form: string;
  errors: FieldErrors;
  labels: Record<string, string>;
  submit: string;
  open?: boolean;
  i18n: Translator;
  children: ComponentChildren;
}) {
  return (
    <details class="add-form" open={props.open || Object.keys(props.errors).length > 0} id={props.id}>
      <summary>{props.summary}</summary>
      <PostForm action={props.action} novalidate>
        <ErrorSummary errors={props.errors} labels={props.labels} i18n={props.i18n} form={props.form} />
        {props.children}
        <div class="actions">
          <button type="submit" class="btn btn-primary">
            {props.submit}
          </button>
        </div>
      </PostForm>
    </details>
  );
}

/** A record's edit page: where it belongs, any conflict or errors, its fields, save, cancel and retract. */
export function RecordEditPage<V>(props: {
  page: PageContext;
  section?: Section;
  title: string;
  crumb: ComponentChildren;
  /** The record's address, e.g. `/events/ID`: the form posts to `…/edit` and offers `…/retract`. */
  base: string;
  home: string;
  form: string;
  editForm: EditForm<V>;
  state: EditState<V>;
  labels: Record<string, string>;
  children: ComponentChildren;
}) {
  const { page, state } = props;
  const { i18n } = page;
  return (
    <Layout page={page} title={props.title} section={props.section ?? 'persons'}>
      {props.crumb}
      <h1>{props.title}</h1>
      <ConflictNotice conflict={state.conflict} labels={props.labels} i18n={i18n} />
      <ErrorSummary errors={state.errors} labels={props.labels} i18n={i18n} form={props.form} />
      <PostForm action={`${props.base}/edit`} class="panel form-panel" novalidate>
        <EditFormState form={props.editForm} state={state} />
        {props.children}
        <RecordFormActions save={i18n.t('person.save')} cancelHref={props.home} retractHref={`${props.base}/retract`} i18n={i18n} />
      </PostForm>
    </Layout>
  );
}
