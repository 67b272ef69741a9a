import type { Actor } from '../actors/actors.types.ts';
import { revealInvisible } from '../lib/text.ts';
import type { Person } from '../persons/persons.types.ts';
import { PersonLink } from '../persons/persons.views.tsx';
import type { Source } from '../sources/sources.types.ts';
import { STATUSES } from '../timeline/statuses.schemas.ts';
import {
  CaseNumber,
  EdtfDate,
  NameText,
  RecordText,
  SelectField,
  StatusChip,
  TextArea,
  TextField,
  enumOptions,
  fieldId,
  type FieldErrors,
  type Options,
} from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { field, type PageContext } from '../web/page.ts';
import {
  AddForm,
  CaseCrumb,
  NowSaved,
  RecordEditPage,
  RecordLinks,
  RetractRecordView,
  fieldValues,
  type EditForm,
  type EditState,
  type RecordConflict,
} from '../web/record-pages.tsx';
import { ACT_TYPES, INVOLVEMENTS } from './events.schemas.ts';
import type { Act, Event } from './events.types.ts';

function ActorName(props: { id: string; actors: ReadonlyMap<string, Actor>; i18n: Translator }) {
  const actor = props.actors.get(props.id);
  if (!actor) return <span class="muted">{props.i18n.t('event.unknown_actor')}</span>;
  const name = actor.names[0];
  return (
    <span>
      {name ? <NameText text={name.text} script={name.script} lang={name.lang} i18n={props.i18n} /> : <RecordText text={actor.name} />}
      <span class="muted"> ({props.i18n.label('actor.type', actor.type)})</span>
    </span>
  );
}

function ActLine(props: { act: Act; personId: string; people: ReadonlyMap<string, Person>; actors: ReadonlyMap<string, Actor>; i18n: Translator }) {
  const { act, i18n } = props;
  return (
    <li class="act">
      <strong>{i18n.label('act', act.type)}</strong>
      {act.date ? (
        <>
          {' · '}
          <EdtfDate value={act.date} i18n={i18n} />
        </>
      ) : null}
      {act.place ? (
        <>
          {' · '}
          <RecordText text={act.place} />
        </>
      ) : null}
      {act.victim_id && act.victim_id !== props.personId ? (
        <span>
          {' · '}
          <span class="muted">{i18n.t('field.victim')}: </span>
          <PersonLink id={act.victim_id} people={props.people} i18n={i18n} />
        </span>
      ) : null}
      {act.perpetrators.length ? (
        <span>
          {' · '}
          <span class="muted">{i18n.t('field.perpetrators')}: </span>
          {act.perpetrators.map((p, index) => (
            <span key={`${p.actor_id}-${index}`}>
              {index > 0 ? ', ' : ''}
              <ActorName id={p.actor_id} actors={props.actors} i18n={i18n} />
              {p.involvement !== 'direct' ? <span class="muted"> – {i18n.label('involvement', p.involvement)}</span> : null}
            </span>
          ))}
        </span>
      ) : null}
      {act.status_at_end ? (
        <span>
          {' · '}
          <span class="muted">{i18n.t('field.status_at_end')}: </span>
          <StatusChip status={act.status_at_end} i18n={i18n} />
        </span>
      ) : null}
    </li>
  );
}

/** A case's events with their acts: who did what, to whom, when. */
export function EventList(props: {
  events: Event[];
  personId: string;
  people: ReadonlyMap<string, Person>;
  actors: ReadonlyMap<string, Actor>;
  i18n: Translator;
  canWrite: boolean;
}) {
  const { i18n } = props;
  if (!props.events.length) return <p class="empty">{i18n.t('events.empty')}</p>;
  return (
    <ul class="records">
      {props.events.map((event) => (
        <li key={event.id} class={event.retracted_at ? 'record retracted' : 'record'} id={`event-${event.id}`}>
          <p class="record-head">
            <span class="record-date">
              <EdtfDate value={event.date} i18n={i18n} />
            </span>
            <strong>
              <RecordText text={event.title} />
            </strong>
            {event.place ? (
              <span class="muted">
                <RecordText text={event.place} />
              </span>
            ) : null}
          </p>
          {event.description ? <RecordText text={event.description} block /> : null}
          {event.acts.length ? (
            <ul class="acts">
              {event.acts.map((act) => (
                <ActLine key={act.id} act={act} personId={props.personId} people={props.people} actors={props.actors} i18n={i18n} />
              ))}
            </ul>
          ) : null}
          {event.citations.length ? <p class="muted small">{i18n.t('timeline.citations', { count: event.citations.length })}</p> : null}
          {props.canWrite && !event.retracted_at ? <RecordLinks base={`/events/${event.id}`} i18n={i18n} /> : null}
        </li>
      ))}
    </ul>
  );
}

// ---------------------------------------------------------------- forms

/** Act rows read from a form; more than this is an import, not typing. */
const MAX_ACT_ROWS = 100;
const MAX_PERPETRATORS = 50;
/** Empty act rows offered with JavaScript off; "more rows" adds twice as many. */
export const SPARE_ACT_ROWS = 2;
export const EVENT_TEXT_FIELDS = ['title', 'date', 'place', 'description'] as const;

export interface PerpetratorRow {
  actor_id: string;
  involvement: string;
}

export interface ActRow {
  type: string;
  victim_id: string;
  perpetrators: PerpetratorRow[];
  date: string;
  place: string;
  status_at_end: string;
  /** The act's citations as JSON: not edited here, carried through so replacing the acts keeps them. */
  citations: string;
}

export interface EventFormValues {
  fields: Record<(typeof EVENT_TEXT_FIELDS)[number], string>;
  /** Ids of the case's sources ticked as cited. */
  citations: string[];
  acts: ActRow[];
}

export const EMPTY_EVENT_FORM: EventFormValues = { fields: { title: '', date: '', place: '', description: '' }, citations: [], acts: [] };

export const EMPTY_PERPETRATOR: PerpetratorRow = { actor_id: '', involvement: '' };

export function emptyActRow(victimId: string): ActRow {
  return { type: '', victim_id: victimId, perpetrators: [{ ...EMPTY_PERPETRATOR }], date: '', place: '', status_at_end: '', citations: '' };
}

function isBlankRow(row: ActRow): boolean {
  return !row.type && !row.date.trim() && !row.place.trim() && !row.status_at_end && row.perpetrators.every((p) => !p.actor_id);
}

function readActRow(body: unknown, i: number): ActRow {
  const at = (name: string) => field(body, `acts.${i}.${name}`);
  const perpetrators: PerpetratorRow[] = [];
  for (let j = 0; j < MAX_PERPETRATORS; j++) {
    const row = { actor_id: at(`perpetrators.${j}.actor_id`), involvement: at(`perpetrators.${j}.involvement`) };
    if (row.actor_id) perpetrators.push(row);
  }
  return {
    type: at('type'),
    victim_id: at('victim_id'),
    perpetrators: perpetrators.length ? perpetrators : [{ ...EMPTY_PERPETRATOR }],
    date: at('date'),
    place: at('place'),
    status_at_end: at('status_at_end'),
    citations: at('citations'),
  };
}

function actEntries(row: ActRow, i: number): Array<[string, string]> {
  return [
    [`acts.${i}.type`, row.type],
    [`acts.${i}.victim_id`, row.victim_id],
    ...row.perpetrators.flatMap((p, j): Array<[string, string]> => [
      [`acts.${i}.perpetrators.${j}.actor_id`, p.actor_id],
      [`acts.${i}.perpetrators.${j}.involvement`, p.involvement],
    ]),
    [`acts.${i}.date`, row.date],
    [`acts.${i}.place`, row.place],
    [`acts.${i}.status_at_end`, row.status_at_end],
    [`acts.${i}.citations`, row.citations],
  ];
}

/** Posted rows with nothing in them are dropped, so row numbers match the API's error fields. */
export const EVENT_FORM: EditForm<EventFormValues> = {
  read(body) {
    const acts: ActRow[] = [];
    for (let i = 0; i < MAX_ACT_ROWS; i++) {
      const row = readActRow(body, i);
      if (!isBlankRow(row)) acts.push(row);
    }
    const fields = Object.fromEntries(EVENT_TEXT_FIELDS.map((name) => [name, field(body, name)])) as EventFormValues['fields'];
    return { fields, citations: [...new Set(fieldValues(body, 'citations'))], acts };
  },
  entries: (values) => [
    ...EVENT_TEXT_FIELDS.map((name): [string, string] => [name, values.fields[name]]),
    ...values.citations.map((id): [string, string] => ['citations', id]),
    ...values.acts.filter((row) => !isBlankRow(row)).flatMap(actEntries),
  ],
  groups: (values) => ({
    ...values.fields,
    citations: [...values.citations].sort().join(' '),
    acts: JSON.stringify(values.acts.filter((row) => !isBlankRow(row)).map((row) => ({ ...row, perpetrators: row.perpetrators.filter((p) => p.actor_id) }))),
  }),
  take: (values, from, group) => {
    if (group === 'citations') return { ...values, citations: from.citations };
    if (group === 'acts') return { ...values, acts: from.acts };
    return { ...values, fields: { ...values.fields, [group]: from.fields[group as keyof EventFormValues['fields']] } };
  },
};

export function eventFormValuesOf(event: Event): EventFormValues {
  return {
    fields: { title: event.title, date: event.date ?? '', place: event.place ?? '', description: event.description ?? '' },
    citations: event.citations.map((c) => c.source_id),
    acts: event.acts.map((act) => ({
      type: act.type,
      victim_id: act.victim_id ?? '',
      perpetrators: act.perpetrators.length ? act.perpetrators.map((p) => ({ actor_id: p.actor_id, involvement: p.involvement })) : [{ ...EMPTY_PERPETRATOR }],
      date: act.date ?? '',
      place: act.place ?? '',
      status_at_end: act.status_at_end ?? '',
      citations: act.citations.length
        ? JSON.stringify(act.citations.map((c) => ({ source_id: c.source_id, hand: c.hand, ...(c.field ? { field: c.field } : {}), note: c.note })))
        : '',
    })),
  };
}

/** The form with `spare` empty act rows after the filled ones, each naming this case's person as victim. */
export function withSpareActs(values: EventFormValues, victimId: string, spare: number): EventFormValues {
  const room = Math.max(0, Math.min(spare, MAX_ACT_ROWS - values.acts.length));
  return { ...values, acts: [...values.acts, ...Array.from({ length: room }, () => emptyActRow(victimId))] };
}

export function eventFieldLabels(i18n: Translator, rows: number): Record<string, string> {
  const labels: Record<string, string> = {
    title: i18n.t('field.title'),
    date: i18n.t('field.date'),
    place: i18n.t('field.place'),
    description: i18n.t('field.description'),
    citations: i18n.t('field.citations'),
    acts: i18n.t('field.acts'),
    person_id: i18n.t('field.person_id'),
    version: i18n.t('field.version'),
    body: i18n.t('event.add'),
  };
  for (let i = 0; i < rows; i++) {
    const row = i18n.t('event.act_row', { n: i + 1 });
    labels[`acts.${i}.type`] = `${row}: ${i18n.t('field.act_type')}`;
    labels[`acts.${i}.victim_id`] = `${row}: ${i18n.t('field.victim')}`;
    labels[`acts.${i}.date`] = `${row}: ${i18n.t('field.date')}`;
    labels[`acts.${i}.place`] = `${row}: ${i18n.t('field.place')}`;
    labels[`acts.${i}.status_at_end`] = `${row}: ${i18n.t('field.status_at_end')}`;
    labels[`acts.${i}.citations`] = `${row}: ${i18n.t('field.citations')}`;
    for (let j = 0; j < 3; j++) {
      labels[`acts.${i}.perpetrators.${j}.actor_id`] = `${row}: ${i18n.t('field.perpetrator')}`;
      labels[`acts.${i}.perpetrators.${j}.involvement`] = `${row}: ${i18n.t('field.involvement')}`;
    }
  }
  return labels;
}

/** What the event form offers to choose from. */
export interface EventChoices {
  /** The case's sources, to cite. */
  sources: Source[];
  /** The case's person first, then the people related to them. */
  victims: Options;
  actors: Options;
}

function primaryText(person: Person): string {
  const name = person.names.find((n) => n.kind === 'primary') ?? person.names[0];
  return `${person.case_number} · ${revealInvisible(name?.text ?? '')}`;
}

/** Victims a case worker can pick: this person, then their relatives and contacts on record. */
export function victimOptions(person: Person, others: Iterable<Person>, i18n: Translator): Options {
  const seen = new Set([person.id]);
  const options: Options = [[person.id, `${primaryText(person)} (${i18n.t('event.this_person')})`]];
  for (const other of others) {
    if (seen.has(other.id) || other.retracted_at) continue;
    seen.add(other.id);
    options.push([other.id, primaryText(other)]);
  }
  return options;
}

function CitationChoices(props: { sources: Source[]; chosen: string[]; error?: string | undefined; i18n: Translator }) {
  const { i18n } = props;
  const id = fieldId('citations', 'event');
  return (
    <fieldset class={['field', 'check-list', props.error ? 'has-error' : ''].filter(Boolean).join(' ')} id={id}>
      <legend>{i18n.t('field.citations')}</legend>
      {props.sources.length === 0 ? <p class="hint">{i18n.t('event.no_sources')}</p> : null}
      {props.sources.map((source) => (
        <div class="field-check" key={source.id}>
          <input type="checkbox" id={`${id}-${source.id}`} name="citations" value={source.id} checked={props.chosen.includes(source.id)} />
          <label for={`${id}-${source.id}`}>
            <span class="tag tag-muted">{i18n.label('source.kind', source.kind)}</span> <RecordText text={source.title} />
          </label>
        </div>
      ))}
      {props.error ? <p class="field-error">{props.error}</p> : null}
    </fieldset>
  );
}

function ActRows(props: { rows: ActRow[]; errors: FieldErrors; choices: EventChoices; i18n: Translator }) {
  const { i18n, errors, choices } = props;
  const actTypes = enumOptions(ACT_TYPES, 'act', i18n);
  const involvements = enumOptions(INVOLVEMENTS, 'involvement', i18n);
  const statuses = enumOptions(STATUSES, 'status', i18n);
  return (
    <div class="act-rows">
      {props.rows.map((row, i) => (
        <fieldset class="act-row" key={i}>
          <legend>{i18n.t('event.act_row', { n: i + 1 })}</legend>
          {row.citations ? <input type="hidden" name={`acts.${i}.citations`} value={row.citations} /> : null}
          <div class="grid grid-3">
            <SelectField form="event" name={`acts.${i}.type`} label={i18n.t('field.act_type')} value={row.type} options={actTypes} error={errors[`acts.${i}.type`]} />
            <SelectField form="event" name={`acts.${i}.victim_id`} label={i18n.t('field.victim')} value={row.victim_id} options={choices.victims} error={errors[`acts.${i}.victim_id`]} />
            {row.perpetrators.map((p, j) => (
              <div class="perpetrator" key={j}>
                <SelectField
                  form="event"
                  name={`acts.${i}.perpetrators.${j}.actor_id`}
                  label={i18n.t('field.perpetrator')}
                  value={p.actor_id}
                  options={choices.actors}
                  error={errors[`acts.${i}.perpetrators.${j}.actor_id`]}
                />
                <SelectField
                  form="event"
                  name={`acts.${i}.perpetrators.${j}.involvement`}
                  label={i18n.t('field.involvement')}
                  value={p.involvement}
                  options={involvements}
                  error={errors[`acts.${i}.perpetrators.${j}.involvement`]}
                />
              </div>
            ))}
            <TextField form="event" name={`acts.${i}.date`} label={i18n.t('field.date')} value={row.date} error={errors[`acts.${i}.date`]} dir="ltr" maxLength={64} />
            <TextField form="event" name={`acts.${i}.place`} label={i18n.t('field.place')} value={row.place} error={errors[`acts.${i}.place`]} maxLength={300} />
            <SelectField
              form="event"
              name={`acts.${i}.status_at_end`}
              label={i18n.t('field.status_at_end')}
              value={row.status_at_end}
              options={statuses}
              error={errors[`acts.${i}.status_at_end`]}
            />
          </div>
          {errors[`acts.${i}.citations`] ? <p class="field-error">{errors[`acts.${i}.citations`]}</p> : null}
        </fieldset>
      ))}
    </div>
  );
}

/** The event's fields and act rows, shared by the add form on the person page and the edit page. */
function EventFields(props: { values: EventFormValues; errors: FieldErrors; choices: EventChoices; i18n: Translator; conflict?: RecordConflict | null }) {
  const { values, errors, i18n } = props;
  const f = values.fields;
  const conflict = props.conflict ?? null;
  const now = (name: string) => <NowSaved conflict={conflict} name={name} i18n={i18n} />;
  return (
    <>
      {/* Enter in a text field presses the first submit button: make that "save", not "more rows". */}
      <button type="submit" class="visually-hidden" tabindex={-1} aria-hidden="true">
        {i18n.t('event.submit')}
      </button>
      <div class="grid grid-3">
        <TextField form="event" name="title" label={i18n.t('field.title')} value={f.title} error={errors.title} maxLength={500} extra={now('title')} required />
        <TextField form="event" name="date" label={i18n.t('field.date')} value={f.date} error={errors.date} hint={i18n.t('hint.date')} dir="ltr" maxLength={64} extra={now('date')} />
        <TextField form="event" name="place" label={i18n.t('field.place')} value={f.place} error={errors.place} maxLength={300} extra={now('place')} />
      </div>
      <TextArea form="event" name="description" label={i18n.t('field.description')} value={f.description} error={errors.description} extra={now('description')} rows={3} />
      <CitationChoices sources={props.choices.sources} chosen={values.citations} error={errors.citations} i18n={i18n} />
      <h4 class="act-rows-title">{i18n.t('field.acts')}</h4>
      <p class="hint">
        {i18n.t('event.acts_hint')} <a href="/actors">{i18n.t('event.actors_link')}</a>
      </p>
      {errors.acts ? <p class="field-error">{errors.acts}</p> : null}
      {conflict?.clashes.includes('acts') ? <p class="conflict-value">{i18n.t('event.acts_conflict')}</p> : null}
      <ActRows rows={values.acts} errors={errors} choices={props.choices} i18n={i18n} />
      <p class="row-actions">
        <button type="submit" name="_action" value="more_rows" class="btn btn-quiet btn-small">
          {i18n.t('event.more_rows')}
        </button>
      </p>
    </>
  );
}

/** Recording an event on the person page. */
export function EventForm(props: { personId: string; values: EventFormValues; errors: FieldErrors; choices: EventChoices; open: boolean; i18n: Translator }) {
  const { i18n } = props;
  return (
    <AddForm
      id="add-event"
      summary={i18n.t('event.add')}
      action={`/persons/${props.personId}/events`}
      form="event"
      errors={props.errors}
      labels={eventFieldLabels(i18n, props.values.acts.length)}
      submit={i18n.t('event.submit')}
      open={props.open}
      i18n={i18n}
    >
      <EventFields values={props.values} errors={props.errors} choices={props.choices} i18n={i18n} />
    </AddForm>
  );
}

export function eventHome(event: Event, caseId: string | null): string {
  return caseId ? `/persons/${caseId}#event-${event.id}` : '/persons';
}

export function EventEditView(props: { page: PageContext; event: Event; caseNumber: string | null; choices: EventChoices; state: EditState<EventFormValues> }) {
  const { page, event, state } = props;
  const { i18n } = page;
  const home = eventHome(event, event.person_id);
  return (
    <RecordEditPage
      page={page}
      title={i18n.t('event.edit_title')}
      crumb={<CaseCrumb href={home} caseNumber={props.caseNumber} i18n={i18n} />}
      base={`/events/${event.id}`}
      home={home}
      form="event"
      editForm={EVENT_FORM}
      state={state}
      labels={eventFieldLabels(i18n, state.values.acts.length)}
    >
      <EventFields values={state.values} errors={state.errors} choices={props.choices} i18n={i18n} conflict={state.conflict} />
    </RecordEditPage>
  );
}

export function RetractEventView(props: { page: PageContext; event: Event; caseNumber: string | null; reason: string; errors: FieldErrors }) {
  const { page, event } = props;
  const { i18n } = page;
  return RetractRecordView({
    page,
    title: i18n.t('event.retract_title'),
    crumb: { href: eventHome(event, event.person_id), label: props.caseNumber ? <CaseNumber value={props.caseNumber} /> : i18n.t('nav.persons') },
    summary: (
      <>
        <EdtfDate value={event.date} i18n={i18n} />
        <strong>
          <RecordText text={event.title} />
        </strong>
      </>
    ),
    intro: i18n.t('retract.record_intro'),
    action: `/events/${event.id}/retract`,
    version: event.version,
    reason: props.reason,
    errors: props.errors,
    submit: i18n.t('retract.record_submit'),
  });
}
