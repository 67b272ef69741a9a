import type { Person } from '../persons/persons.types.ts';
import { PersonLink } from '../persons/persons.views.tsx';
import { RecordText } from '../web/components.tsx';
import type { Translator } from '../web/i18n.ts';
import type { Contact, Relation } from './relations.types.ts';

const CONTACT_FIELDS = ['phone', 'email', 'address', 'messenger'] as const;

function ContactDetails(props: { contact: Contact | null; i18n: Translator }) {
  const { contact, i18n } = props;
  const present = CONTACT_FIELDS.filter((name) => contact?.[name]);
  if (!contact || !present.length) return null;
  return (
    <dl class="secret-inline contact">
      {present.map((name) => (
        <div key={name}>
          <dt>{i18n.t(`field.${name}`)}</dt>
          <dd>
            <RecordText text={contact[name]} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The people around a person, read from either side: "her mother", "she is their lawyer". */
export function RelationList(props: { relations: Relation[]; personId: string; people: ReadonlyMap<string, Person>; i18n: Translator }) {
  const { i18n } = props;
  if (!props.relations.length) return <p class="empty">{i18n.t('relations.empty')}</p>;
  return (
    <ul class="records">
      {props.relations.map((relation) => {
        const outgoing = relation.from_person_id === props.personId;
        const other = outgoing ? relation.to_person_id : relation.from_person_id;
        const label = i18n.label('relation', relation.relation);
        return (
          <li key={relation.id} class={relation.retracted_at ? 'record retracted' : 'record'} id={`relation-${relation.id}`}>
            <p class="record-head">
              <PersonLink id={other} people={props.people} i18n={i18n} />
              <span class="muted">{outgoing ? i18n.t('relation.their', { relation: label }) : i18n.t('relation.inverse', { relation: label })}</span>
              {relation.trusted_contact ? <span class="tag">{i18n.t('field.trusted_contact')}</span> : null}
            </p>
            <ContactDetails contact={relation.contact} i18n={i18n} />
          </li>
        );
      })}
    </ul>
  );
}
