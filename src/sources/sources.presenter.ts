import type { Source } from './sources.types.ts';

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentSource(source: Source) {
  return {
    id: source.id,
    person_id: source.person_id,
    kind: source.kind,
    title: source.title,
    publisher: source.publisher,
    url: source.url,
    date: source.date,
    language: source.language,
    reliability: source.reliability,
    confidential: source.confidential,
    // A secret field (DESIGN §4) is left out, not sent empty, for a reader who may not see it.
    ...(source.secrets_hidden ? {} : { confidential_identity: source.confidential_identity }),
    version: source.version,
    created_at: source.created_at,
    updated_at: source.updated_at,
    retracted: source.retracted_at !== null,
    retracted_at: source.retracted_at,
    retraction_reason: source.retraction_reason,
  };
}
