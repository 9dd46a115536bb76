import { type Kysely, sql } from 'kysely';

/**
 * The foundation schema. Frozen once landed: later changes go in new files.
 *
 * Conventions:
 * - every tenant table has `workspace_id` and a unique `(workspace_id, id)`, and references other
 *   tenant rows through composite foreign keys, so no join can cross workspaces;
 * - text sort keys use COLLATE "C" so PGlite and any PostgreSQL server order rows identically;
 * - keyset indexes are partial on live rows (`deleted_at is null`), the shape every list query has.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    'create extension if not exists pg_trgm',
    'create extension if not exists btree_gin',

    `create table workspaces (
      id bigint generated always as identity primary key,
      name text not null check (length(name) between 1 and 200),
      default_phone_region text check (default_phone_region ~ '^[A-Z]{2}$'),
      settings jsonb not null default '{}',
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    )`,

    `create table api_keys (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      name text not null default '',
      key_prefix text not null,
      key_hash text not null unique,
      scopes text[] not null check (cardinality(scopes) > 0 and scopes <@ array['read', 'write', 'admin']),
      created_at timestamptz(3) not null default now(),
      last_used_at timestamptz(3),
      revoked_at timestamptz(3)
    )`,
    'create index api_keys_workspace on api_keys (workspace_id)',

    `create table organizations (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      name text not null check (length(name) between 1 and 300),
      domain text check (domain = lower(domain) and length(domain) between 1 and 253),
      custom_attributes jsonb not null default '{}' check (jsonb_typeof(custom_attributes) = 'object'),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (workspace_id, id)
    )`,
    'create unique index organizations_name_unique on organizations (workspace_id, lower(name))',
    'create unique index organizations_domain_unique on organizations (workspace_id, domain)',
    `create index organizations_name_order on organizations (workspace_id, (lower(name) collate "C"), id)`,
    'create index organizations_created_order on organizations (workspace_id, created_at, id)',
    'create index organizations_updated_order on organizations (workspace_id, updated_at, id)',
    `create index organizations_search on organizations using gin (workspace_id,
      (lower(name || E'\\x01' || coalesce(domain, ''))) gin_trgm_ops)`,

    `create table labels (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      name text not null check (length(name) between 1 and 100),
      color text not null default '#6B7280' check (color ~ '^#[0-9A-Fa-f]{6}$'),
      description text,
      kind text not null default 'MANUAL' check (kind in ('MANUAL', 'AUTOMATIC', 'SYSTEM')),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (workspace_id, id)
    )`,
    'create unique index labels_name_unique on labels (workspace_id, lower(name))',
    `create index labels_name_order on labels (workspace_id, (lower(name) collate "C"), id)`,

    `create table contacts (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      external_id text check (length(external_id) between 1 and 255),
      name text,
      given_name text,
      middle_name text,
      last_name text,
      email text check (email = lower(email) and length(email) <= 320),
      email_verified_at timestamptz(3),
      phone text check (phone ~ '^\\+[1-9][0-9]{1,14}$'),
      phone_verified_at timestamptz(3),
      avatar_url text,
      timezone text,
      location text,
      country_code text check (country_code ~ '^[A-Z]{2}$'),
      blocked boolean not null default false,
      is_vendor boolean not null default false,
      owner_id bigint,
      organization_id bigint,
      custom_attributes jsonb not null default '{}' check (jsonb_typeof(custom_attributes) = 'object'),
      additional_attributes jsonb not null default '{}' check (jsonb_typeof(additional_attributes) = 'object'),
      last_activity_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3),
      -- Derived, never set (PRODUCT.md): one expression, indexed and filterable.
      type text not null generated always as (
        case
          when is_vendor then 'VENDOR'
          when coalesce(name, given_name, last_name) is null or (email is null and phone is null) then 'GHOST'
          when email_verified_at is not null or phone_verified_at is not null then 'CONTACT'
          else 'LEAD'
        end
      ) stored,
      -- One lower-cased haystack for substring search; \\x01 keeps matches inside one field.
      search_text text not null generated always as (
        lower(coalesce(name, '') || E'\\x01' || coalesce(given_name, '') || E'\\x01' ||
          coalesce(middle_name, '') || E'\\x01' || coalesce(last_name, '') || E'\\x01' ||
          coalesce(email, '') || E'\\x01' || coalesce(phone, '') || E'\\x01' || coalesce(external_id, ''))
      ) stored,
      unique (workspace_id, id),
      foreign key (workspace_id, organization_id)
        references organizations (workspace_id, id) on delete set null (organization_id)
    )`,
    // Uniqueness holds among live contacts: a deleted contact frees its email, phone and external ID.
    'create unique index contacts_external_id_unique on contacts (workspace_id, external_id) where deleted_at is null',
    'create unique index contacts_email_unique on contacts (workspace_id, email) where deleted_at is null',
    'create unique index contacts_phone_unique on contacts (workspace_id, phone) where deleted_at is null',
    'create index contacts_organization on contacts (workspace_id, organization_id, id)',
    'create index contacts_search on contacts using gin (workspace_id, search_text gin_trgm_ops)',
    'create index contacts_custom_attributes on contacts using gin (workspace_id, custom_attributes jsonb_path_ops)',
    'create index contacts_type on contacts (workspace_id, type) where deleted_at is null',
    // Keyset indexes: not-null keys serve both directions; nullable keys get one index for
    // ascending-nulls-last and one for descending-nulls-last (read backwards).
    'create index contacts_created_order on contacts (workspace_id, created_at, id) where deleted_at is null',
    'create index contacts_updated_order on contacts (workspace_id, updated_at, id) where deleted_at is null',
    ...nullableKeysetIndexes('contacts', 'name', `lower(name) collate "C"`, `''`),
    ...nullableKeysetIndexes('contacts', 'email', `email collate "C"`, `''`),
    ...nullableKeysetIndexes('contacts', 'phone', `phone collate "C"`, `''`),
    ...nullableKeysetIndexes('contacts', 'external_id', `external_id collate "C"`, `''`),
    ...nullableKeysetIndexes(
      'contacts',
      'last_activity_at',
      'last_activity_at',
      `'-infinity'::timestamptz`,
    ),

    `create table contact_labels (
      workspace_id bigint not null,
      contact_id bigint not null,
      label_id bigint not null,
      created_at timestamptz(3) not null default now(),
      primary key (workspace_id, contact_id, label_id),
      foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade,
      foreign key (workspace_id, label_id) references labels (workspace_id, id) on delete cascade
    )`,
    'create index contact_labels_label on contact_labels (workspace_id, label_id, contact_id)',

    `create table conversations (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      contact_id bigint not null,
      channel text not null check (channel in ('CHAT', 'WIDGET', 'EMAIL', 'PHONE', 'API')),
      status text not null default 'OPEN' check (status in ('OPEN', 'PENDING', 'SNOOZED', 'RESOLVED')),
      subject text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      last_activity_at timestamptz(3) not null default now(),
      resolved_at timestamptz(3),
      unique (workspace_id, id),
      foreign key (workspace_id, contact_id) references contacts (workspace_id, id) on delete cascade
    )`,
    'create index conversations_contact_order on conversations (workspace_id, contact_id, last_activity_at, id)',
    'create index conversations_order on conversations (workspace_id, last_activity_at, id)',
    'create index conversations_status_order on conversations (workspace_id, status, last_activity_at, id)',

    // The outbox the events issue fills: per-workspace gap-free sequence allocated under the
    // row lock of event_sequences, held until commit.
    `create table event_sequences (
      workspace_id bigint primary key references workspaces (id) on delete cascade,
      last_seq bigint not null default 0
    )`,
    `create table contact_events (
      workspace_id bigint not null references workspaces (id) on delete cascade,
      seq bigint not null,
      type text not null check (type in ('CONTACT_CREATED', 'CONTACT_UPDATED', 'CONTACT_DELETED')),
      contact_id bigint not null,
      snapshot jsonb not null,
      changes jsonb not null default '[]',
      occurred_at timestamptz(3) not null default now(),
      primary key (workspace_id, seq)
    )`,
    'create index contact_events_contact on contact_events (workspace_id, contact_id, seq)',
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

function nullableKeysetIndexes(table: string, column: string, key: string, sentinel: string) {
  const value = `coalesce(${key}, ${sentinel})`;
  return [
    `create index ${table}_${column}_asc on ${table} (workspace_id, (${column} is null), (${value}), id) where deleted_at is null`,
    `create index ${table}_${column}_desc on ${table} (workspace_id, (${column} is not null), (${value}), id) where deleted_at is null`,
  ];
}

export async function down(): Promise<void> {
  throw new Error('The initial migration cannot be reverted; restore from a backup instead.');
}
