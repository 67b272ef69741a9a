/** Row shapes as stored. They stop at the repositories: services see domain objects. */

interface VersionedRow {
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}

export interface PersonRow extends VersionedRow {
  id: string;
  /** The case this person is filed under: its own id for a case, the case's id for a relative. */
  case_id: string;
  case_seq: number;
  case_number: string;
  sex: string | null;
  birth: string | null;
  birth_earliest: string | null;
  ethnicity: string | null;
  citizenships: string;
  hometown: string | null;
  residence: string | null;
  occupation: string | null;
  father_name: string | null;
  national_id: string | null;
  notes: string | null;
  risk: string | null;
  verification: number | null;
  consent: string | null;
  published: number;
  /** When the person was last published (ISO time); null while unpublished (migration T1750). */
  published_at: string | null;
  duplicate_of: string | null;
  current_status: string | null;
  current_status_id: string | null;
  /** Another system's id for this person, kept by import so a second import finds it (plain; unique). */
  external_id: string | null;
  /** Year of the earliest standing detention-like status entry (stats.repository.ts keeps it). */
  detention_year: number | null;
}

export interface PersonNameRow {
  id: string;
  person_id: string;
  position: number;
  text: string;
  script: string;
  lang: string | null;
  kind: string;
}

export interface StatusEntryRow extends VersionedRow {
  id: string;
  case_id: string;
  person_id: string;
  status: string;
  date: string;
  date_earliest: string;
  date_latest: string | null;
  place: string | null;
  whereabouts_acknowledged: string | null;
  contact_permitted: string | null;
  note: string | null;
}

export interface SourceRow extends VersionedRow {
  id: string;
  case_id: string | null;
  kind: string;
  title: string;
  publisher: string | null;
  url: string | null;
  date: string | null;
  date_earliest: string | null;
  language: string | null;
  reliability: string | null;
  confidential: number;
  confidential_identity: string | null;
}

export interface CitationRow {
  id: string;
  case_id: string | null;
  source_id: string;
  target_type: string;
  target_id: string;
  field: string | null;
  hand: string;
  note: string | null;
  created_at: string;
  retracted_at: string | null;
}

export interface ActorRow extends VersionedRow {
  id: string;
  case_id: string | null;
  name: string;
  names: string;
  type: string;
  parent_id: string | null;
  place: string | null;
}

export interface EventRow extends VersionedRow {
  id: string;
  case_id: string | null;
  title: string;
  date: string | null;
  date_earliest: string | null;
  date_latest: string | null;
  place: string | null;
  description: string | null;
}

export interface ActRow {
  id: string;
  event_id: string;
  case_id: string | null;
  position: number;
  type: string;
  victim_id: string | null;
  perpetrators: string;
  date: string | null;
  date_earliest: string | null;
  place: string | null;
  status_at_end: string | null;
  retracted_at: string | null;
}

export interface RelationRow extends VersionedRow {
  id: string;
  case_id: string | null;
  from_person_id: string;
  to_person_id: string;
  relation: string;
  trusted_contact: number;
  contact: string | null;
}

export interface InterventionRow extends VersionedRow {
  id: string;
  case_id: string | null;
  person_id: string;
  type: string;
  addressee: string | null;
  date: string | null;
  date_earliest: string | null;
  status: string;
  note: string | null;
  response: string | null;
  follow_up_on: string | null;
}

export interface DirectoryEntryRow extends VersionedRow {
  id: string;
  kind: string;
  name: string;
  country: string | null;
  salutation: string | null;
  address: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  website: string | null;
  languages: string;
  note: string | null;
}

export interface RevisionRow {
  id: string;
  case_id: string | null;
  entity: string;
  entity_id: string;
  version: number;
  action: string;
  actor: string;
  at: string;
  changes: string;
  reason: string | null;
}

export interface ApiTokenRow {
  id: string;
  name: string | null;
  role: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  user_id: string | null;
  /** `api` (made by a user or the CLI) or `session` (minted at web sign-in). */
  kind: string;
  read_only: number;
  last_used_at: string | null;
}

export interface UserRow {
  id: string;
  email: string;
  display_name: string | null;
  role: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled_at: string | null;
  recovery_codes: string | null;
  failed_logins: number;
  locked_until: string | null;
  setup_token_hash: string | null;
  setup_expires_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

export interface CaseMemberRow {
  case_id: string;
  user_id: string;
  role: string;
  added_at: string;
  added_by: string;
}

export interface BreakGlassRow {
  id: string;
  case_id: string;
  user_id: string;
  reason: string;
  opened_at: string;
  expires_at: string;
}

export interface NoticeRow {
  id: string;
  user_id: string;
  case_id: string | null;
  kind: string;
  actor: string;
  message: string;
  created_at: string;
  read_at: string | null;
}

export interface AuditEntryRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  case_id: string | null;
  entity: string | null;
  entity_id: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

export interface DataKeyRow {
  id: string;
  wrapped: string;
  created_at: string;
}

export interface WatchRow {
  id: string;
  case_id: string;
  person_id: string;
  /** Null when the watch has fixed check-in times. */
  check_interval: string | null;
  check_interval_seconds: number | null;
  grace: string;
  grace_seconds: number;
  /** JSON array of person ids. */
  proxies: string;
  /** Sealed scrypt hashes. */
  pin_hash: string;
  duress_pin_hash: string;
  /** SHA-256 (hex) of the check-in link's secret. */
  checkin_secret_hash: string;
  /** Sealed JSON of the escalation tiers. */
  escalation: string;
  last_contact_at: string | null;
  next_deadline: string;
  state: string;
  failed_pins: number;
  locked_until: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
  /** JSON array of local times (HH:MM); null for an interval schedule. */
  check_times: string | null;
  /** IANA zone of the times and rest periods. */
  time_zone: string;
  /** JSON array of {from, to} local times. */
  rest_periods: string;
  travel_started_at: string | null;
  travel_until: string | null;
  travel_interval: string | null;
  travel_interval_seconds: number | null;
  /** Sealed. */
  travel_note: string | null;
  /** When the count began, if later than the last contact matters: creation or resumption. */
  counting_from: string | null;
}

export interface CheckinRow {
  id: string;
  watch_id: string;
  case_id: string;
  at: string;
  recorded_at: string;
  channel: string;
  by_person_id: string | null;
  kind: string;
  /** Sealed. */
  note: string | null;
}

export interface AlertRow {
  id: string;
  case_id: string;
  watch_id: string | null;
  person_id: string;
  kind: string;
  state: string;
  opened_at: string;
  tier: number;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  outcome: string | null;
  /** Sealed. */
  note: string | null;
  deadline_at: string | null;
  checkin_id: string | null;
  notified_tiers: number;
  next_step_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DossierRow {
  watch_id: string;
  case_id: string;
  /** Sealed. */
  statement: string;
  /** Sealed JSON. */
  recipients: string;
  records: string;
  release_after: string;
  release_after_seconds: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DossierReleaseRow {
  id: string;
  alert_id: string;
  watch_id: string;
  case_id: string;
  release_at: string;
  state: string;
  drill: number;
  /** Sealed. */
  content: string | null;
  released_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface DossierVetoRow {
  release_id: string;
  user_id: string;
  at: string;
  /** Sealed. */
  reason: string;
}

export interface NotificationRow {
  id: string;
  alert_id: string;
  case_id: string;
  purpose: string;
  tier: number;
  target_index: number;
  channel: string;
  /** Sealed JSON of the target. */
  target: string;
  idempotency_key: string;
  drill: number;
  state: string;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  /** Sealed. */
  last_error: string | null;
  sent_at: string | null;
  /** Sealed. */
  ack_token: string;
  ack_token_hash: string;
  created_at: string;
  updated_at: string;
}

/** A sender who may check in for a watch by an inbound gateway; the sender itself only as a keyed hash. */
export interface WatchInboundSenderRow {
  watch_id: string;
  gateway: string;
  sender_hash: string;
  created_at: string;
}

export interface CaseKeyRow {
  case_id: string;
  recipient: string;
  identity: string;
  created_at: string;
}

export interface EvidenceBlobRow {
  id: string;
  case_id: string;
  address: string;
  sha256: string;
  size: number;
  created_at: string;
}

export interface EvidenceItemRow {
  id: string;
  case_id: string;
  blob_id: string;
  file_name: string;
  media_type: string;
  description: string | null;
  capture: string | null;
  parent_id: string | null;
  derivation: string | null;
  version: number;
  created_at: string;
  created_by: string;
  retracted_at: string | null;
  retraction_reason: string | null;
}

export interface EvidenceLinkRow {
  evidence_id: string;
  entity: string;
  entity_id: string;
}

export interface CustodyEventRow {
  id: string;
  evidence_id: string;
  case_id: string;
  kind: string;
  at: string;
  actor: string;
  detail: string | null;
}

export interface LogEntryRow {
  id: string;
  leaf_index: number | null;
  subject: string;
  subject_id: string;
  data: string;
  salt: string;
  statement: string;
  created_at: string;
}

export interface LogCheckpointRow {
  size: number;
  root: string;
  note: string;
  created_at: string;
}

/** A keyed hash of one word stem of a record's free text (secret: 1 for a secret field's words). */
export interface TextSearchKeyRow {
  entity: string;
  record_id: string;
  case_id: string | null;
  secret: number;
  key: string;
}

export interface Database {
  counters: { name: string; value: number };
  persons: PersonRow;
  person_names: PersonNameRow;
  status_entries: StatusEntryRow;
  sources: SourceRow;
  citations: CitationRow;
  actors: ActorRow;
  events: EventRow;
  acts: ActRow;
  relations: RelationRow;
  interventions: InterventionRow;
  directory_entries: DirectoryEntryRow;
  revisions: RevisionRow;
  api_tokens: ApiTokenRow;
  users: UserRow;
  case_members: CaseMemberRow;
  break_glass: BreakGlassRow;
  notices: NoticeRow;
  audit_entries: AuditEntryRow;
  audit_head: { id: number; seq: number; hash: string };
  data_keys: DataKeyRow;
  settings: { name: string; value: string };
  watches: WatchRow;
  checkins: CheckinRow;
  alerts: AlertRow;
  notifications: NotificationRow;
  dossiers: DossierRow;
  dossier_releases: DossierReleaseRow;
  dossier_vetoes: DossierVetoRow;
  watch_inbound_senders: WatchInboundSenderRow;
  case_keys: CaseKeyRow;
  evidence_blobs: EvidenceBlobRow;
  evidence_items: EvidenceItemRow;
  evidence_links: EvidenceLinkRow;
  custody_events: CustodyEventRow;
  log_entries: LogEntryRow;
  log_nodes: { id: number; hash: string };
  log_state: { id: number; size: number };
  log_checkpoints: LogCheckpointRow;
  person_name_keys: { person_id: string; case_id: string; key: string };
  person_distinct_pairs: PersonDistinctPairRow;
  text_search_keys: TextSearchKeyRow;
}

/** Two persons a reviewer decided are different people (person_a < person_b); reason sealed. */
export interface PersonDistinctPairRow {
  id: string;
  person_a: string;
  person_b: string;
  case_a: string;
  case_b: string;
  decided_by: string;
  decided_at: string;
  reason: string | null;
  undone_at: string | null;
  undone_by: string | null;
  version: number;
}
