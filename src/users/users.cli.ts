import type { Command } from 'commander';
import { isRole, systemPrincipal } from '../auth/roles.ts';
import { createToken } from '../auth/tokens.service.ts';
import { CliError, storeOptions, withStore, type Out, type StoreFlags } from '../cli/store-options.ts';
import { findUserByEmail } from './users.repository.ts';
import { addUserAtServer, createTokenForEmail, durationMs, normaliseEmail, resetUserSignIn } from './users.service.ts';
import type { SetupLink } from './users.types.ts';

/** Standard input as text, without its final newline: `echo … | vigil user add --password-stdin`. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('--password-stdin reads the password from standard input; pipe it in');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function linkText(link: SetupLink, baseUrl: string | undefined): string {
  return baseUrl ? new URL(link.path, baseUrl).toString() : link.path;
}

/** `vigil user add`, `vigil user reset`. */
export function registerUserCommands(program: Command, out: Out): void {
  const user = program.command('user').description('users who sign in to the web UI');

  storeOptions(
    user
      .command('add')
      .description('add a user; prints a one-time sign-in link unless --password-stdin gives a password')
      .requiredOption('--email <email>', 'the address they sign in with')
      .requiredOption('--role <role>', 'admin, coordinator, researcher or viewer')
      .option('--name <name>', 'their name as shown to colleagues')
      .option('--password-stdin', 'read the password from standard input')
      .option('--base-url <url>', 'print the link as a full address, e.g. http://abc…xyz.onion'),
  ).action(async (flags: StoreFlags & { email: string; role: string; name?: string; passwordStdin?: boolean; baseUrl?: string }) => {
    if (!isRole(flags.role)) throw new CliError(`unknown role "${flags.role}" (admin, coordinator, researcher, viewer)`);
    const password = flags.passwordStdin ? await readStdin() : undefined;
    const created = await withStore(flags, (store) =>
      addUserAtServer(store.ctx, { email: flags.email, role: flags.role, ...(flags.name ? { display_name: flags.name } : {}), ...(password !== undefined ? { password } : {}) }),
    );
    out(created.setupLink ? linkText(created.setupLink, flags.baseUrl) : created.user.id);
  });

  storeOptions(
    user
      .command('reset')
      .description('clear a user’s password, second factor and sessions; prints a new one-time sign-in link')
      .requiredOption('--email <email>', 'the user’s address')
      .option('--base-url <url>', 'print the link as a full address'),
  ).action(async (flags: StoreFlags & { email: string; baseUrl?: string }) => {
    const link = await withStore(flags, async (store) => {
      const row = await findUserByEmail(store.ctx.db, normaliseEmail(flags.email));
      if (!row) throw new CliError(`no user has the email ${flags.email}`);
      return resetUserSignIn(store.ctx, systemPrincipal('cli'), row.id);
    });
    out(linkText(link, flags.baseUrl));
  });
}

/**
 * `vigil token create`: prints only the token. Without --email the token gets a service user of its
 * own with the role; with --email it belongs to that user, whose role it must name.
 */
export function registerTokenCommands(program: Command, out: Out): void {
  const token = program.command('token').description('API tokens');
  storeOptions(
    token
      .command('create')
      .description('create a bearer token and print it (only its hash is kept)')
      .requiredOption('--role <role>', 'admin, coordinator, researcher or viewer')
      .option('--name <name>', 'who or what the token is for')
      .option('--email <email>', 'make the token for this existing user')
      .option('--read-only', 'the token reads and never changes anything')
      .option('--expires-in <duration>', 'ISO 8601 duration, e.g. P90D'),
  ).action(async (flags: StoreFlags & { role: string; name?: string; email?: string; readOnly?: boolean; expiresIn?: string }) => {
    if (!isRole(flags.role)) throw new CliError(`unknown role "${flags.role}" (admin, coordinator, researcher, viewer)`);
    const role = flags.role;
    const created = await withStore(flags, async (store) => {
      if (flags.email) {
        return createTokenForEmail(store.ctx, { email: flags.email, role, name: flags.name, read_only: flags.readOnly ?? false, expires_in: flags.expiresIn });
      }
      const ms = flags.expiresIn === undefined ? undefined : durationMs(flags.expiresIn);
      if (ms === null) throw new CliError(`--expires-in takes an ISO 8601 duration such as P90D, not "${flags.expiresIn}"`);
      const made = await createToken(store.ctx.db, store.ctx.clock, {
        role,
        name: flags.name,
        readOnly: flags.readOnly ?? false,
        expiresAt: ms === undefined ? undefined : new Date(store.ctx.clock.now().getTime() + ms),
      });
      await store.ctx.audit.append({ actor: 'system:cli', action: 'token.created', entity: 'api_token', entity_id: made.id, detail: { user_id: made.userId, service_user: true, read_only: flags.readOnly ?? false } });
      return made.token;
    });
    out(created);
  });
}
