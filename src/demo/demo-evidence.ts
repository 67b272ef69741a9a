import { Readable } from 'node:stream';
import type { ServiceContext } from '../services.ts';
import { ensureDemoUser } from '../users/users.service.ts';
import { fileUpload, planUpload, stageUpload, type Vault } from '../vault/evidence.service.ts';
import type { EvidenceMetaInput } from '../vault/evidence.schemas.ts';
import { gradientPng, sineWav } from './demo-media.ts';
import { demoUserPrincipal } from './load-demo.ts';

/** The demo's evidence for the §1 case: made-up media, said to be so, filed through the real vault. */
export async function loadDemoEvidence(ctx: ServiceContext, vault: Vault, personId: string): Promise<number> {
  const by = demoUserPrincipal(await ensureDemoUser(ctx));
  const files: Array<{ fileName: string; mediaType: string; data: Buffer; meta: Omit<EvidenceMetaInput, 'person_ids'> }> = [
    {
      fileName: 'voice-message-2021-02-19.wav',
      mediaType: 'audio/wav',
      data: sineWav(3),
      meta: {
        description: 'Voice message she sent the group on 19 February, relayed by her brother. (Demo: a tone stands in for the voice.)',
        capture: { recorded_by: { value: 'the person herself', asserted_by: 'her brother' }, recorded_at: { value: '2021-02-19', asserted_by: 'the messenger’s metadata' }, device: 'her phone' },
      },
    },
    {
      fileName: 'summons.png',
      mediaType: 'image/png',
      data: gradientPng(240, 160),
      meta: { description: 'Photo of the police summons, sent by a cousin. (Demo: a gradient stands in for the photo.)', capture: { recorded_by: 'her cousin' } },
    },
  ];
  for (const file of files) {
    const plan = await planUpload(ctx, by, { person_ids: [personId], ...file.meta });
    await fileUpload(ctx, vault, by, await stageUpload(vault, plan, Readable.from([file.data]), { fileName: file.fileName, mediaType: file.mediaType }));
  }
  return files.length;
}
