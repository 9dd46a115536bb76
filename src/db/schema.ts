import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable } from 'kysely';

/**
 * Kysely's view of the tables (camelCase through CamelCasePlugin). Ids are bigint in SQL and
 * strings here: node-postgres returns int8 as text, which keeps them exact.
 */
export interface Database {
  workspaces: WorkspacesTable;
  apiKeys: ApiKeysTable;
  organizations: OrganizationsTable;
  labels: LabelsTable;
  contacts: ContactsTable;
  contactLabels: ContactLabelsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  eventSequences: EventSequencesTable;
  contactEvents: ContactEventsTable;
  attributeDefinitions: AttributeDefinitionsTable;
  profiles: ProfilesTable;
  profileAttributes: ProfileAttributesTable;
  segments: SegmentsTable;
}

type Id = ColumnType<string, string | number, never>;
type AutoId = GeneratedAlways<string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
type Json<T = unknown> = ColumnType<T, string | undefined, string>;
export type JsonObject = Record<string, unknown>;

export interface WorkspacesTable {
  id: AutoId;
  name: string;
  defaultPhoneRegion: string | null;
  settings: Json<JsonObject>;
  /** What contact writes do with custom attribute keys that have no definition. */
  unknownAttributes: Generated<UnknownAttributesPolicy>;
  /** Changes whenever what validates a custom attribute changes (see the attributes migration). */
  attributeSchemaVersion: ColumnType<string, never, never>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ApiKeysTable {
  id: AutoId;
  workspaceId: Id;
  name: Generated<string>;
  keyPrefix: string;
  keyHash: string;
  scopes: string[];
  createdAt: Timestamp;
  lastUsedAt: NullableTimestamp;
  revokedAt: NullableTimestamp;
}

export interface OrganizationsTable {
  id: AutoId;
  workspaceId: Id;
  name: string;
  domain: string | null;
  customAttributes: Json<JsonObject>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type LabelKind = 'MANUAL' | 'AUTOMATIC' | 'SYSTEM';

export interface LabelsTable {
  id: AutoId;
  workspaceId: Id;
  name: string;
  color: Generated<string>;
  description: string | null;
  kind: Generated<LabelKind>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type ContactType = 'GHOST' | 'LEAD' | 'CONTACT' | 'VENDOR';

export interface ContactsTable {
  id: AutoId;
  workspaceId: Id;
  externalId: string | null;
  name: string | null;
  givenName: string | null;
  middleName: string | null;
  lastName: string | null;
  email: string | null;
  emailVerifiedAt: NullableTimestamp;
  phone: string | null;
  phoneVerifiedAt: NullableTimestamp;
  avatarUrl: string | null;
  timezone: string | null;
  location: string | null;
  countryCode: string | null;
  blocked: Generated<boolean>;
  isVendor: Generated<boolean>;
  ownerId: ColumnType<string | null, string | null | undefined, string | null>;
  organizationId: ColumnType<string | null, string | null | undefined, string | null>;
  customAttributes: Json<JsonObject>;
  additionalAttributes: Json<JsonObject>;
  /** Values of archived attribute definitions: kept, hidden from default reads. */
  archivedAttributes: Json<JsonObject>;
  /** Profiles adopted besides the workspace's default one (which every contact has). */
  profileIds: ColumnType<string[], string[] | undefined, string[]>;
  lastActivityAt: NullableTimestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: NullableTimestamp;
  type: GeneratedAlways<ContactType>;
  searchText: GeneratedAlways<string>;
}

export interface ContactLabelsTable {
  workspaceId: Id;
  contactId: Id;
  labelId: Id;
  createdAt: Timestamp;
}

export type ConversationChannel = 'CHAT' | 'WIDGET' | 'EMAIL' | 'PHONE' | 'API';
export type ConversationStatus = 'OPEN' | 'PENDING' | 'SNOOZED' | 'RESOLVED';

export interface ConversationsTable {
  id: AutoId;
  workspaceId: Id;
  contactId: Id;
  channel: ConversationChannel;
  status: Generated<ConversationStatus>;
  subject: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  lastActivityAt: Timestamp;
  resolvedAt: NullableTimestamp;
}

export type MessageDirection = 'INCOMING' | 'OUTGOING';

export interface MessagesTable {
  id: AutoId;
  workspaceId: Id;
  conversationId: Id;
  direction: MessageDirection;
  body: string;
  createdAt: Timestamp;
}

export interface EventSequencesTable {
  workspaceId: Id;
  lastSeq: ColumnType<string, string | number | undefined, string | number>;
  /** Events up to this sequence number were deleted by the retention policy. */
  prunedThrough: ColumnType<string, string | number | undefined, string | number>;
}

export type ContactEventType = 'CONTACT_CREATED' | 'CONTACT_UPDATED' | 'CONTACT_DELETED';

export interface ContactEventsTable {
  workspaceId: Id;
  seq: ColumnType<string, string | number, never>;
  type: ContactEventType;
  contactId: Id;
  snapshot: Json<JsonObject>;
  changes: Json<unknown[]>;
  occurredAt: Timestamp;
}

export type UnknownAttributesPolicy = 'STORE' | 'REJECT';

export type AttributeType =
  | 'TEXT'
  | 'NUMBER'
  | 'BOOLEAN'
  | 'DATE'
  | 'DATETIME'
  | 'LIST'
  | 'MULTI_SELECT'
  | 'URL'
  | 'EMAIL'
  | 'PHONE'
  | 'JSON';

export interface AttributeDefinitionsTable {
  id: AutoId;
  workspaceId: Id;
  key: string;
  name: string;
  description: string | null;
  type: AttributeType;
  /** The allowed values of LIST and MULTI_SELECT, in display order; null for other types. */
  options: string[] | null;
  /** A regular expression string values must match (JavaScript syntax, whole value). */
  pattern: string | null;
  required: Generated<boolean>;
  position: Generated<number>;
  archivedAt: NullableTimestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ProfilesTable {
  id: AutoId;
  workspaceId: Id;
  slug: string;
  name: string;
  description: string | null;
  isDefault: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ProfileAttributesTable {
  workspaceId: Id;
  profileId: Id;
  definitionId: Id;
}

export interface SegmentsTable {
  id: AutoId;
  workspaceId: Id;
  name: string;
  description: string | null;
  /** The ContactFilter input as the API received it (global ids). */
  filter: Json<JsonObject>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type Workspace = Selectable<WorkspacesTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Organization = Selectable<OrganizationsTable>;
export type Label = Selectable<LabelsTable>;
/** A contact as read: everything but the search haystack, which only the database needs. */
export type Contact = Omit<Selectable<ContactsTable>, 'searchText'>;
export type Conversation = Selectable<ConversationsTable>;
export type Message = Selectable<MessagesTable>;
export type NewContact = Insertable<ContactsTable>;
export type AttributeDefinition = Selectable<AttributeDefinitionsTable>;
export type Profile = Selectable<ProfilesTable>;
export type Segment = Selectable<SegmentsTable>;
