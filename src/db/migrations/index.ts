import type { Migration } from 'kysely';
import * as caseFile from './2026-11-29T0400-case-file.ts';
import * as protection from './2026-11-29T0600-protection.ts';
import * as watches from './2026-11-29T0800-watches.ts';
import * as alerts from './2026-11-29T0900-alerts.ts';
import * as notifications from './2026-11-29T1000-notifications.ts';
import * as watchSchedules from './2026-11-29T1100-watch-schedules.ts';
import * as watchChannels from './2026-11-29T1200-watch-channels.ts';
import * as evidenceVault from './2026-11-29T1300-evidence-vault.ts';
import * as nameSearch from './2026-11-29T1400-name-search.ts';
import * as textSearch from './2026-11-29T1500-text-search.ts';
import * as duplicatePairs from './2026-11-29T1510-duplicate-pairs.ts';
import * as nameKeyCaseIndex from './2026-11-29T1520-name-key-case-index.ts';
import * as personExternalIds from './2026-11-29T1600-person-external-ids.ts';
import * as stats from './2026-11-29T1610-stats.ts';
import * as directory from './2026-11-29T1700-directory.ts';
import * as interventionFollowUp from './2026-11-29T1710-intervention-follow-up.ts';
import * as publicRegister from './2026-11-29T1720-public-register.ts';
import * as publishedAt from './2026-11-29T1750-published-at.ts';
import * as followUpBackfill from './2026-11-29T1740-follow-up-backfill.ts';

/** Every migration, by name; names sort in the order they run. Never edit a released one. */
export const migrations: Record<string, Migration> = {
  '2026-11-29T0400-case-file': caseFile,
  '2026-11-29T0600-protection': protection,
  '2026-11-29T0800-watches': watches,
  '2026-11-29T0900-alerts': alerts,
  '2026-11-29T1000-notifications': notifications,
  '2026-11-29T1100-watch-schedules': watchSchedules,
  '2026-11-29T1200-watch-channels': watchChannels,
  '2026-11-29T1300-evidence-vault': evidenceVault,
  '2026-11-29T1400-name-search': nameSearch,
  '2026-11-29T1500-text-search': textSearch,
  '2026-11-29T1510-duplicate-pairs': duplicatePairs,
  '2026-11-29T1520-name-key-case-index': nameKeyCaseIndex,
  '2026-11-29T1600-person-external-ids': personExternalIds,
  '2026-11-29T1610-stats': stats,
  '2026-11-29T1700-directory': directory,
  '2026-11-29T1710-intervention-follow-up': interventionFollowUp,
  '2026-11-29T1720-public-register': publicRegister,
  '2026-11-29T1740-follow-up-backfill': followUpBackfill,
  '2026-11-29T1750-published-at': publishedAt,
};
