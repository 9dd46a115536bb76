import { type Kysely, sql } from 'kysely';

/**
 * Typed custom attributes, profiles and segments.
 *
 * - Values stay in `contacts.custom_attributes` (the JSON the API has always returned), stored
 *   in their normalized form: numbers as JSON numbers, dates as `YYYY-MM-DD`, date-times as
 *   UTC ISO strings with milliseconds. ISO strings therefore order chronologically as text,
 *   which is what the per-definition expression indexes rely on.
 * - Archiving a definition moves its values to `contacts.archived_attributes`: kept, hidden from
 *   default reads, and — being an ordinary contact update — announced as contact events.
 * - A contact's adopted profiles are an id array on the row, so adopting one is a contact
 *   update like any other (one event, no extra trigger); the default profile is implicit.
 * - A segment stores its filter as the `ContactFilter` input the API took, global ids and all,
 *   so there is one filter language and the stored form is what clients read back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `alter table workspaces add column unknown_attributes text not null default 'STORE'
      check (unknown_attributes in ('STORE', 'REJECT'))`,

    // Bumped by every change of what validates a custom attribute (definitions, profiles,
    // their membership, the unknown-keys policy), in the changing transaction: the API key lookup
    // reads it, so a process can keep a workspace's schema in memory and know when it is stale.
    'alter table workspaces add column attribute_schema_version bigint not null default 0',
    `create function attribute_schema_policy_changed() returns trigger language plpgsql as $$
    begin
      if new.unknown_attributes is distinct from old.unknown_attributes then
        new.attribute_schema_version := old.attribute_schema_version + 1;
      end if;
      return new;
    end $$`,
    `create trigger workspaces_attribute_schema_version before update of unknown_attributes
      on workspaces for each row execute function attribute_schema_policy_changed()`,

    `create table attribute_definitions (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      key text not null check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
      name text not null check (length(name) between 1 and 200),
      description text check (length(description) <= 2000),
      type text not null check (type in ('TEXT', 'NUMBER', 'BOOLEAN', 'DATE', 'DATETIME', 'LIST',
        'MULTI_SELECT', 'URL', 'EMAIL', 'PHONE', 'JSON')),
      options text[] check ((options is not null) = (type in ('LIST', 'MULTI_SELECT'))),
      pattern text check (length(pattern) <= 1000),
      required boolean not null default false,
      position integer not null default 0,
      archived_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (workspace_id, id),
      unique (workspace_id, key)
    )`,
    'create index attribute_definitions_order on attribute_definitions (workspace_id, position, key)',

    `create table profiles (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      slug text not null check (slug ~ '^[a-z][a-z0-9-]{0,62}$'),
      name text not null check (length(name) between 1 and 200),
      description text check (length(description) <= 2000),
      is_default boolean not null default false,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (workspace_id, id),
      unique (workspace_id, slug)
    )`,
    'create unique index profiles_one_default on profiles (workspace_id) where is_default',

    `create table profile_attributes (
      workspace_id bigint not null,
      profile_id bigint not null,
      definition_id bigint not null,
      primary key (workspace_id, profile_id, definition_id),
      foreign key (workspace_id, profile_id) references profiles (workspace_id, id) on delete cascade,
      foreign key (workspace_id, definition_id)
        references attribute_definitions (workspace_id, id) on delete cascade
    )`,
    'create index profile_attributes_definition on profile_attributes (workspace_id, definition_id)',

    `create function attribute_schema_changed() returns trigger language plpgsql as $$
    begin
      update workspaces set attribute_schema_version = attribute_schema_version + 1
      where id in (select workspace_id from changed_rows);
      return null;
    end $$`,
    ...['attribute_definitions', 'profiles', 'profile_attributes'].flatMap((table) =>
      ['insert', 'update', 'delete'].map(
        (op) => `create trigger ${table}_${op}_schema_version after ${op} on ${table}
          referencing ${op === 'delete' ? 'old' : 'new'} table as changed_rows
          for each statement execute function attribute_schema_changed()`,
      ),
    ),

    // Every workspace has its default profile, which every contact adopts implicitly.
    `insert into profiles (workspace_id, slug, name, description, is_default)
      select id, 'default', 'Default', 'Attributes every contact has.', true from workspaces`,
    `create function profiles_default_for_workspace() returns trigger language plpgsql as $$
    begin
      insert into profiles (workspace_id, slug, name, description, is_default)
      values (new.id, 'default', 'Default', 'Attributes every contact has.', true);
      return null;
    end $$`,
    `create trigger workspaces_default_profile after insert on workspaces
      for each row execute function profiles_default_for_workspace()`,

    // Constant defaults: PostgreSQL adds these without rewriting the table.
    `alter table contacts add column profile_ids bigint[] not null default '{}'`,
    `alter table contacts add column archived_attributes jsonb not null default '{}'
      check (jsonb_typeof(archived_attributes) = 'object')`,
    'create index contacts_profiles on contacts using gin (workspace_id, profile_ids)',

    `create table segments (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      description text check (length(description) <= 2000),
      filter jsonb not null check (jsonb_typeof(filter) = 'object'),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (workspace_id, id)
    )`,
    'create unique index segments_name_unique on segments (workspace_id, lower(name))',
    `create index segments_name_order on segments (workspace_id, (lower(name) collate "C"), id)`,

    /*
     * Typed reads of one attribute, for filters, sorts and the expression indexes created with
     * each definition. IMMUTABLE and plain SQL, so the planner inlines them and matches a
     * query's expression to the index's. A value of the wrong JSON type reads as null rather
     * than failing a whole statement (values are validated on write; this is the backstop).
     */
    `create function contact_attr_number(attrs jsonb, key text) returns numeric
      language sql immutable parallel safe as $$
      select case when jsonb_typeof(attrs -> key) = 'number' then (attrs -> key)::numeric end $$`,
    `create function contact_attr_text(attrs jsonb, key text) returns text
      language sql immutable parallel safe as $$
      select case when jsonb_typeof(attrs -> key) = 'string' then (attrs ->> key) collate "C" end $$`,
    `create function contact_attr_boolean(attrs jsonb, key text) returns boolean
      language sql immutable parallel safe as $$
      select case when jsonb_typeof(attrs -> key) = 'boolean' then (attrs -> key)::boolean end $$`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The attributes migration cannot be reverted; restore from a backup instead.');
}
