import type { Command } from 'commander';
import { systemPrincipal } from '../auth/roles.ts';
import { storeOptions, withStore, type Out, type StoreFlags } from '../cli/store-options.ts';
import { reindexAllPersons } from './name-index.ts';
import { loadSearchKey } from './search-keys.ts';
import { reindexAllText } from './text-index.ts';

/** `vigil search reindex`: rebuilds the name keys of every person and the text keys of every record (audited). */
export function registerSearchCommands(program: Command, out: Out): void {
  const search = program.command('search').description('cross-script name search and full-text search');
  storeOptions(search.command('reindex').description("rebuild every person's name keys and every record's text keys (after an upgrade, or a bulk load)")).action(async (flags: StoreFlags) => {
    await withStore(flags, async (store) => {
      const key = await loadSearchKey(store.ctx);
      const persons = await reindexAllPersons(store.ctx, key);
      const records = await reindexAllText(store.ctx, key);
      await store.ctx.audit.append({ actor: systemPrincipal('cli').actor, action: 'search.reindex', detail: { persons, records } });
      out(`reindexed the names of ${persons} persons and the text of ${records} records`);
    });
  });
}
