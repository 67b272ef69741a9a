/**
 * The press brief (issue 7), pure: what a journalist needs on one case in a page — headline,
 * summary, background with sources, what is being asked and of whom — built from the case file's
 * snapshot as of `now`, consent-aware (public-document.ts).
 */
import { capitalise, documentBase, pronouns, type Addressee, type PublicCaseFile, type PublicDocument } from './public-document.ts';

export function buildBrief(file: PublicCaseFile, addressees: Addressee[], now: Date): PublicDocument {
  const { redact, current, ...base } = documentBase('brief', file, addressees, now);
  const who = capitalise(base.shown_as);
  const them = pronouns(file.person.sex);
  const p = file.person;
  const described = [...(p.ethnicity && base.named ? [p.ethnicity] : []), ...(p.citizenships.length ? [`a citizen of ${p.citizenships.join(' and ')}`] : [])];
  const status = current ? `${current.status.replace(/_/g, ' ')} since ${current.date}${current.place ? `, ${redact(current.place)}` : ''}` : 'in a situation the case file does not yet record';
  const summary = `${who}${described.length ? `, ${described.join(', ')},` : ''} is ${status}. ${base.background.length} recorded fact${base.background.length === 1 ? '' : 's'}, ${base.sources.length} source${base.sources.length === 1 ? '' : 's'} cited. ${capitalise(them.possessive)} family and supporters call on the authorities to act: ${base.asks.map((a) => a.text.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())).join('; ')}.`;
  return { ...base, title: `Press brief: ${who}`, summary };
}
