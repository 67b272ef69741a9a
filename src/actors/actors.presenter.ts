import { textFlags } from '../lib/text.ts';
import type { Actor } from './actors.types.ts';

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentActor(actor: Actor) {
  return {
    id: actor.id,
    name: actor.name,
    name_flags: textFlags(actor.name),
    names: actor.names.map((n) => ({ text: n.text, script: n.script, lang: n.lang, flags: textFlags(n.text) })),
    type: actor.type,
    parent_id: actor.parent_id,
    place: actor.place,
    version: actor.version,
    created_at: actor.created_at,
    updated_at: actor.updated_at,
    retracted: actor.retracted_at !== null,
    retracted_at: actor.retracted_at,
    retraction_reason: actor.retraction_reason,
  };
}
