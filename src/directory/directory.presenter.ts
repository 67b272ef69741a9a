import type { DirectoryEntry } from './directory.types.ts';

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentDirectoryEntry(entry: DirectoryEntry) {
  return {
    id: entry.id,
    kind: entry.kind,
    name: entry.name,
    country: entry.country,
    salutation: entry.salutation,
    address: entry.address,
    email: entry.email,
    phone: entry.phone,
    fax: entry.fax,
    website: entry.website,
    languages: entry.languages,
    note: entry.note,
    version: entry.version,
    created_at: entry.created_at,
    updated_at: entry.updated_at,
    retracted: entry.retracted_at !== null,
    retracted_at: entry.retracted_at,
    retraction_reason: entry.retraction_reason,
  };
}
