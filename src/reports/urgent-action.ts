/**
 * The urgent action (issue 7), pure: an Amnesty-style call to write to the authorities for one
 * person, built from the case file's snapshot as of `now`, consent-aware (public-document.ts).
 */
import { capitalise, documentBase, pronouns, type Addressee, type PublicCaseFile, type PublicDocument } from './public-document.ts';

const HEADLINES: Record<string, string> = {
  disappeared: 'disappeared after arrest',
  detained: 'detained, at risk of torture',
  camp: 'held in a camp, at risk of torture',
  imprisoned: 'imprisoned',
  forced_psychiatric: 'confined in a psychiatric hospital',
  house_arrest: 'under house arrest',
  released_restricted: 'released under restrictions, at risk',
  deceased: 'reported dead',
};

const STATES: Record<string, string> = {
  disappeared: 'missing',
  detained: 'detained',
  camp: 'held in a camp',
  imprisoned: 'imprisoned',
  forced_psychiatric: 'confined in a psychiatric hospital',
  house_arrest: 'under house arrest',
  released_restricted: 'under restrictions after release',
  exit_banned: 'barred from leaving the country',
};

export function buildUrgentAction(file: PublicCaseFile, addressees: Addressee[], now: Date): PublicDocument {
  const { redact, current, ...base } = documentBase('urgent_action', file, addressees, now);
  const who = capitalise(base.shown_as);
  const them = pronouns(file.person.sex);
  const state = current ? STATES[current.status] : undefined;
  const where = current?.place ? ` (${redact(current.place)})` : '';
  const denied = current?.whereabouts_acknowledged === 'denied' ? ` The authorities deny holding ${them.object} or knowing ${them.possessive} whereabouts.` : '';
  const summary =
    current && state
      ? `${who} has been ${state} since ${current.date}${where}.${denied} Please write to the authorities now.`
      : `${who} is at risk. Please write to the authorities now, after checking the facts below.`;
  return { ...base, title: `Urgent action: ${who} ${HEADLINES[base.current_status ?? ''] ?? 'at risk'}`, summary };
}
