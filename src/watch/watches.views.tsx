import { Fragment, type ComponentChildren } from 'preact';
import { revealInvisible } from '../lib/text.ts';
import type { Person } from '../persons/persons.types.ts';
import { PersonLink } from '../persons/persons.views.tsx';
import { CaseNumber, ErrorSummary, NameText, Notice, RecordText, SelectField, TextArea, TextField, Timestamp, enumOptions, fieldId, type FieldErrors } from '../web/components.tsx';
import type { MessageKey, Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import type { Alert } from './alerts.types.ts';
import { isOverdue } from './deadlines.ts';
import { CONTACT_CHANNELS } from './watches.schemas.ts';
import { WATCH_STATES, type Checkin, type EscalationTier, type Watch } from './watches.types.ts';

// ---------------------------------------------------------------- small parts shared by the early-warning pages

const SPAN_UNITS: Array<[MessageKey, number]> = [
  ['span.days', 86_400],
  ['span.hours', 3600],
  ['span.minutes', 60],
  ['span.seconds', 1],
];

/** A length of time as people say it: its largest unit and the next one (`1 d 2 h`, `5 min 30 s`). */
export function spanText(ms: number, i18n: Translator): string {
  let rest = Math.round(Math.abs(ms) / 1000);
  const counts = SPAN_UNITS.map(([, size]) => {
    const count = Math.floor(rest / size);
    rest -= count * size;
    return count;
  });
  const first = counts.findIndex((count) => count > 0);
  if (first === -1) return i18n.t('span.seconds', { n: 0 });
  const shown = [first, ...(counts[first + 1] ? [first + 1] : [])];
  return shown.map((index) => i18n.t(SPAN_UNITS[index]![0], { n: counts[index]! })).join(' ');
}

/** A translated sentence with elements in its `{placeholders}` (a time, a link), wherever the language puts them. */
export function Message(props: { text: string; parts: Record<string, ComponentChildren> }) {
  const pieces = props.text.split(/\{(\w+)\}/);
  return (
    <>
      {pieces.map((piece, index) => (index % 2 === 1 ? <Fragment key={index}>{props.parts[piece] ?? `{${piece}}`}</Fragment> : piece))}
    </>
  );
}

const KIND_TONES: Record<string, string> = { missed: 'bad', duress: 'grave', sos: 'grave', manual: 'warn', drill: 'info' };
const STATE_TONES: Record<string, string> = { open: 'bad', acknowledged: 'warn', resolved: 'muted', active: 'ok', paused: 'muted', ended: 'dark' };

/** What raised the alert; a drill says so before anything else, in capitals, wherever it is shown. */
export function AlertKindChip(props: { kind: string; i18n: Translator }) {
  const { kind, i18n } = props;
  return (
    <>
      {kind === 'drill' ? <strong class="chip drill-mark">{i18n.t('alert.drill_mark')}</strong> : null}
      {kind === 'drill' ? ' ' : null}
      <span class={`chip tone-${KIND_TONES[kind] ?? 'muted'}`}>{i18n.label('alert_kind', kind)}</span>
    </>
  );
}

export function StateChip(props: { state: string; i18n: Translator }) {
  return <span class={`chip tone-${STATE_TONES[props.state] ?? 'muted'}`}>{props.i18n.label('record_state', props.state)}</span>;
}

/** "No contact since …": the last contact of the watch, or its start when there was none. */
export function NoContactSince(props: { watch: Pick<Watch, 'last_contact_at' | 'created_at'>; i18n: Translator }) {
  const { watch, i18n } = props;
  return watch.last_contact_at ? (
    <Message text={i18n.t('watch.no_contact_since')} parts={{ time: <Timestamp iso={watch.last_contact_at} /> }} />
  ) : (
    <Message text={i18n.t('watch.no_contact_since_start')} parts={{ time: <Timestamp iso={watch.created_at} /> }} />
  );
}

export function overdue(watch: Watch, now: Date): boolean {
  return watch.state === 'active' && isOverdue(new Date(watch.next_deadline), now);
}

/** Overdue by how long, or due in how long; a paused or ended watch has no deadline that counts. */
export function DeadlineStatus(props: { watch: Watch; now: Date; i18n: Translator }) {
  const { watch, now, i18n } = props;
  if (watch.state !== 'active') return <StateChip state={watch.state} i18n={i18n} />;
  const left = new Date(watch.next_deadline).getTime() - now.getTime();
  if (overdue(watch, now)) return <span class="chip tone-bad">{i18n.t('watch.overdue_by', { span: spanText(left, i18n) })}</span>;
  return <span class="muted">{i18n.t('watch.due_in', { span: spanText(left, i18n) })}</span>;
}

/** Fixed check-in times, in the person's zone (no word to translate: the times and the zone say it). */
function FixedTimes(props: { watch: Watch }) {
  return (
    <span dir="ltr">
      {(props.watch.times ?? []).join(', ')} ({props.watch.time_zone})
    </span>
  );
}

export function Schedule(props: { watch: Watch; i18n: Translator }) {
  const { watch, i18n } = props;
  return (
    <span>
      {watch.interval_seconds === null ? <FixedTimes watch={watch} /> : i18n.t('watch.every', { span: spanText(watch.interval_seconds * 1000, i18n) })}
      {' · '}
      {i18n.t('watch.grace', { span: spanText(watch.grace_seconds * 1000, i18n) })}
    </span>
  );
}

/** Watches as rows: who, how often, last contact, next deadline; the overdue ones marked. */
export function WatchTable(props: { watches: Watch[]; people: ReadonlyMap<string, Person>; now: Date; i18n: Translator; withPerson?: boolean; id?: string }) {
  const { i18n, now } = props;
  const withPerson = props.withPerson ?? true;
  return (
    <div class="table-wrap">
      <table class="list watch-list" id={props.id}>
        <thead>
          <tr>
            {withPerson ? <th scope="col">{i18n.t('col.person')}</th> : null}
            <th scope="col">{i18n.t('watch.schedule')}</th>
            <th scope="col">{i18n.t('watch.last_contact')}</th>
            <th scope="col">{i18n.t('watch.next_deadline')}</th>
            <th scope="col">{i18n.t('field.state')}</th>
          </tr>
        </thead>
        <tbody>
          {props.watches.map((watch) => (
            <tr key={watch.id} class={overdue(watch, now) ? 'overdue' : undefined} data-watch={watch.id}>
              {withPerson ? (
                <td>
                  <PersonLink id={watch.person_id} people={props.people} i18n={i18n} />
                </td>
              ) : null}
              <td>
                <a href={`/watches/${watch.id}`}>
                  <Schedule watch={watch} i18n={i18n} />
                </a>
              </td>
              <td>
                {overdue(watch, now) ? (
                  <NoContactSince watch={watch} i18n={i18n} />
                ) : watch.last_contact_at ? (
                  <Timestamp iso={watch.last_contact_at} />
                ) : (
                  <span class="muted">{i18n.t('watch.no_contact_yet')}</span>
                )}
              </td>
              <td>
                <Timestamp iso={watch.next_deadline} /> <DeadlineStatus watch={watch} now={now} i18n={i18n} />
              </td>
              <td>
                <StateChip state={watch.state} i18n={i18n} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Alerts as rows: the open ones come first from the service. */
export function AlertTable(props: { alerts: Alert[]; people: ReadonlyMap<string, Person>; watches: ReadonlyMap<string, Watch>; i18n: Translator; id?: string; withPerson?: boolean }) {
  const { i18n } = props;
  const withPerson = props.withPerson ?? true;
  return (
    <div class="table-wrap">
      <table class="list alert-list" id={props.id}>
        <thead>
          <tr>
            <th scope="col">{i18n.t('alert.kind')}</th>
            {withPerson ? <th scope="col">{i18n.t('col.person')}</th> : null}
            <th scope="col">{i18n.t('alert.opened')}</th>
            <th scope="col">{i18n.t('watch.last_contact')}</th>
            <th scope="col">{i18n.t('alert.tier')}</th>
            <th scope="col">{i18n.t('field.state')}</th>
            <th scope="col">
              <span class="visually-hidden">{i18n.t('alert.open_link')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.alerts.map((alert) => {
            const watch = alert.watch_id ? props.watches.get(alert.watch_id) : undefined;
            return (
              <tr key={alert.id} class={[`alert-${alert.state}`, alert.kind === 'drill' ? 'drill' : ''].filter(Boolean).join(' ')} data-alert={alert.id}>
                <td>
                  <AlertKindChip kind={alert.kind} i18n={i18n} />
                </td>
                {withPerson ? (
                  <td>
                    <PersonLink id={alert.person_id} people={props.people} i18n={i18n} />
                  </td>
                ) : null}
                <td>
                  <Timestamp iso={alert.opened_at} />
                </td>
                <td>{watch ? <NoContactSince watch={watch} i18n={i18n} /> : <span class="none">—</span>}</td>
                <td class="nowrap">{i18n.t('alert.tier_n', { n: alert.tier })}</td>
                <td>
                  <StateChip state={alert.state} i18n={i18n} />
                  {alert.outcome ? <span class="muted"> · {i18n.label('alert_outcome', alert.outcome)}</span> : null}
                </td>
                <td>
                  <a href={`/alerts/${alert.id}`} class="btn btn-small">
                    {i18n.t('alert.open_link')}
                  </a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// ---------------------------------------------------------------- the list

/** A list page's filter by state (a plain GET form, so it works without script), and the warning for a bad one. */
export function StateFilter(props: { action: string; states: readonly string[]; state: string; invalid: boolean; i18n: Translator }) {
  const { i18n } = props;
  return (
    <>
      <form method="get" action={props.action} class="filters" role="search">
        <fieldset>
          <legend class="visually-hidden">{i18n.t('filter.legend')}</legend>
          <SelectField name="state" label={i18n.t('field.state')} value={props.state} options={enumOptions(props.states, 'record_state', i18n)} blank={i18n.t('filter.any')} />
          <div class="filter-actions">
            <button type="submit" class="btn">
              {i18n.t('filter.apply')}
            </button>
            {props.state ? (
              <a href={props.action} class="link-quiet">
                {i18n.t('filter.clear')}
              </a>
            ) : null}
          </div>
        </fieldset>
      </form>
      {props.invalid ? <Notice kind="warn">{i18n.t('filter.invalid')}</Notice> : null}
    </>
  );
}

/** Back to the first page, and on to the next. */
export function Pager(props: { firstHref: string | null; nextHref: string | null; i18n: Translator }) {
  const { i18n } = props;
  return (
    <nav class="pager" aria-label={i18n.t('paging.label')}>
      {props.firstHref ? <a href={props.firstHref}>{i18n.t('paging.first')}</a> : null}
      {props.nextHref ? (
        <a href={props.nextHref} rel="next" class="btn btn-small">
          {i18n.t('paging.next')}
        </a>
      ) : null}
    </nav>
  );
}

export function WatchListView(props: {
  page: PageContext;
  watches: Watch[];
  people: ReadonlyMap<string, Person>;
  now: Date;
  state: string;
  invalidFilter: boolean;
  nextHref: string | null;
  firstHref: string | null;
}) {
  const { i18n } = props.page;
  return (
    <Layout page={props.page} title={i18n.t('watches.title')} section="watches">
      <div class="page-head">
        <h1>{i18n.t('watches.title')}</h1>
      </div>
      <p class="lead">{i18n.t('watches.intro')}</p>
      <StateFilter action="/watches" states={WATCH_STATES} state={props.state} invalid={props.invalidFilter} i18n={i18n} />
      {props.watches.length === 0 ? (
        <p class="empty">{i18n.t('watches.empty')}</p>
      ) : (
        <WatchTable watches={props.watches} people={props.people} now={props.now} i18n={i18n} id="watches" />
      )}
      <p class="hint">{i18n.t('watches.new_hint')}</p>
      <Pager firstHref={props.firstHref} nextHref={props.nextHref} i18n={i18n} />
    </Layout>
  );
}

// ---------------------------------------------------------------- one watch

export const CONTACT_FORM_FIELDS = ['at', 'channel', 'by_person_id', 'note'] as const;
export type ContactFormValues = Record<(typeof CONTACT_FORM_FIELDS)[number], string>;

function contactLabels(i18n: Translator): Record<string, string> {
  return { at: i18n.t('contact.at'), channel: i18n.t('contact.channel'), by_person_id: i18n.t('contact.by'), note: i18n.t('field.note'), body: i18n.t('contact.title') };
}

function Fact(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function EscalationPlan(props: { tiers: EscalationTier[]; i18n: Translator }) {
  const { i18n } = props;
  return (
    <ol class="tiers">
      {props.tiers.map((tier, index) => (
        <li key={index}>
          <p>
            <strong>{i18n.t('alert.tier_n', { n: index + 1 })}</strong>
            {' · '}
            {index === 0 && tier.after_seconds === 0
              ? i18n.t('tier.at_open')
              : i18n.t(index === 0 ? 'tier.after_first' : 'tier.after_next', { span: spanText(tier.after_seconds * 1000, i18n) })}
            {' · '}
            {i18n.t('tier.ack_within', { span: spanText(tier.ack_within_seconds * 1000, i18n) })}
          </p>
          <ul class="targets">
            {tier.notify.map((target, n) => (
              <li key={n} dir="ltr">
                {'email' in target ? (
                  <span>
                    {i18n.t('tier.email')}: <bdi>{target.email}</bdi>
                  </span>
                ) : (
                  <span>
                    {i18n.t('tier.webhook')}: <bdi>{target.webhook}</bdi>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

function CheckinList(props: { checkins: Checkin[]; people: ReadonlyMap<string, Person>; i18n: Translator }) {
  const { i18n } = props;
  if (!props.checkins.length) return <p class="empty">{i18n.t('checkins.empty')}</p>;
  return (
    <div class="table-wrap">
      <table class="list checkin-list">
        <thead>
          <tr>
            <th scope="col">{i18n.t('contact.at')}</th>
            <th scope="col">{i18n.t('contact.channel')}</th>
            <th scope="col">{i18n.t('contact.by')}</th>
            <th scope="col">{i18n.t('field.note')}</th>
            <th scope="col">{i18n.t('checkins.recorded')}</th>
          </tr>
        </thead>
        <tbody>
          {props.checkins.map((checkin) => (
            <tr key={checkin.id} class={checkin.kind === 'duress' ? 'duress' : undefined}>
              <td>
                <Timestamp iso={checkin.at} />
                {checkin.kind === 'duress' ? (
                  <>
                    {' '}
                    <span class="chip tone-grave">{i18n.t('checkins.duress')}</span>
                  </>
                ) : null}
              </td>
              <td>{i18n.label('channel', checkin.channel)}</td>
              <td>{checkin.by_person_id ? <PersonLink id={checkin.by_person_id} people={props.people} i18n={i18n} /> : <span class="none">—</span>}</td>
              <td>
                <RecordText text={checkin.note} />
              </td>
              <td>
                <Timestamp iso={checkin.recorded_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ContactForm(props: { watch: Watch; people: ReadonlyMap<string, Person>; values: ContactFormValues; errors: FieldErrors; i18n: Translator }) {
  const { watch, values, errors, i18n } = props;
  const who: Array<[string, string]> = [watch.person_id, ...watch.proxies].map((id) => {
    const person = props.people.get(id);
    const name = person ? (person.names.find((n) => n.kind === 'primary') ?? person.names[0])?.text : undefined;
    const label = person ? `${person.case_number}${name ? ` · ${revealInvisible(name)}` : ''}` : i18n.t('relation.unknown_person');
    return [id, id === watch.person_id ? i18n.t('contact.by_person', { name: label }) : label];
  });
  return (
    <PostForm action={`/watches/${watch.id}/contact`} class="panel form-panel" id="record-contact" novalidate>
      <h2>{i18n.t('contact.title')}</h2>
      <p class="hint">{i18n.t('contact.intro')}</p>
      <ErrorSummary errors={errors} labels={contactLabels(i18n)} i18n={i18n} form="contact" />
      <div class="grid grid-3">
        <TextField name="at" form="contact" label={i18n.t('contact.at')} value={values.at} error={errors.at} hint={i18n.t('contact.at_hint')} dir="ltr" maxLength={40} required />
        <SelectField name="channel" form="contact" label={i18n.t('contact.channel')} value={values.channel} options={enumOptions(CONTACT_CHANNELS, 'channel', i18n)} error={errors.channel} required />
        <SelectField name="by_person_id" form="contact" label={i18n.t('contact.by')} value={values.by_person_id} options={who} blank={i18n.t('contact.by_unknown')} error={errors.by_person_id} />
      </div>
      <TextArea name="note" form="contact" label={i18n.t('field.note')} value={values.note} error={errors.note} rows={2} maxLength={2000} />
      <div class="actions">
        <button type="submit" class="btn btn-primary">
          {i18n.t('contact.submit')}
        </button>
      </div>
    </PostForm>
  );
}

export interface WatchPageProps {
  page: PageContext;
  watch: Watch;
  people: ReadonlyMap<string, Person>;
  checkins: Checkin[];
  /** The watch's alerts not yet resolved. */
  alerts: Alert[];
  canRecord: boolean;
  /** May run a drill: a coordinator of the case, on an active watch. */
  canDrill: boolean;
  contact: { values: ContactFormValues; errors: FieldErrors };
  flash: 'contact' | null;
  /** Why the contact form could not be taken, when it is not about one field. */
  problem?: string | null;
  now: Date;
}

export function WatchView(props: WatchPageProps) {
  const { page, watch, people, now } = props;
  const { i18n } = page;
  const person = people.get(watch.person_id);
  const title = i18n.t('watch.title', { case: person?.case_number ?? '' });
  return (
    <Layout page={page} title={title} section="watches">
      <p class="crumbs">
        <a href="/watches">{i18n.t('watches.title')}</a>
        {' · '}
        <PersonLink id={watch.person_id} people={people} i18n={i18n} />
      </p>
      {props.flash === 'contact' ? <Notice kind="ok">{i18n.t('contact.recorded')}</Notice> : null}
      {props.problem ? <Notice kind="error">{props.problem}</Notice> : null}
      <div class="page-head">
        <h1>
          <Message text={i18n.t('watch.title')} parts={{ case: <CaseNumber value={person?.case_number ?? ''} /> }} />
        </h1>
        <StateChip state={watch.state} i18n={i18n} />
      </div>
      {overdue(watch, now) ? (
        <Notice kind="error" title={i18n.t('watch.overdue_by', { span: spanText(now.getTime() - new Date(watch.next_deadline).getTime(), i18n) })}>
          <p>
            <NoContactSince watch={watch} i18n={i18n} />
          </p>
        </Notice>
      ) : null}
      {props.alerts.length ? (
        <section class="panel" aria-labelledby="watch-alerts-title">
          <h2 id="watch-alerts-title">{i18n.t('dashboard.open_alerts')}</h2>
          <AlertTable alerts={props.alerts} people={people} watches={new Map([[watch.id, watch]])} i18n={i18n} withPerson={false} />
        </section>
      ) : null}
      <section class="panel" id="schedule">
        <h2>{i18n.t('watch.schedule')}</h2>
        <dl class="facts">
          <Fact label={i18n.t('col.person')}>
            <PersonLink id={watch.person_id} people={people} i18n={i18n} />
          </Fact>
          <Fact label={i18n.t('watch.interval')}>
            {watch.interval_seconds === null ? <FixedTimes watch={watch} /> : <>{spanText(watch.interval_seconds * 1000, i18n)} <span class="muted" dir="ltr">({watch.interval})</span></>}
          </Fact>
          <Fact label={i18n.t('watch.grace_period')}>
            {spanText(watch.grace_seconds * 1000, i18n)} <span class="muted" dir="ltr">({watch.grace})</span>
          </Fact>
          <Fact label={i18n.t('watch.last_contact')}>
            {watch.last_contact_at ? <Timestamp iso={watch.last_contact_at} /> : <span class="muted">{i18n.t('watch.no_contact_yet')}</span>}
          </Fact>
          <Fact label={i18n.t('watch.next_deadline')}>
            <Timestamp iso={watch.next_deadline} /> <DeadlineStatus watch={watch} now={now} i18n={i18n} />
          </Fact>
          <Fact label={i18n.t('watch.proxies')}>
            {watch.proxies.length ? (
              <ul class="plain">
                {watch.proxies.map((id) => (
                  <li key={id}>
                    <PersonLink id={id} people={people} i18n={i18n} />
                  </li>
                ))}
              </ul>
            ) : (
              <span class="none">{i18n.t('watch.no_proxies')}</span>
            )}
          </Fact>
          <Fact label={i18n.t('field.created_at')}>
            <Timestamp iso={watch.created_at} />
          </Fact>
        </dl>
      </section>
      <section class="panel" id="escalation">
        <h2>{i18n.t('watch.escalation')}</h2>
        {watch.escalation && !watch.secrets_hidden ? <EscalationPlan tiers={watch.escalation} i18n={i18n} /> : <p class="muted">{i18n.t('watch.escalation_hidden')}</p>}
      </section>
      {props.canRecord ? <ContactForm watch={watch} people={people} values={props.contact.values} errors={props.contact.errors} i18n={i18n} /> : null}
      {props.canDrill ? (
        <PostForm action={`/watches/${watch.id}/drill`} class="panel form-panel" id="drill">
          <h2>{i18n.t('watch.drill')}</h2>
          <p class="hint">{i18n.t('watch.drill_hint')}</p>
          <button type="submit" class="btn">
            {i18n.t('watch.drill')}
          </button>
        </PostForm>
      ) : null}
      <section class="panel" id="checkins">
        <h2>{i18n.t('checkins.title')}</h2>
        <CheckinList checkins={props.checkins} people={people} i18n={i18n} />
      </section>
    </Layout>
  );
}

// ---------------------------------------------------------------- setting one up

/** Three tiers fit the usual plan: trusted contacts, then the duty officer, then coordinators or partners. */
export const TIER_ROWS = 3;
export const TIER_FIELDS = ['after', 'ack_within', 'emails', 'webhook', 'webhook_secret'] as const;
export type TierValues = Record<(typeof TIER_FIELDS)[number], string>;

export interface WatchFormValues {
  person_id: string;
  case_number: string;
  interval: string;
  grace: string;
  pin: string;
  pin_repeat: string;
  duress_pin: string;
  duress_pin_repeat: string;
  /** Ids of the offered relatives that were ticked. */
  proxies: string[];
  /** Further proxies by case number, as typed. */
  proxy_cases: string;
  tiers: TierValues[];
}

const EMPTY_TIER: TierValues = { after: '', ack_within: '', emails: '', webhook: '', webhook_secret: '' };

export function emptyWatchForm(personId: string): WatchFormValues {
  return {
    person_id: personId,
    case_number: '',
    interval: '24h',
    grace: '2h',
    pin: '',
    pin_repeat: '',
    duress_pin: '',
    duress_pin_repeat: '',
    proxies: [],
    proxy_cases: '',
    tiers: [{ ...EMPTY_TIER, after: '0s', ack_within: '30m' }, { ...EMPTY_TIER }, { ...EMPTY_TIER }],
  };
}

export function watchFormLabels(i18n: Translator): Record<string, string> {
  const labels: Record<string, string> = {
    body: i18n.t('watch.new_title'),
    case_number: i18n.t('field.case_number'),
    person_id: i18n.t('field.case_number'),
    interval: i18n.t('watch.interval'),
    grace: i18n.t('watch.grace_period'),
    pin: i18n.t('watch.pin'),
    pin_repeat: i18n.t('watch.pin_repeat'),
    duress_pin: i18n.t('watch.duress_pin'),
    duress_pin_repeat: i18n.t('watch.duress_pin_repeat'),
    proxies: i18n.t('watch.proxies'),
    proxy_cases: i18n.t('watch.proxy_cases'),
    escalation: i18n.t('watch.escalation'),
  };
  for (let i = 0; i < TIER_ROWS; i++) {
    const tier = i18n.t('alert.tier_n', { n: i + 1 });
    labels[`escalation.${i}.after`] = `${tier}: ${i18n.t(i === 0 ? 'tier.after_label_first' : 'tier.after_label_next')}`;
    labels[`escalation.${i}.ack_within`] = `${tier}: ${i18n.t('tier.ack_label')}`;
    labels[`escalation.${i}.emails`] = `${tier}: ${i18n.t('tier.emails')}`;
    labels[`escalation.${i}.webhook`] = `${tier}: ${i18n.t('tier.webhook')}`;
    labels[`escalation.${i}.webhook_secret`] = `${tier}: ${i18n.t('tier.webhook_secret')}`;
  }
  return labels;
}

function TierRows(props: { tiers: TierValues[]; errors: FieldErrors; i18n: Translator }) {
  const { i18n, errors } = props;
  return (
    <>
      {props.tiers.map((tier, i) => {
        const name = (field: string) => `escalation.${i}.${field}`;
        return (
          <fieldset class="tier-row" key={i}>
            <legend>
              {i18n.t('alert.tier_n', { n: i + 1 })}
              {i > 0 ? <span class="muted"> · {i18n.t('tier.optional')}</span> : null}
            </legend>
            <div class="grid grid-3">
              <TextField
                name={name('after')}
                label={i18n.t(i === 0 ? 'tier.after_label_first' : 'tier.after_label_next')}
                value={tier.after}
                error={errors[name('after')]}
                hint={i18n.t('hint.duration')}
                dir="ltr"
                maxLength={40}
              />
              <TextField name={name('ack_within')} label={i18n.t('tier.ack_label')} value={tier.ack_within} error={errors[name('ack_within')]} hint={i18n.t('hint.duration')} dir="ltr" maxLength={40} />
            </div>
            <TextArea name={name('emails')} label={i18n.t('tier.emails')} value={tier.emails} error={errors[name('emails')]} hint={i18n.t('tier.emails_hint')} rows={2} maxLength={7000} />
            <div class="grid grid-3">
              <TextField name={name('webhook')} label={i18n.t('tier.webhook')} value={tier.webhook} error={errors[name('webhook')]} hint={i18n.t('tier.webhook_hint')} dir="ltr" maxLength={2000} />
              <TextField
                name={name('webhook_secret')}
                type="password"
                label={i18n.t('tier.webhook_secret')}
                value=""
                error={errors[name('webhook_secret')]}
                hint={i18n.t('tier.webhook_secret_hint')}
                autocomplete="new-password"
                dir="ltr"
                maxLength={200}
              />
            </div>
          </fieldset>
        );
      })}
    </>
  );
}

export function WatchFormView(props: {
  page: PageContext;
  /** The person the watch is for, when chosen already. */
  person: Person | null;
  /** Relatives offered as proxies. */
  candidates: Person[];
  values: WatchFormValues;
  errors: FieldErrors;
}) {
  const { page, person, values, errors } = props;
  const { i18n } = page;
  const labels = watchFormLabels(i18n);
  const people = new Map(person ? [[person.id, person]] : []);
  for (const candidate of props.candidates) people.set(candidate.id, candidate);
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout page={page} title={i18n.t('watch.new_title')} section="watches">
      {person ? (
        <p class="crumbs">
          <PersonLink id={person.id} people={people} i18n={i18n} />
        </p>
      ) : null}
      <h1>{i18n.t('watch.new_title')}</h1>
      <p class="lead">{i18n.t('watch.new_intro')}</p>
      <ErrorSummary errors={errors} labels={labels} i18n={i18n} />
      <PostForm action="/watches/new" class="watch-form" novalidate>
        <section class="panel form-panel">
          <h2>{i18n.t('watch.who')}</h2>
          {person ? (
            <>
              <input type="hidden" name="person_id" value={person.id} />
              <p>
                <PersonLink id={person.id} people={people} i18n={i18n} />
              </p>
            </>
          ) : (
            <TextField name="case_number" label={labels.case_number!} value={values.case_number} error={errors.case_number ?? errors.person_id} hint={i18n.t('watch.case_number_hint')} dir="ltr" maxLength={20} required />
          )}
          <div class="grid grid-3">
            <TextField name="interval" label={labels.interval!} value={values.interval} error={errors.interval} hint={i18n.t('watch.interval_hint')} dir="ltr" maxLength={40} required />
            <TextField name="grace" label={labels.grace!} value={values.grace} error={errors.grace} hint={i18n.t('watch.grace_hint')} dir="ltr" maxLength={40} required />
          </div>
        </section>
        <section class="panel form-panel secret">
          <h2>{i18n.t('watch.pins')}</h2>
          <p class="hint">{i18n.t('watch.pins_hint')}</p>
          {hasErrors ? <p class="hint">{i18n.t('watch.pins_again')}</p> : null}
          <div class="grid grid-3">
            <TextField name="pin" type="password" label={labels.pin!} value="" error={errors.pin} autocomplete="new-password" dir="ltr" maxLength={64} required />
            <TextField name="pin_repeat" type="password" label={labels.pin_repeat!} value="" error={errors.pin_repeat} autocomplete="new-password" dir="ltr" maxLength={64} required />
          </div>
          <div class="grid grid-3">
            <TextField name="duress_pin" type="password" label={labels.duress_pin!} value="" error={errors.duress_pin} hint={i18n.t('watch.duress_hint')} autocomplete="new-password" dir="ltr" maxLength={64} required />
            <TextField name="duress_pin_repeat" type="password" label={labels.duress_pin_repeat!} value="" error={errors.duress_pin_repeat} autocomplete="new-password" dir="ltr" maxLength={64} required />
          </div>
        </section>
        <section class="panel form-panel" id="f-proxies">
          <h2>{labels.proxies}</h2>
          <p class="hint">{i18n.t('watch.proxies_hint')}</p>
          {props.candidates.length ? (
            <fieldset class="check-list">
              <legend>{i18n.t('watch.proxies_relatives')}</legend>
              {props.candidates.map((candidate) => {
                const name = candidate.names.find((n) => n.kind === 'primary') ?? candidate.names[0];
                const id = fieldId(`proxies-${candidate.id}`);
                return (
                  <div class="field field-check" key={candidate.id}>
                    <input id={id} type="checkbox" name="proxies" value={candidate.id} checked={values.proxies.includes(candidate.id)} />
                    <label for={id}>
                      <CaseNumber value={candidate.case_number} /> {name ? <NameText text={name.text} script={name.script} lang={name.lang} i18n={i18n} /> : null}
                    </label>
                  </div>
                );
              })}
            </fieldset>
          ) : null}
          {errors.proxies ? (
            <p class="field-error" id="f-proxies-error">
              {errors.proxies}
            </p>
          ) : null}
          <TextField name="proxy_cases" label={labels.proxy_cases!} value={values.proxy_cases} error={errors.proxy_cases} hint={i18n.t('watch.proxy_cases_hint')} dir="ltr" maxLength={400} />
        </section>
        <section class="panel form-panel secret">
          <h2>{labels.escalation}</h2>
          <p class="hint">{i18n.t('watch.escalation_hint')}</p>
          <TierRows tiers={values.tiers} errors={errors} i18n={i18n} />
        </section>
        <div class="actions form-actions">
          <button type="submit" class="btn btn-primary">
            {i18n.t('watch.create')}
          </button>
          <a class="btn btn-quiet" href={person ? `/persons/${person.id}` : '/watches'}>
            {i18n.t('common.cancel')}
          </a>
        </div>
      </PostForm>
    </Layout>
  );
}

/** The answer to a new watch: the check-in link, this once. */
export function WatchCreatedView(props: { page: PageContext; watch: Watch; person: Person | null; checkinUrl: string }) {
  const { page, watch } = props;
  const { i18n } = page;
  const people = new Map(props.person ? [[props.person.id, props.person]] : []);
  return (
    <Layout page={page} title={i18n.t('watch.created_title')} section="watches">
      <h1>{i18n.t('watch.created_title')}</h1>
      <Notice kind="ok">
        <p>
          <PersonLink id={watch.person_id} people={people} i18n={i18n} />
          {' · '}
          <Message text={i18n.t('watch.created_deadline')} parts={{ time: <Timestamp iso={watch.next_deadline} /> }} />
        </p>
      </Notice>
      <section class="panel checkin-once" aria-labelledby="checkin-link-title">
        <h2 id="checkin-link-title">{i18n.t('watch.link_title')}</h2>
        <Notice kind="warn" title={i18n.t('watch.link_once')}>
          <p>{i18n.t('watch.link_once_body')}</p>
        </Notice>
        <p>
          <code class="checkin-link" id="checkin-link" dir="ltr">
            {props.checkinUrl}
          </code>
        </p>
        <p class="hint">{i18n.t('watch.link_hint')}</p>
      </section>
      <p class="actions">
        <a class="btn btn-primary" href={`/watches/${watch.id}`}>
          {i18n.t('watch.open')}
        </a>
      </p>
    </Layout>
  );
}

// ---------------------------------------------------------------- on the person page

/** The early-warning part of a case: its watches and the alerts still open, for every reader of the case. */
export function PersonWatchSection(props: { personId: string; watches: Watch[]; alerts: Alert[]; people: ReadonlyMap<string, Person>; now: Date; canWrite: boolean; i18n: Translator }) {
  const { i18n } = props;
  const watches = new Map(props.watches.map((watch) => [watch.id, watch]));
  return (
    <>
      {props.alerts.length ? <AlertTable alerts={props.alerts} people={props.people} watches={watches} i18n={i18n} withPerson={false} /> : null}
      {props.watches.length ? (
        <WatchTable watches={props.watches} people={props.people} now={props.now} i18n={i18n} withPerson={false} />
      ) : (
        <p class="empty">{i18n.t('watches.none_for_person')}</p>
      )}
      {props.canWrite ? (
        <p>
          <a class="btn" href={`/watches/new?person_id=${props.personId}`}>
            {i18n.t('watch.new_title')}
          </a>
        </p>
      ) : null}
    </>
  );
}

/** At the top of the person's timeline, for each alert not yet resolved: "No contact since …". */
export function TimelineAlerts(props: { alerts: Alert[]; watches: ReadonlyMap<string, Watch>; i18n: Translator }) {
  const { i18n } = props;
  if (!props.alerts.length) return null;
  return (
    <ul class="timeline-alerts">
      {props.alerts.map((alert) => {
        const watch = alert.watch_id ? props.watches.get(alert.watch_id) : undefined;
        return (
          <li key={alert.id} class={`notice ${alert.kind === 'drill' ? 'notice-info' : 'notice-error'}`}>
            <AlertKindChip kind={alert.kind} i18n={i18n} />{' '}
            <strong>{watch ? <NoContactSince watch={watch} i18n={i18n} /> : <Message text={i18n.t('alert.opened_at')} parts={{ time: <Timestamp iso={alert.opened_at} /> }} />}</strong>{' '}
            <StateChip state={alert.state} i18n={i18n} /> <a href={`/alerts/${alert.id}`}>{i18n.t('alert.open_link')}</a>
          </li>
        );
      })}
    </ul>
  );
}
