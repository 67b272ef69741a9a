import type { DirectoryEntry } from './directory.types.ts';

/** An entry's particulars, as a document's "write to" names them (and as every answer about an entry starts). */
export function presentAddressee(entry: Pick<DirectoryEntry, 'id' | 'kind' | 'name' | 'country' | 'salutation' | 'address' | 'email' | 'phone' | 'fax' | 'website'>) {
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
  };
}

/** Every field sent is named here, so nothing leaves that was not meant to. */
export function presentDirectoryEntry(entry: DirectoryEntry) {
  return {
    ...presentAddressee(entry),
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
