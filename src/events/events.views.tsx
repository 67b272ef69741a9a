import type { Actor } from '../actors/actors.types.ts';
import type { Person } from '../persons/persons.types.ts';
import { PersonLink } from '../persons/persons.views.tsx';
import { EdtfDate, NameText, RecordText, StatusChip } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
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
        </li>
      ))}
    </ul>
  );
}
