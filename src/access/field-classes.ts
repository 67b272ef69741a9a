/**
 * Every field of every record kind, by class (issue 3; DESIGN §4):
 * - public: may appear on the public register, as the person's consent allows (issue 7);
 * - internal: for the case's members, viewers included;
 * - secret: never in a list, never for a viewer, and every read of it is audited.
 * Presenters name the fields they send; this catalogue is what they and the tests check against.
 */
export const FIELD_CLASSES = {
  person: {
    public: ['case_number', 'names', 'sex', 'birth', 'ethnicity', 'citizenships', 'current_status', 'published'],
    internal: ['case_id', 'hometown', 'residence', 'occupation', 'father_name', 'risk', 'verification', 'consent', 'duplicate_of', 'merged_from', 'timeline'],
    secret: ['national_id', 'notes'],
  },
  status_entry: {
    public: ['status', 'date'],
    internal: ['place', 'whereabouts_acknowledged', 'contact_permitted', 'note', 'citations'],
    secret: [],
  },
  source: {
    public: ['kind', 'title', 'publisher', 'url', 'date', 'language'],
    internal: ['person_id', 'reliability', 'confidential'],
    secret: ['confidential_identity'],
  },
  actor: { public: ['name', 'names', 'type', 'parent_id', 'place'], internal: ['case_id'], secret: [] },
  event: { public: ['title', 'date', 'place'], internal: ['person_id', 'description', 'acts', 'citations'], secret: [] },
  relation: { public: [], internal: ['from_person_id', 'to_person_id', 'relation', 'trusted_contact'], secret: ['contact'] },
  intervention: { public: ['type', 'addressee', 'date', 'status'], internal: ['person_id', 'note', 'response', 'follow_up_on'], secret: [] },
  // PINs and the check-in link are write-only: stored as hashes, sent never (the link once, at creation).
  // Escalation recipients are contacts, secret like a relation's.
  watch: {
    public: [],
    internal: ['person_id', 'interval', 'times', 'time_zone', 'rest', 'travel', 'grace', 'proxies', 'last_contact_at', 'next_deadline', 'overdue', 'state'],
    secret: ['escalation', 'pin', 'duress_pin', 'checkin_url'],
  },
  checkin: { public: [], internal: ['watch_id', 'at', 'recorded_at', 'channel', 'by_person_id', 'note', 'kind'], secret: [] },
  // A duress alert is for the case's members only, like every alert; never shown on the check-in page.
  alert: {
    public: [],
    internal: ['kind', 'drill', 'person_id', 'watch_id', 'opened_at', 'tier', 'notified_tiers', 'next_escalation_at', 'state', 'deadline_at', 'acknowledged_at', 'acknowledged_by', 'resolved_at', 'resolved_by', 'outcome', 'note'],
    secret: [],
  },
  // Who was called is contact detail: the recipient and what their server answered.
  notice: { public: [], internal: ['purpose', 'tier', 'channel', 'drill', 'state', 'attempts', 'next_attempt_at', 'sent_at', 'created_at'], secret: ['recipient', 'last_error'] },
  dossier: { public: [], internal: ['watch_id', 'records', 'release_after'], secret: ['statement', 'recipients'] },
  dossier_release: { public: [], internal: ['alert_id', 'state', 'release_at', 'released_at', 'drill', 'vetoes', 'vetoes_needed'], secret: ['reason'] },
  // A file's description and capture facts are for the case's members; its bytes only through the content route.
  evidence: {
    public: [],
    internal: ['case_id', 'file_name', 'media_type', 'size', 'sha256', 'description', 'capture', 'parent_id', 'derivation', 'person_ids', 'event_ids', 'source_ids', 'custody', 'duplicate_of', 'content_url'],
    secret: [],
  },
} as const satisfies Record<string, { public: readonly string[]; internal: readonly string[]; secret: readonly string[] }>;

export type RecordKind = keyof typeof FIELD_CLASSES;

/** Every secret field name of any kind: what no list and no viewer ever receives. */
export const ALL_SECRET_FIELDS: readonly string[] = [...new Set(Object.values(FIELD_CLASSES).flatMap((kind) => kind.secret))];
