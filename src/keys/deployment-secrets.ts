import { randomBytes } from 'node:crypto';
import { findSetting, insertSettingIfAbsent } from '../auth/settings.repository.ts';
import type { ServiceContext } from '../services.ts';
import { sealContext } from './field-cipher.ts';

/**
 * A random per-deployment secret kept sealed in the settings, made on first use (several processes
 * starting at once keep the first). Sealed under a data key, so it is unreadable without the
 * deployment key, and rotating the deployment key (which rewraps the data keys) keeps it.
 */
export async function loadSealedSecret(ctx: Pick<ServiceContext, 'db' | 'cipher'>, setting: string, bytes = 32): Promise<Buffer> {
  const context = sealContext('settings', 'value', setting);
  let sealed = await findSetting(ctx.db, setting);
  if (sealed === undefined) {
    await insertSettingIfAbsent(ctx.db, setting, ctx.cipher.seal(randomBytes(bytes).toString('base64'), context));
    sealed = (await findSetting(ctx.db, setting))!;
  }
  return Buffer.from(ctx.cipher.open(sealed, context), 'base64');
}
