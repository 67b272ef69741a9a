import { createHash, randomBytes } from 'node:crypto';
import { asReadBy, requireCaseRead } from '../access/access.service.ts';
import type { Principal } from '../auth/roles.ts';
import { NotFoundError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { recordChange } from '../records/changes.ts';
import { diffChanges } from '../records/versioning.ts';
import type { ServiceContext } from '../services.ts';
import { findAlertById, markAcknowledged } from '../watch/alerts.repository.ts';
import type { Alert } from '../watch/alerts.types.ts';
import type { NotifyTarget } from '../watch/watches.types.ts';
import { findReleasedContents, type ReleasedContent } from './dossier.repository.ts';
import { DELIVERY_TIMEOUT_MS, DeliveryError, type DeliveryChannels } from './channels.ts';
import { decideEscalation, retryAt, spreadOf } from './escalation.ts';
import { noticeSubject, noticeText, webhookPayload, type NoticeFacts } from './messages.ts';
import {
  bringNextTierForward,
  claimDueNotifications,
  findNoticeContexts,
  findNotificationByAckHash,
  insertNotifications,
  listNotificationsOfAlert,
  lockDueAlerts,
  markAttemptFailed,
  markSent,
  markTierNotified,
  releaseLease,
  setNextStep,
  type DueAlert,
  type NewNotification,
  type Notification,
  type NoticePurpose,
  type NoticeContext,
} from './notifications.repository.ts';

/** Who calls the tiers, in revisions and the audit trail. */
export const ESCALATION_ACTOR = 'system:escalation';

/** Alerts stepped per transaction; on PostgreSQL their rows stay locked for that long. */
const ESCALATION_BATCH = 100;

export function hashAckToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** One notice per target, keyed by alert, purpose, tier and target, so that no rerun can make a second set. */
export function newNotices(spec: { alertId: string; caseId: string; purpose: NoticePurpose; tier: number; targets: NotifyTarget[]; tiers: number; drill: boolean; at: string }): NewNotification[] {
  return spec.targets.map((target, index) => {
    const ackToken = randomBytes(32).toString('base64url');
    return {
      id: newId(),
      alert_id: spec.alertId,
      case_id: spec.caseId,
      purpose: spec.purpose,
      tier: spec.tier,
      target_index: index,
      target,
      tiers: spec.tiers,
      idempotency_key: spec.purpose === 'tier' ? `${spec.alertId}.${spec.tier}.${index}` : `${spec.alertId}.${spec.purpose}.${index}`,
      drill: spec.drill,
      ack_token: ackToken,
      ack_token_hash: hashAckToken(ackToken),
      at: spec.at,
    };
  });
}

function noticesForTier(alert: DueAlert, tier: number, at: string): NewNotification[] {
  return newNotices({ alertId: alert.id, caseId: alert.case_id, purpose: 'tier', tier, targets: alert.plan[tier - 1]!.notify, tiers: alert.plan.length, drill: alert.kind === 'drill', at });
}

/**
 * The worker's escalation step: for each open alert whose step fell due, call the next tier (its
 * notices recorded, the alert moved on and its revision written, in one transaction) or note when
 * to look again. Returns how many tiers were called.
 */
export async function runEscalationStep(ctx: ServiceContext): Promise<number> {
  let called = 0;
  for (;;) {
    const now = ctx.clock.now();
    const at = now.toISOString();
    const seen = await ctx.db.transaction().execute(async (trx) => {
      const due = await lockDueAlerts(trx, ctx.dialect, ctx.cipher, at, ESCALATION_BATCH);
      for (const alert of due) {
        const decision = decideEscalation(alert.plan, { openedAt: new Date(alert.opened_at), notifiedTiers: alert.notified_tiers, stepDueAt: new Date(alert.next_step_at) }, now);
        if (decision.action !== 'notify') {
          await setNextStep(trx, alert.id, alert.notified_tiers, decision.action === 'wait' ? decision.nextStepAt : null);
          continue;
        }
        if (!(await markTierNotified(trx, alert, decision.tier, decision.nextStepAt, at))) continue;
        await insertNotifications(trx, ctx.cipher, noticesForTier(alert, decision.tier, at));
        await recordChange(ctx, trx, {
          case_id: alert.case_id,
          entity: 'alert',
          entity_id: alert.id,
          version: alert.version + 1,
          action: 'update',
          actor: ESCALATION_ACTOR,
          at,
          changes: diffChanges({ tier: alert.notified_tiers || null }, { tier: decision.tier }),
          reason: null,
        });
        called++;
      }
      return due.length;
    });
    if (seen < ESCALATION_BATCH) return called;
  }
}

export interface DeliveryOptions {
  channels: DeliveryChannels;
  /** This worker, as lease holder. */
  owner: string;
  /** How long a claimed notice is this worker's; after that, another worker sends it. */
  leaseMs: number;
  /** Where links in notices point: Vigil's public address. */
  baseUrl: string;
  /** Notices sent at once, and claimed at once. */
  concurrency?: number;
  /** The longest one attempt may take (the channels' timeout). */
  attemptMs?: number;
}

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

function factsOf(notice: Notification, context: NoticeContext, baseUrl: string): NoticeFacts {
  return {
    idempotencyKey: notice.idempotency_key,
    drill: notice.drill,
    alertId: notice.alert_id,
    kind: context.kind,
    caseNumber: context.case_number,
    personId: context.person_id,
    openedAt: context.opened_at,
    deadlineAt: context.deadline_at,
    lastContactAt: context.last_contact_at,
    tier: notice.tier,
    tiers: notice.tiers,
    ackUrl: `${baseUrl}/ack/${notice.ack_token}`,
    alertUrl: `${baseUrl}/alerts/${notice.alert_id}`,
  };
}

/** A released dossier goes out as released: its own subject, text and JSON. */
async function sendDossier(channels: DeliveryChannels, notice: Notification, content: ReleasedContent): Promise<void> {
  if ('email' in notice.target) {
    await channels.sendMail({ to: notice.target.email, subject: content.subject, text: content.text, messageId: `<${notice.idempotency_key}@vigil.invalid>`, idempotencyKey: notice.idempotency_key });
  } else {
    await channels.postWebhook({ url: notice.target.webhook, secret: notice.target.secret, body: JSON.stringify({ id: notice.idempotency_key, ...content.payload }), idempotencyKey: notice.idempotency_key });
  }
}

async function send(channels: DeliveryChannels, notice: Notification, facts: NoticeFacts): Promise<void> {
  if ('email' in notice.target) {
    await channels.sendMail({
      to: notice.target.email,
      subject: noticeSubject(facts),
      text: noticeText(facts),
      messageId: `<${notice.idempotency_key}@vigil.invalid>`,
      idempotencyKey: notice.idempotency_key,
    });
  } else {
    await channels.postWebhook({ url: notice.target.webhook, secret: notice.target.secret, body: JSON.stringify(webhookPayload(facts)), idempotencyKey: notice.idempotency_key });
  }
}

/** An attempt that has not ended by `ms` counts as failed (to be tried again), so no lease runs out under it. */
async function withinDeadline(attempt: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`the attempt took longer than ${Math.round(ms / 1000)} s`, false)), ms);
  });
  try {
    await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One notice out, and its outcome recorded; a delivery that failed for good brings the next tier
 * forward. A notice whose lease would run out during the attempt is handed back unsent: past its
 * lease another worker may take it, and two senders would be one too many.
 */
async function deliver(
  ctx: ServiceContext,
  options: DeliveryOptions,
  notice: Notification,
  found: { context: NoticeContext | undefined; dossier: ReleasedContent | undefined },
  leaseUntil: number,
): Promise<keyof DeliveryResult | 'released'> {
  if (ctx.clock.now().getTime() + (options.attemptMs ?? DELIVERY_TIMEOUT_MS) > leaseUntil) {
    await releaseLease(ctx.db, notice.id, options.owner, ctx.clock.now().toISOString());
    return 'released';
  }
  try {
    if (!found.context) throw new DeliveryError('the alert of this notice is gone', true);
    const attemptMs = options.attemptMs ?? DELIVERY_TIMEOUT_MS;
    if (notice.purpose === 'dossier') {
      if (!found.dossier) throw new DeliveryError('the released dossier of this notice is gone', true);
      await withinDeadline(sendDossier(options.channels, notice, found.dossier), attemptMs);
    } else await withinDeadline(send(options.channels, notice, factsOf(notice, found.context, options.baseUrl)), attemptMs);
  } catch (error) {
    const now = ctx.clock.now();
    const permanent = error instanceof DeliveryError && error.permanent;
    const next = permanent ? null : retryAt(notice.attempts, now, spreadOf(notice.id));
    const message = error instanceof Error ? error.message : String(error);
    await markAttemptFailed(ctx.db, ctx.cipher, notice.id, options.owner, { error: message, retryAt: next, at: now.toISOString() });
    if (next) return 'retrying';
    if (notice.purpose === 'tier') await bringNextTierForward(ctx.db, notice.alert_id, notice.tier, now.toISOString());
    return 'failed';
  }
  await markSent(ctx.db, notice.id, options.owner, ctx.clock.now().toISOString());
  return 'sent';
}

/**
 * The worker's delivery step: lease the notices that are due (or were left half-sent by a worker
 * that died), send them, record each outcome. A notice is recorded before it is sent, carries the
 * same idempotency key on every attempt, and is marked sent only after the receiver took it.
 */
export async function runDeliveryStep(ctx: ServiceContext, options: DeliveryOptions): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  // Only as many as go out at once: a claimed notice's lease starts ticking at the claim.
  const batch = options.concurrency ?? 20;
  for (;;) {
    const now = ctx.clock.now();
    const leaseUntil = now.getTime() + options.leaseMs;
    const claimed = await claimDueNotifications(ctx.db, ctx.dialect, ctx.cipher, {
      owner: options.owner,
      now: now.toISOString(),
      leaseUntil: new Date(leaseUntil).toISOString(),
      limit: batch,
    });
    if (claimed.length === 0) return result;
    const contexts = await findNoticeContexts(ctx.db, claimed.map((notice) => notice.alert_id));
    const dossiers = await findReleasedContents(ctx.db, ctx.cipher, claimed.filter((notice) => notice.purpose === 'dossier').map((notice) => notice.alert_id));
    const outcomes = await Promise.all(
      claimed.map((notice) => deliver(ctx, options, notice, { context: contexts.get(notice.alert_id), dossier: dossiers.get(notice.alert_id) }, leaseUntil)),
    );
    for (const outcome of outcomes) if (outcome !== 'released') result[outcome]++;
    if (claimed.length < batch || outcomes.includes('released')) return result;
  }
}

/** The tier notice a link belongs to; a dossier's recipients acknowledge nothing. */
async function noticeByToken(ctx: ServiceContext, token: string): Promise<Notification | null> {
  const notice = /^[A-Za-z0-9_-]{43}$/.test(token) ? await findNotificationByAckHash(ctx.db, ctx.cipher, hashAckToken(token)) : null;
  return notice?.purpose === 'tier' ? notice : null;
}

/** What the acknowledgement page shows its holder: the case number, the times, nothing sealed. */
export async function findNoticeForAck(ctx: ServiceContext, token: string): Promise<{ caseNumber: string; openedAt: string; tier: number; drill: boolean; state: Alert['state'] } | null> {
  const notice = await noticeByToken(ctx, token);
  const alert = notice ? await findAlertById(ctx.db, ctx.cipher, notice.alert_id) : null;
  const context = notice ? (await findNoticeContexts(ctx.db, [notice.alert_id])).get(notice.alert_id) : undefined;
  if (!notice || !alert || !context) return null;
  return { caseNumber: context.case_number, openedAt: alert.opened_at, tier: notice.tier, drill: notice.drill, state: alert.state };
}

export type AckResult = { result: 'acknowledged'; alert: Alert } | { result: 'already'; alert: Alert } | { result: 'unknown' };

/**
 * A recipient answers the link in their notice: the alert is acknowledged in their name, which
 * stops the next tiers. The token is the credential (256 random bits); nothing else is asked.
 */
export async function acknowledgeByNotice(ctx: ServiceContext, token: string): Promise<AckResult> {
  const notice = await noticeByToken(ctx, token);
  const alert = notice ? await findAlertById(ctx.db, ctx.cipher, notice.alert_id) : null;
  if (!notice || !alert) return { result: 'unknown' };
  if (alert.state !== 'open') return { result: 'already', alert };
  const actor = `recipient:${notice.id}`;
  const at = ctx.clock.now().toISOString();
  const done = await ctx.db.transaction().execute(async (trx) => {
    if (!(await markAcknowledged(trx, alert.id, actor, at))) return false;
    await recordChange(ctx, trx, {
      case_id: alert.case_id,
      entity: 'alert',
      entity_id: alert.id,
      version: alert.version + 1,
      action: 'update',
      actor,
      at,
      changes: diffChanges({ state: alert.state }, { state: 'acknowledged', acknowledged_via: `tier ${notice.tier} notice` }),
      reason: null,
    });
    return true;
  });
  const current = (await findAlertById(ctx.db, ctx.cipher, alert.id))!;
  return done ? { result: 'acknowledged', alert: current } : { result: 'already', alert: current };
}

/** A notice as readers of the case see it; the recipient only for those allowed secrets. */
export interface NoticeView {
  id: string;
  purpose: NoticePurpose;
  tier: number;
  channel: 'email' | 'webhook';
  recipient: string | null;
  drill: boolean;
  state: Notification['state'];
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
}

export async function listAlertNotices(ctx: ServiceContext, principal: Principal, alertId: string): Promise<NoticeView[]> {
  const alert = await findAlertById(ctx.db, ctx.cipher, alertId);
  if (!alert) throw new NotFoundError('alert');
  const access = await requireCaseRead(ctx, principal, alert.case_id, 'alert');
  const notices = await listNotificationsOfAlert(ctx.db, ctx.cipher, alertId);
  const views = notices.map(
    (notice): NoticeView => ({
      id: notice.id,
      purpose: notice.purpose,
      tier: notice.tier,
      channel: notice.channel,
      recipient: 'email' in notice.target ? notice.target.email : notice.target.webhook,
      drill: notice.drill,
      state: notice.state,
      attempts: notice.attempts,
      next_attempt_at: notice.state === 'pending' || notice.state === 'sending' ? notice.next_attempt_at : null,
      last_error: notice.last_error,
      sent_at: notice.sent_at,
      created_at: notice.created_at,
    }),
  );
  // Recipients are contact details: the secret class, audited when read.
  const shown = await asReadBy(ctx, principal, { id: alertId, views }, access, {
    entity: 'alert_notices',
    caseId: alert.case_id,
    secretFields: ['views'],
    hide: (record) => ({ ...record, views: record.views.map((view) => ({ ...view, recipient: null, last_error: null })) }),
  });
  return shown.views;
}
