import type { ComponentChildren } from 'preact';
import type { Person } from '../persons/persons.types.ts';
import { PersonLink } from '../persons/persons.views.tsx';
import type { Revision } from '../records/revisions.repository.ts';
import { HistoryList } from '../records/revisions.views.tsx';
import { CaseNumber, ErrorSummary, Notice, RecordText, TextArea, Timestamp, fieldId, type FieldErrors } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { PageContext } from '../web/page.ts';
import { PostForm } from '../web/post-form.tsx';
import type { ReleaseView } from '../notify/dossier.service.ts';
import type { NoticeView } from '../notify/notify.service.ts';
import { ALERT_STATES, RESOLVE_OUTCOMES, type Alert } from './alerts.types.ts';
import type { Watch } from './watches.types.ts';
import { AlertKindChip, AlertTable, Message, NoContactSince, Pager, StateChip, StateFilter } from './watches.views.tsx';

// ---------------------------------------------------------------- the list

export function AlertListView(props: {
  page: PageContext;
  alerts: Alert[];
  people: ReadonlyMap<string, Person>;
  watches: ReadonlyMap<string, Watch>;
  state: string;
  invalidFilter: boolean;
  nextHref: string | null;
  firstHref: string | null;
}) {
  const { i18n } = props.page;
  return (
    <Layout page={props.page} title={i18n.t('alerts.title')} section="alerts">
      <div class="page-head">
        <h1>{i18n.t('alerts.title')}</h1>
      </div>
      <p class="lead">{i18n.t('alerts.intro')}</p>
      <StateFilter action="/alerts" states={ALERT_STATES} state={props.state} invalid={props.invalidFilter} i18n={i18n} />
      {props.alerts.length === 0 ? (
        <p class="empty">{i18n.t('alerts.empty')}</p>
      ) : (
        <AlertTable alerts={props.alerts} people={props.people} watches={props.watches} i18n={i18n} id="alerts" />
      )}
      <Pager firstHref={props.firstHref} nextHref={props.nextHref} i18n={i18n} />
    </Layout>
  );
}

// ---------------------------------------------------------------- one alert

export interface ResolveFormValues {
  outcome: string;
  note: string;
}

export const EMPTY_RESOLVE_FORM: ResolveFormValues = { outcome: '', note: '' };

function resolveLabels(i18n: Translator): Record<string, string> {
  return { outcome: i18n.t('alert.outcome'), note: i18n.t('field.note'), body: i18n.t('alert.resolve') };
}

function Fact(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

/** Who did it: a member's name where the reader knows it, else the recorded actor. */
function Actor(props: { actor: string | null; names: ReadonlyMap<string, string> }) {
  if (!props.actor) return null;
  const name = props.names.get(props.actor);
  return name ? <bdi>{name}</bdi> : <code>{props.actor}</code>;
}

function OutcomeChoices(props: { value: string; error: string | undefined; i18n: Translator }) {
  const { i18n } = props;
  const errorId = `${fieldId('outcome', 'resolve')}-error`;
  return (
    <fieldset class={['field', 'outcome-choices', props.error ? 'has-error' : ''].filter(Boolean).join(' ')} id={fieldId('outcome', 'resolve')} aria-describedby={props.error ? errorId : undefined}>
      <legend>{i18n.t('alert.outcome_question')}</legend>
      {RESOLVE_OUTCOMES.map((outcome) => {
        const id = fieldId(`outcome-${outcome}`, 'resolve');
        return (
          <div class="field field-check" key={outcome}>
            <input id={id} type="radio" name="outcome" value={outcome} checked={props.value === outcome} aria-describedby={`${id}-hint`} />
            <label for={id}>{i18n.label('alert_outcome', outcome)}</label>
            <p class="hint" id={`${id}-hint`}>
              {i18n.label('alert_outcome_hint', outcome)}
            </p>
          </div>
        );
      })}
      {props.error ? (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}

export interface AlertPageProps {
  page: PageContext;
  alert: Alert;
  people: ReadonlyMap<string, Person>;
  watch: Watch | null;
  history: Revision[];
  /** Case members by actor (`user:<id>`), to name who acknowledged and resolved. */
  actorNames: ReadonlyMap<string, string>;
  canWrite: boolean;
  resolve: { values: ResolveFormValues; errors: FieldErrors };
  flash: 'acknowledged' | 'resolved' | 'vetoed' | null;
  problem: string | null;
  /** Who was called, tier by tier (recipients only for readers allowed secrets). */
  notices: NoticeView[];
  /** The pre-authorised dossier's release, if the watch has one. */
  release: ReleaseView | null;
  /** May veto the release: a coordinator of the case. */
  canVeto: boolean;
}

/** Each notice: its tier, how it went, to whom (if the reader may know), and how it went. */
function NoticesPanel(props: { notices: NoticeView[]; i18n: Translator }) {
  const { i18n } = props;
  return (
    <section class="panel" id="notices">
      <h2>{i18n.t('alert.notices')}</h2>
      {props.notices.length === 0 ? (
        <p class="muted">{i18n.t('alert.notices_none')}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>{i18n.t('alert.tier')}</th>
              <th>{i18n.t('alert.notice_to')}</th>
              <th>{i18n.t('field.state')}</th>
              <th>{i18n.t('alert.notice_sent')}</th>
            </tr>
          </thead>
          <tbody>
            {props.notices.map((notice) => (
              <tr key={notice.id}>
                <td>{notice.purpose === 'dossier' ? i18n.t('alert.dossier') : i18n.t('alert.tier_n', { n: notice.tier })}</td>
                <td>
                  {i18n.label('notice_channel', notice.channel)}
                  {notice.recipient ? (
                    <>
                      {' '}
                      <span dir="ltr">{notice.recipient}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  {i18n.label('notice_state', notice.state)}
                  {notice.attempts > 1 ? <span class="muted"> ({i18n.t('alert.notice_attempts', { n: notice.attempts })})</span> : null}
                </td>
                <td>{notice.sent_at ? <Timestamp iso={notice.sent_at} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The dossier's release: when it goes out, who vetoed, and the veto form for coordinators. */
function DossierPanel(props: { alert: Alert; release: ReleaseView; canVeto: boolean; i18n: Translator }) {
  const { release, i18n } = props;
  return (
    <section class="panel" id="dossier">
      <h2>{i18n.t('alert.dossier')}</h2>
      <p>
        {i18n.label('release_state', release.state)}
        {release.state === 'scheduled' ? (
          <>
            {' · '}
            {i18n.t('alert.dossier_release_at')} <Timestamp iso={release.release_at} />
          </>
        ) : null}
        {release.released_at ? (
          <>
            {' · '}
            <Timestamp iso={release.released_at} />
          </>
        ) : null}
      </p>
      <p class="muted">{i18n.t('alert.dossier_vetoes', { n: release.vetoes.length, needed: release.vetoes_needed })}</p>
      {props.canVeto && release.state === 'scheduled' ? (
        <PostForm action={`/alerts/${props.alert.id}/dossier/veto`} class="form-panel" id="veto">
          <TextArea name="reason" form="veto" label={i18n.t('alert.dossier_veto_reason')} value="" rows={2} maxLength={2000} />
          <button type="submit" class="btn btn-danger">
            {i18n.t('alert.dossier_veto')}
          </button>
        </PostForm>
      ) : null}
    </section>
  );
}

export function AlertView(props: AlertPageProps) {
  const { page, alert, people } = props;
  const { i18n } = page;
  const person = people.get(alert.person_id);
  const title = i18n.t('alert.title', { kind: i18n.label('alert_kind', alert.kind), case: person?.case_number ?? '' });
  return (
    <Layout page={page} title={title} section="alerts">
      <p class="crumbs">
        <a href="/alerts">{i18n.t('alerts.title')}</a>
        {' · '}
        <PersonLink id={alert.person_id} people={people} i18n={i18n} />
      </p>
      {alert.kind === 'drill' ? (
        <Notice kind="info" title={i18n.t('alert.drill_mark')}>
          <p>{i18n.t('alert.drill_banner')}</p>
        </Notice>
      ) : null}
      {props.flash ? <Notice kind="ok">{i18n.t(props.flash === 'acknowledged' ? 'alert.acknowledged_done' : props.flash === 'vetoed' ? 'alert.dossier_vetoed_done' : 'alert.resolved_done')}</Notice> : null}
      {props.problem ? <Notice kind="error">{props.problem}</Notice> : null}
      <div class="page-head">
        <h1>
          <AlertKindChip kind={alert.kind} i18n={i18n} /> <CaseNumber value={person?.case_number ?? ''} />
        </h1>
        <StateChip state={alert.state} i18n={i18n} />
      </div>
      {alert.state !== 'resolved' && props.watch ? (
        <Notice kind={alert.kind === 'drill' ? 'info' : 'error'}>
          <p class="no-contact">
            <NoContactSince watch={props.watch} i18n={i18n} />
          </p>
        </Notice>
      ) : null}
      <section class="panel" id="alert-facts">
        <dl class="facts">
          <Fact label={i18n.t('col.person')}>
            <PersonLink id={alert.person_id} people={people} i18n={i18n} />
          </Fact>
          <Fact label={i18n.t('alert.kind')}>{i18n.label('alert_kind', alert.kind)}</Fact>
          <Fact label={i18n.t('field.state')}>
            <StateChip state={alert.state} i18n={i18n} />
          </Fact>
          <Fact label={i18n.t('alert.tier')}>{i18n.t('alert.tier_n', { n: alert.tier })}</Fact>
          <Fact label={i18n.t('alert.opened')}>
            <Timestamp iso={alert.opened_at} />
          </Fact>
          {alert.deadline_at ? (
            <Fact label={i18n.t('alert.deadline')}>
              <Timestamp iso={alert.deadline_at} />
            </Fact>
          ) : null}
          {alert.watch_id ? (
            <Fact label={i18n.t('alert.watch')}>
              <a href={`/watches/${alert.watch_id}`}>{i18n.t('watch.open')}</a>
            </Fact>
          ) : null}
          {alert.acknowledged_at ? (
            <Fact label={i18n.t('alert.acknowledged')}>
              <Timestamp iso={alert.acknowledged_at} /> <Actor actor={alert.acknowledged_by} names={props.actorNames} />
            </Fact>
          ) : null}
          {alert.resolved_at ? (
            <Fact label={i18n.t('alert.resolved')}>
              <Timestamp iso={alert.resolved_at} /> <Actor actor={alert.resolved_by} names={props.actorNames} />
            </Fact>
          ) : null}
          {alert.outcome ? <Fact label={i18n.t('alert.outcome')}>{i18n.label('alert_outcome', alert.outcome)}</Fact> : null}
          {alert.note ? (
            <Fact label={i18n.t('field.note')}>
              <RecordText text={alert.note} />
            </Fact>
          ) : null}
        </dl>
      </section>
      {props.canWrite && alert.state === 'open' ? (
        <PostForm action={`/alerts/${alert.id}/ack`} class="panel form-panel" id="acknowledge">
          <h2>{i18n.t('alert.acknowledge')}</h2>
          <p class="hint">{i18n.t('alert.acknowledge_hint')}</p>
          <button type="submit" class="btn btn-primary">
            {i18n.t('alert.acknowledge_submit')}
          </button>
        </PostForm>
      ) : null}
      {props.canWrite && alert.state !== 'resolved' ? (
        <PostForm action={`/alerts/${alert.id}/resolve`} class="panel form-panel" id="resolve" novalidate>
          <h2>{i18n.t('alert.resolve')}</h2>
          <ErrorSummary errors={props.resolve.errors} labels={resolveLabels(i18n)} i18n={i18n} form="resolve" />
          <OutcomeChoices value={props.resolve.values.outcome} error={props.resolve.errors.outcome} i18n={i18n} />
          <TextArea name="note" form="resolve" label={i18n.t('field.note')} value={props.resolve.values.note} error={props.resolve.errors.note} rows={3} maxLength={2000} />
          <button type="submit" class="btn">
            {i18n.t('alert.resolve_submit')}
          </button>
        </PostForm>
      ) : null}
      <NoticesPanel notices={props.notices} i18n={i18n} />
      {props.release ? <DossierPanel alert={alert} release={props.release} canVeto={props.canVeto} i18n={i18n} /> : null}
      <section class="panel" id="history">
        <h2>{i18n.t('section.history')}</h2>
        <HistoryList revisions={props.history} i18n={i18n} olderHref={null} newestHref={null} />
      </section>
    </Layout>
  );
}

/** Detained or disappeared goes on the person's timeline: said plainly, and confirmed, before it is written. */
export function ResolveConfirmView(props: { page: PageContext; alert: Alert; people: ReadonlyMap<string, Person>; values: ResolveFormValues; date: string }) {
  const { page, alert, people, values } = props;
  const { i18n } = page;
  const person = people.get(alert.person_id);
  const title = i18n.t('alert.confirm_title', { outcome: i18n.label('alert_outcome', values.outcome) });
  return (
    <Layout page={page} title={title} section="alerts">
      <p class="crumbs">
        <a href={`/alerts/${alert.id}`}>
          <AlertKindChip kind={alert.kind} i18n={i18n} /> <CaseNumber value={person?.case_number ?? ''} />
        </a>
      </p>
      <h1>{title}</h1>
      <Notice kind="warn" title={i18n.t('alert.confirm_consequence_title')}>
        <p>
          <Message
            text={i18n.t('alert.confirm_consequence')}
            parts={{
              status: <strong>{i18n.label('status', values.outcome)}</strong>,
              date: <span dir="ltr">{props.date}</span>,
              person: <PersonLink id={alert.person_id} people={people} i18n={i18n} />,
            }}
          />
        </p>
        <p>{i18n.t('alert.confirm_correct')}</p>
      </Notice>
      {values.note ? (
        <div class="panel">
          <p class="muted">{i18n.t('field.note')}</p>
          <RecordText text={values.note} block />
        </div>
      ) : null}
      <PostForm action={`/alerts/${alert.id}/resolve`} class="panel form-panel" id="confirm-resolve">
        <input type="hidden" name="outcome" value={values.outcome} />
        <input type="hidden" name="note" value={values.note} />
        <input type="hidden" name="confirm" value="yes" />
        <div class="actions">
          <button type="submit" class="btn btn-danger">
            {i18n.t('alert.confirm_submit')}
          </button>
          <a class="btn btn-quiet" href={`/alerts/${alert.id}`}>
            {i18n.t('common.cancel')}
          </a>
        </div>
      </PostForm>
    </Layout>
  );
}
