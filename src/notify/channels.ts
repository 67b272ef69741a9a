import nodemailer from 'nodemailer';
import type { Clock } from '../lib/clock.ts';
import { signPayload } from '../lib/signature.ts';

/** A delivery that did not go through; a permanent one is not retried (and escalates at once). */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.permanent = permanent;
  }
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** The same on every attempt: a mail client shows a repeat as one message. */
  messageId: string;
  idempotencyKey: string;
}

export interface OutgoingWebhook {
  url: string;
  secret: string;
  body: string;
  idempotencyKey: string;
}

/** Where notices leave Vigil. Both throw DeliveryError; anything else thrown counts as transient. */
export interface DeliveryChannels {
  sendMail(mail: OutgoingMail): Promise<void>;
  postWebhook(hook: OutgoingWebhook): Promise<void>;
  close(): void;
}

export interface ChannelSettings {
  /** VIGIL_SMTP_URL: smtp://host:port or smtps://user:pass@host; without it mail fails for good (and escalates). */
  smtpUrl: string | undefined;
  mailFrom: string;
  clock: Clock;
  /** Each attempt's limit; keep it well inside the worker's lease. */
  timeoutMs?: number;
}

export const DELIVERY_TIMEOUT_MS = 15_000;

function smtpError(error: unknown): DeliveryError {
  const code = (error as { responseCode?: unknown }).responseCode;
  const message = error instanceof Error ? error.message : String(error);
  // 5xx is the server's final word on this message; anything else (4xx, no connection) may pass later.
  return new DeliveryError(message, typeof code === 'number' && code >= 500 && code < 600);
}

/**
 * smtps://user:pass@host (TLS from the start), or smtp://host:port with STARTTLS required: the
 * acknowledgement links and any password must not cross the network in clear. Only a relay on this
 * machine (localhost) may be spoken to without TLS.
 */
export function smtpServer(url: string): { host: string; port: number; secure: boolean; requireTLS: boolean; auth?: { user: string; pass: string } } {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && !local,
    ...(parsed.username ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } } : {}),
  };
}

/** HTTP answers worth another try: timeouts, rate limits and server errors. */
function transientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export function createDeliveryChannels(settings: ChannelSettings): DeliveryChannels {
  const timeoutMs = settings.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const transport = settings.smtpUrl ? nodemailer.createTransport({ ...smtpServer(settings.smtpUrl), pool: true, maxConnections: 5, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }) : null;
  return {
    async sendMail(mail) {
      if (!transport) throw new DeliveryError('no SMTP server is configured (VIGIL_SMTP_URL)', true);
      try {
        await transport.sendMail({
          from: settings.mailFrom,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
          headers: { 'X-Vigil-Idempotency-Key': mail.idempotencyKey, 'Auto-Submitted': 'auto-generated' },
        });
      } catch (error) {
        throw smtpError(error);
      }
    },
    async postWebhook(hook) {
      const t = Math.floor(settings.clock.now().getTime() / 1000);
      let response: Response;
      try {
        response = await fetch(hook.url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Vigil',
            'idempotency-key': hook.idempotencyKey,
            'x-vigil-signature': signPayload(hook.secret, hook.body, t),
          },
          body: hook.body,
        });
      } catch (error) {
        throw new DeliveryError(error instanceof Error ? error.message : String(error), false);
      }
      await response.body?.cancel();
      if (response.ok) return;
      // A redirect is not followed: the signature and the body were meant for this address only.
      throw new DeliveryError(`the webhook answered ${response.status}`, !transientStatus(response.status));
    },
    close() {
      transport?.close();
    },
  };
}
