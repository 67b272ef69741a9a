import type { ServiceContext } from '../services.ts';
import type { Vault } from './evidence.service.ts';
import { listLogEntriesFor, type LogSubject } from './log.repository.ts';
import { currentCheckpoint, inclusionProof, type CheckpointView } from './log.service.ts';

/**
 * Statements with what proves them: the salt and statement that make the leaf, its place, and the
 * inclusion proof to one signed checkpoint. For an item's proof page and for bundles.
 */

export interface ProvenStatement {
  subject: LogSubject;
  subject_id: string;
  leaf_index: number;
  /** Leaf input, base64: SHA-256(salt ‖ statement). */
  data: string;
  salt: string;
  statement: string;
  /** Inclusion proof to the checkpoint, base64, leaf upwards. */
  hashes: string[];
}

export interface ProvenSet {
  checkpoint: CheckpointView;
  verifier_key: string;
  statements: ProvenStatement[];
}

/** Places what waits, takes the newest checkpoint, and proves each statement of these subjects in it. */
export async function proveSubjects(ctx: ServiceContext, vault: Vault, subjects: Array<{ subject: LogSubject; ids: string[] }>): Promise<ProvenSet> {
  const checkpoint = await currentCheckpoint(ctx, vault.signer);
  const statements: ProvenStatement[] = [];
  for (const { subject, ids } of subjects) {
    for (const entry of await listLogEntriesFor(ctx.db, ctx.cipher, subject, ids)) {
      // Placed after this checkpoint was read (a concurrent sequencer): proven in the next one.
      if (entry.leaf_index === null || entry.leaf_index >= checkpoint.size) continue;
      const hashes = await inclusionProof(ctx, entry.leaf_index, checkpoint.size);
      statements.push({
        subject,
        subject_id: entry.subject_id,
        leaf_index: entry.leaf_index,
        data: entry.data.toString('base64'),
        salt: entry.salt.toString('base64'),
        statement: entry.statement,
        hashes: hashes.map((hash) => hash.toString('base64')),
      });
    }
  }
  statements.sort((a, b) => a.leaf_index - b.leaf_index);
  return { checkpoint, verifier_key: vault.signer.verifierKey, statements };
}
