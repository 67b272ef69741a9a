import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { systemPrincipal } from '../auth/roles.ts';
import { CliError, storeOptions, withStore, type Out, type StoreFlags } from '../cli/store-options.ts';
import { readConfig, type ConfigFlags } from '../config.ts';
import { getPersonSummary } from '../persons/persons.service.ts';
import { AgeError, parseIdentityFile, parseRecipient } from './age.ts';
import { bundleArchive, prepareBundle, writeBundleFile } from './bundle.service.ts';
import { verifyBundle } from './bundle-verify.ts';
import { caseIdentity } from './evidence.service.ts';
import { openVault } from './vault-setup.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function personId(given: string): string {
  if (!UUID.test(given)) throw new CliError(`--person takes a person id (a UUID), not "${given.slice(0, 60)}"`);
  return given.toLowerCase();
}

function readIdentities(file: string): string[] {
  try {
    return parseIdentityFile(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`--identity: ${error instanceof AgeError ? error.message : `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`}`);
  }
}

/** `vigil bundle export`, `vigil verify` and `vigil evidence identity` (DESIGN §6). */
export function registerVaultCommands(program: Command, out: Out): void {
  const bundle = program.command('bundle').description('offline-verifiable evidence bundles');
  storeOptions(
    bundle
      .command('export')
      .description("write a case's evidence files, custody events, revisions and their proofs to one signed checkpoint as one archive (as the operator at the server; audited)")
      .requiredOption('--person <id>', 'a person of the case')
      .requiredOption('--out <file>', 'the bundle to write (appears only once whole)')
      .option('--recipient <age1…>', 'encrypt the whole bundle to this age recipient'),
  ).action(async (flags: StoreFlags & { person: string; out: string; recipient?: string }) => {
    const id = personId(flags.person);
    if (flags.recipient !== undefined) {
      try {
        parseRecipient(flags.recipient);
      } catch {
        throw new CliError(`--recipient takes an age recipient (age1…), not "${flags.recipient.slice(0, 80)}"`);
      }
    }
    const config = readConfig(flags as ConfigFlags);
    await withStore(flags, async (store) => {
      const vault = await openVault(store.ctx, config);
      let summary = '';
      await writeBundleFile(flags.out, flags.recipient, async () => {
        const prepared = await prepareBundle(store.ctx, vault, systemPrincipal('cli'), id);
        summary = `${prepared.manifest.files.length} files, ${prepared.manifest.statements.length} statements proven to tree size ${prepared.manifest.log.tree_size}`;
        return bundleArchive(store.ctx, vault, prepared);
      });
      out(`bundle written to ${flags.out}${flags.recipient ? ' (age-encrypted)' : ''}: ${summary}`);
    });
  });

  program
    .command('verify')
    .description('check a bundle offline, layer by layer; exit 0 only if every layer passes')
    .argument('<bundle>', 'a file written by `vigil bundle export`')
    .option('--key <vkey>', 'the log key the organisation publishes (name+keyid+base64key), or a file holding it')
    .option('--identity <file>', 'an age identity file, for an encrypted bundle')
    .action(async (file: string, flags: { key?: string; identity?: string }) => {
      if (!existsSync(file)) throw new CliError(`cannot read ${file}`);
      const key = flags.key !== undefined && !flags.key.includes('+') && existsSync(flags.key) ? readFileSync(flags.key, 'utf8') : flags.key;
      const identities = flags.identity === undefined ? undefined : readIdentities(flags.identity);
      const result = await verifyBundle(file, { key, identities }, out);
      if (!result.ok) throw new CliError(`the bundle did not verify: ${result.failed.length ? `${result.failed.join(', ')} failed` : 'it could not be read'}`);
    });

  const evidence = program.command('evidence').description('the evidence vault');
  storeOptions(
    evidence
      .command('identity')
      .description("print the case's age identity (AGE-SECRET-KEY-1…), so its files open with the standard age tool (as the operator at the server; audited)")
      .requiredOption('--person <id>', 'a person of the case'),
  ).action(async (flags: StoreFlags & { person: string }) => {
    const id = personId(flags.person);
    const identity = await withStore(flags, async (store) => {
      const operator = systemPrincipal('cli');
      const person = await getPersonSummary(store.ctx, operator, id);
      const { identity } = await caseIdentity(store.ctx, person.case_id);
      await store.ctx.audit.append({ actor: operator.actor, action: 'evidence.identity_read', case_id: person.case_id, entity: 'person', entity_id: person.id });
      return identity;
    });
    out(identity);
  });
}
