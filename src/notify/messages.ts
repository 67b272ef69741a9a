import type { AlertKind } from '../watch/alerts.types.ts';

/**
 * What a notice says. Mail and webhooks leave the deployment and sit in other people's inboxes, so
 * they carry the case number and the times, never the person's name or anything sealed: whoever
 * needs more signs in. A drill says so first, in the subject and in the body.
 */
export interface NoticeFacts {
  idempotencyKey: string;
  drill: boolean;
  alertId: string;
  kind: AlertKind;
  caseNumber: string;
  personId: string;
  openedAt: string;
  deadlineAt: string | null;
  lastContactAt: string | null;
  tier: number;
  tiers: number;
  /** The recipient's one-use acknowledgement page. */
  ackUrl: string;
  /** The alert in Vigil, for those who can sign in. */
  alertUrl: string;
}

const WHAT: Record<AlertKind, string> = {
  missed: 'a check-in was missed',
  duress: 'a check-in was made with the duress PIN: she may be under pressure',
  sos: 'an SOS was raised',
  manual: 'a case worker raised an alert',
  drill: 'this is a drill of the alarm',
};

export const DRILL_MARK = '[DRILL]';

function readableTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'none on record';
}

export function noticeSubject(facts: NoticeFacts): string {
  return `${facts.drill ? `${DRILL_MARK} ` : ''}Vigil alert ${facts.caseNumber}: ${WHAT[facts.kind]}`;
}

export function noticeText(facts: NoticeFacts): string {
  const lines = [
    ...(facts.drill ? ['DRILL: this is a test of the alarm. No one is known to be in danger.', ''] : []),
    `Vigil alert for case ${facts.caseNumber}: ${WHAT[facts.kind]}.`,
    '',
    `Last contact: ${readableTime(facts.lastContactAt)}`,
    ...(facts.deadlineAt ? [`Deadline passed: ${readableTime(facts.deadlineAt)}`] : []),
    `Alert opened: ${readableTime(facts.openedAt)}`,
    `You are called as tier ${facts.tier} of ${facts.tiers}.`,
    '',
    'If you are taking this in hand, acknowledge it (this stops the next tier from being called):',
    facts.ackUrl,
    '',
    'The alert in Vigil (sign-in needed):',
    facts.alertUrl,
    '',
    `Reference: ${facts.idempotencyKey}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The JSON a webhook receives; `id` is the same on every attempt, so a receiver can drop repeats. */
export function webhookPayload(facts: NoticeFacts): Record<string, unknown> {
  return {
    id: facts.idempotencyKey,
    type: 'alert.notify',
    drill: facts.drill,
    alert: {
      id: facts.alertId,
      kind: facts.kind,
      case_number: facts.caseNumber,
      person_id: facts.personId,
      opened_at: facts.openedAt,
      deadline_at: facts.deadlineAt,
      last_contact_at: facts.lastContactAt,
      tier: facts.tier,
      tiers: facts.tiers,
    },
    ack_url: facts.ackUrl,
    alert_url: facts.alertUrl,
  };
}

/** One record a dossier carries, as it reads when released: public fields only. */
export interface DossierRecord {
  kind: 'person' | 'event';
  lines: string[];
}

/**
 * The released dossier: the organisation's statement and its chosen records, exactly what the
 * coordinators authorised. A drill carries none of it, only the notice that the release works.
 */
export function dossierContent(facts: { caseNumber: string; drill: boolean; statement: string; records: DossierRecord[]; idempotencyPrefix: string }): { subject: string; text: string; payload: Record<string, unknown> } {
  if (facts.drill) {
    const text = `DRILL: this is a test of the pre-authorised release for case ${facts.caseNumber}.\nIn a real release the organisation's statement and ${facts.records.length} record(s) would follow here.\n`;
    return { subject: `${DRILL_MARK} Statement on case ${facts.caseNumber}`, text, payload: { type: 'dossier.release', drill: true, case_number: facts.caseNumber } };
  }
  const body = facts.records.map((record) => record.lines.join('\n')).join('\n\n');
  return {
    subject: `Statement on case ${facts.caseNumber}`,
    text: `${facts.statement}\n${body ? `\n${body}\n` : ''}`,
    payload: { type: 'dossier.release', drill: false, case_number: facts.caseNumber, statement: facts.statement, records: facts.records },
  };
}
