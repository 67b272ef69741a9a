import type { Command } from 'commander';
import { systemPrincipal } from '../auth/roles.ts';
import { CliError, storeOptions, withStore, type Out, type StoreFlags } from '../cli/store-options.ts';
import { verifyAuditChain } from './audit.service.ts';

/** `vigil audit verify`: checks the whole chain and names the first bad entry. */
export function registerAuditCommands(program: Command, out: Out): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  storeOptions(audit.command('verify').description('check every audit entry, its link and the chain head; name the first bad entry')).action(
    async (flags: StoreFlags) => {
      await withStore(flags, async (store) => {
        const result = await verifyAuditChain(store.ctx.db);
        // A broken chain is evidence: write nothing to the store under investigation, and do not
        // chain a new entry onto a head that is known to be bad. The failure goes to stderr.
        if (!result.ok) throw new CliError(result.message);
        await store.ctx.audit.append({
          actor: systemPrincipal('cli').actor,
          action: 'audit.verify',
          detail: { entries: result.count, head_seq: result.head.seq, head_hash: result.head.hash },
        });
        out(`ok: ${result.count} entries, head ${result.head.hash}`);
      });
    },
  );
}
