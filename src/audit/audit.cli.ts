import type { Command } from 'commander';
import type { Out } from '../cli/store-options.ts';

/** PLACEHOLDER: the commands of this feature are being written. */
export function registerAuditCommands(_program: Command, _out: Out): void {}
