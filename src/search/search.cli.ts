import type { Command } from 'commander';
import { systemPrincipal } from '../auth/roles.ts';
import { storeOptions, withStore, type Out, type StoreFlags } from '../cli/store-options.ts';
import { reindexAllPersons } from './name-index.ts';
import { loadSearchKey } from './search-keys.ts';

/** `vigil search reindex`: rebuilds the name keys of every person (audited). */
export function registerSearchCommands(program: Command, out: Out): void {
  const search = program.command('search').description('cross-script name search');
  storeOptions(search.command('reindex').description("rebuild every person's name keys (after an upgrade, or a bulk load)")).action(async (flags: StoreFlags) => {
    await withStore(flags, async (store) => {
      const count = await reindexAllPersons(store.ctx, await loadSearchKey(store.ctx));
      await store.ctx.audit.append({ actor: systemPrincipal('cli').actor, action: 'search.reindex', detail: { persons: count } });
      out(`reindexed the names of ${count} persons`);
    });
  });
}
