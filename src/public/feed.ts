import { createHash } from 'node:crypto';
import { escapeXml } from '../stats/bar-chart.ts';
import type { Translator } from '../web/i18n.ts';
import { publicTitleOf, type PublicCase } from './public.presenter.ts';

/**
 * The register as an Atom 1.0 feed (RFC 4287): one entry per case, its title as consent allows,
 * `updated` the case's last public change. Pure: the service gives the entries, the page the configured public address.
 */

export interface AtomEntry {
  case: PublicCase;
  /** A stable id for the entry, not the record's internal id (feedEntryId). */
  id: string;
  published_at: string;
  updated_at: string;
}

/** An entry's id: a name-based UUID of the person's record (its own id stays internal), as `urn:uuid:`. */
export function feedEntryId(personId: string): string {
  const hex = createHash('sha256').update(`vigil public register entry ${personId}`).digest('hex');
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Characters XML 1.0 cannot carry at all (control characters, unpaired surrogates, U+FFFE/FFFF) are dropped.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(text: string): string {
  return escapeXml(text.replace(NOT_XML, ''));
}

function summaryOf(item: PublicCase, i18n: Translator): string {
  const status = item.current_status ? `${i18n.label('status', item.current_status.status)} (${item.current_status.date})` : i18n.t('person.no_status');
  const ethnicity = item.ethnicity ? ` · ${i18n.label('ethnicity', item.ethnicity)}` : '';
  return `${status}${ethnicity}`;
}

/**
 * The feed's id when no public address is configured: a tag URI (RFC 4151) that no request can change.
 * Links are then relative (no xml:base), which Atom readers resolve against the feed's own address.
 */
export const FEED_TAG_ID = 'tag:vigil,2026:public-register';

export function renderAtomFeed(options: { publicUrl: string | undefined; entries: readonly AtomEntry[]; i18n: Translator; now: string }): string {
  const { entries, i18n } = options;
  const baseUrl = options.publicUrl ?? '';
  const updated = entries.reduce((latest, entry) => (entry.updated_at > latest ? entry.updated_at : latest), entries.length ? '' : options.now);
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${i18n.lang}">`,
    `  <id>${xmlText(options.publicUrl ? `${options.publicUrl}/public/feed.atom` : FEED_TAG_ID)}</id>`,
    `  <title>${xmlText(`${i18n.t('app.name')} · ${i18n.t('public.title')}`)}</title>`,
    `  <updated>${xmlText(updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(`${baseUrl}/public/feed.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(`${baseUrl}/public`)}"/>`,
    `  <author><name>${xmlText(i18n.t('app.name'))}</name></author>`,
  ];
  for (const entry of entries) {
    const href = `${baseUrl}/public/cases/${encodeURIComponent(entry.case.case_number)}`;
    lines.push(
      '  <entry>',
      `    <id>${xmlText(entry.id)}</id>`,
      `    <title>${xmlText(publicTitleOf(entry.case))}</title>`,
      `    <published>${xmlText(entry.published_at)}</published>`,
      `    <updated>${xmlText(entry.updated_at)}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(href)}"/>`,
      `    <summary>${xmlText(summaryOf(entry.case, i18n))}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>');
  return `${lines.join('\n')}\n`;
}
