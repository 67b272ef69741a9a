import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as it arrived over SMTP, parsed. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Map<string, unknown>;
  raw: string;
}

/** A real SMTP server on a random local port; `reject` makes it answer RCPT with a code (e.g. 550). */
export interface MailCatcher {
  url: string;
  mails: ReceivedMail[];
  reject: { code: number; message: string } | null;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function startMailCatcher(): Promise<MailCatcher> {
  const catcher: MailCatcher = {
    url: '',
    mails: [],
    reject: null,
    waitFor: async (count, timeoutMs = 10_000) => {
      await waitUntil(() => catcher.mails.length >= count, timeoutMs, `${count} mail(s), have ${catcher.mails.length}`);
      return catcher.mails;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (catcher.reject) {
        const error = new Error(catcher.reject.message) as Error & { responseCode: number };
        error.responseCode = catcher.reject.code;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            catcher.mails.push({
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              messageId: parsed.messageId ?? '',
              headers: parsed.headers,
              raw,
            });
            callback();
          })
          .catch(callback);
      });
    },
  });
  // A sender killed mid-conversation resets its connection: that is the test, not a failure of it.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  catcher.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return catcher;
}

export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP listener for webhooks; `status` is what it answers (200 unless a test says otherwise). */
export interface HookCatcher {
  url: string;
  hooks: ReceivedHook[];
  status: number;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

export async function startHookCatcher(): Promise<HookCatcher> {
  const hooks: ReceivedHook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hooks.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(catcher.status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  const catcher: HookCatcher = {
    url: '',
    hooks,
    status: 200,
    waitFor: async (count, timeoutMs = 10_000) => {
      await waitUntil(() => hooks.length >= count, timeoutMs, `${count} webhook(s), have ${hooks.length}`);
      return hooks;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  catcher.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return catcher;
}
