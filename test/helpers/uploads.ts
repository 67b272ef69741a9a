import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';

/** A part of a hand-built multipart body: a field, or a file with the exact file name given (hostile ones included). */
export type Part = { name: string; value: string } | { name: string; fileName: string; type?: string; data: Buffer };

/** A multipart/form-data body written byte by byte, so tests control names, order and damage. */
export function multipartBody(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----vigil${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('value' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`),
        part.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface UploadResponse {
  status: number;
  body: any;
}

/** POSTs a multipart body (JSON answer expected). */
export async function postMultipart(url: string, parts: Part[], headers: Record<string, string> = {}): Promise<UploadResponse> {
  const { body, contentType } = multipartBody(parts);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: new Uint8Array(body) });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

/**
 * Sends only the first `sendBytes` of a multipart upload, then cuts the connection, as a phone
 * losing its signal would. Resolves once the server has seen the socket close.
 */
export async function cutOffUpload(url: string, parts: Part[], sendBytes: number, headers: Record<string, string> = {}): Promise<void> {
  const { body, contentType } = multipartBody(parts);
  await new Promise<void>((resolve) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': String(body.length), ...headers } });
    request.on('error', () => resolve());
    request.on('response', () => resolve());
    request.write(body.subarray(0, sendBytes), () => {
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 200);
    });
  });
}
