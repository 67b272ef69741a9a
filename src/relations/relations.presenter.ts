import type { Contact, Relation } from './relations.types.ts';

function presentContact(contact: Contact | null) {
  if (!contact) return null;
  return { phone: contact.phone, email: contact.email, address: contact.address, messenger: contact.messenger };
}

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentRelation(relation: Relation) {
  return {
    id: relation.id,
    case_id: relation.case_id,
    from_person_id: relation.from_person_id,
    to_person_id: relation.to_person_id,
    relation: relation.relation,
    trusted_contact: relation.trusted_contact,
    // Secret (DESIGN §4): left out, not sent empty, for a reader who may not see it.
    ...(relation.secrets_hidden ? {} : { contact: presentContact(relation.contact) }),
    version: relation.version,
    created_at: relation.created_at,
    updated_at: relation.updated_at,
    retracted: relation.retracted_at !== null,
    retracted_at: relation.retracted_at,
    retraction_reason: relation.retraction_reason,
  };
}
