import type { Config } from '../config.ts';
import { loadSealedSecret } from '../keys/deployment-secrets.ts';
import type { ServiceContext } from '../services.ts';
import { fileBlobStore, sweepStaleTemps } from './blob-store.ts';
import type { Vault } from './evidence.service.ts';
import { loadLogSigner } from './log.service.ts';

/** The vault as configured: blobs in the data directory, the log's key and the address key from the store. */
export async function openVault(ctx: ServiceContext, config: Pick<Config, 'dataDir' | 'evidenceMaxBytes' | 'logOrigin'>): Promise<Vault> {
  const blobs = fileBlobStore(config.dataDir);
  await sweepStaleTemps(config.dataDir, Date.now());
  return {
    blobs,
    signer: await loadLogSigner(ctx, config.logOrigin),
    addressKey: await loadSealedSecret(ctx, 'vault_address_key'),
    maxBytes: config.evidenceMaxBytes,
  };
}
