import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '../lib/errors.ts';
import type { Principal } from '../auth/roles.ts';
import type { ServiceContext } from '../services.ts';
import { receiveUpload, type ReceivedEvidence, type UploadPlan, type Vault } from './evidence.service.ts';

/**
 * Reads a multipart upload part by part: the fields that come before the file decide where it is
 * filed (planFrom), then the file streams into the vault. Fields after the file are not read: the
 * form and the API both send the file last.
 */
export async function streamUpload(
  ctx: ServiceContext,
  vault: Vault,
  request: FastifyRequest,
  principal: Principal,
  planFrom: (fields: Record<string, string>) => Promise<UploadPlan>,
): Promise<ReceivedEvidence> {
  if (!request.isMultipart()) throw new InvalidInputError('send multipart/form-data with a "file" part', { file: 'required' });
  const fields: Record<string, string> = {};
  let received: ReceivedEvidence | null = null;
  for await (const part of request.parts({ limits: { fileSize: vault.maxBytes + 1 } })) {
    if (part.type === 'field') {
      if (received) continue;
      if (typeof part.value !== 'string') throw new InvalidInputError(`field ${part.fieldname} is not text`);
      fields[part.fieldname] = part.value;
      continue;
    }
    if (part.fieldname !== 'file' || received) {
      part.file.resume();
      throw new InvalidInputError('send one file, in a part named "file"', { file: 'one file part' });
    }
    let plan: UploadPlan;
    try {
      plan = await planFrom(fields);
    } catch (error) {
      // Nothing of the file is kept; it is read to its end so the answer reaches the client.
      part.file.resume();
      throw error;
    }
    received = await receiveUpload(ctx, vault, principal, plan, part.file, { fileName: part.filename, mediaType: part.mimetype });
  }
  if (!received) throw new InvalidInputError('the upload has no file part', { file: 'required' });
  return received;
}
