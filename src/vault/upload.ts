import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '../lib/errors.ts';
import type { Principal } from '../auth/roles.ts';
import type { ServiceContext } from '../services.ts';
import { discardUpload, fileUpload, stageUpload, type ReceivedEvidence, type StagedUpload, type UploadPlan, type Vault } from './evidence.service.ts';

/**
 * Reads a multipart upload part by part: the fields that come before the file decide where it is
 * filed (planFrom), then the file streams into a temporary file. Only when the whole body has been
 * read, with exactly one file, is it filed: a second file, or a body cut off after the file, leaves
 * nothing. Fields after the file are ignored: the form and the API both send the file last.
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
  let staged: StagedUpload | null = null;
  try {
    for await (const part of request.parts({ limits: { files: 2, fileSize: vault.maxBytes + 1 } })) {
      if (part.type === 'field') {
        if (staged) continue;
        if (typeof part.value !== 'string') throw new InvalidInputError(`field ${part.fieldname} is not text`);
        fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== 'file' || staged) {
        part.file.resume();
        throw new InvalidInputError('send one file, in a part named "file"', { file: 'one file part' });
      }
      let plan: UploadPlan;
      try {
        plan = await planFrom(fields);
      } catch (error) {
        part.file.resume();
        throw error;
      }
      staged = await stageUpload(vault, plan, part.file, { fileName: part.filename, mediaType: part.mimetype });
    }
  } catch (error) {
    if (staged) await discardUpload(vault, staged);
    throw error;
  }
  if (!staged) throw new InvalidInputError('the upload has no file part', { file: 'required' });
  return fileUpload(ctx, vault, principal, staged);
}
