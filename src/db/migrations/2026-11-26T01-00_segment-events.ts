import { type Kysely, sql } from 'kysely';

/**
 * Events for segments and typed attributes.
 *
 * - Custom attributes change per key: `FieldChange.field` is `customAttributes.<key>` (one
 *   change per key whose value differs), so `fields: ["customAttributes.plan"]` finds a plan
 *   change. Events stored before this migration keep their one `customAttributes` change.
 * - Snapshots carry `profileIds` (adopted profiles, local ids as text, like `labelIds`).
 * - `contact_event_before(type, snapshot, changes)` rebuilds the contact right before an event
 *   (the snapshot with each change's `before` put back; null when it did not exist), so one
 *   compiled segment filter tells membership before and after an event.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create or replace function contact_event_snapshot(c contacts, label_ids bigint[]) returns jsonb
      language sql stable parallel safe as $$
      select jsonb_build_object(
        'id', c.id::text,
        'externalId', c.external_id,
        'name', c.name,
        'givenName', c.given_name,
        'middleName', c.middle_name,
        'lastName', c.last_name,
        'email', c.email,
        'phone', c.phone,
        'avatarUrl', c.avatar_url,
        'timezone', c.timezone,
        'location', c.location,
        'countryCode', c.country_code,
        'type', c.type,
        'blocked', c.blocked,
        'organizationId', c.organization_id::text,
        'labelIds', to_jsonb(coalesce(label_ids, '{}')::text[]),
        'profileIds', to_jsonb(coalesce(c.profile_ids, '{}')::text[]),
        'customAttributes', c.custom_attributes,
        'additionalAttributes', c.additional_attributes,
        'lastActivityAt', contact_event_time(c.last_activity_at),
        'createdAt', contact_event_time(c.created_at),
        'updatedAt', contact_event_time(c.updated_at),
        'deletedAt', contact_event_time(c.deleted_at)
      ) $$`,

    /*
     * The flush of the events migration, with custom attributes compared per key: a top-level
     * field is one change, each differing key of customAttributes another
     * (`customAttributes.<key>`; a key that is absent on one side has null there).
     */
    `create or replace function contact_events_flush() returns trigger language plpgsql as $$
    declare
      ws bigint;
      head bigint;
    begin
      delete from contact_events_flush;
      for ws in select distinct workspace_id from contact_events_pending order by 1 loop
        with pending as (
          select p.ord, p.contact_id, p.kind, p.after, coalesce(d.changes, '[]') as changes
          from contact_events_pending p
          left join lateral (
            select jsonb_agg(jsonb_build_object('field', f.field, 'before', f.before, 'after', f.after)
                             order by f.field) as changes
            from (
              select a.key as field, p.before -> a.key as before, a.value as after
              from jsonb_each(p.after) a
              where a.key not in ('updatedAt', 'customAttributes')
                and (p.before -> a.key) is distinct from a.value
              union all
              select 'customAttributes.' || k.key, ob -> k.key, nb -> k.key
              from (select coalesce(p.before -> 'customAttributes', '{}') as ob,
                           coalesce(p.after -> 'customAttributes', '{}') as nb) x
              cross join lateral (
                select jsonb_object_keys(x.ob) as key union select jsonb_object_keys(x.nb)
              ) k
              where jsonb_typeof(x.ob) = 'object' and jsonb_typeof(x.nb) = 'object'
                and (x.ob -> k.key) is distinct from (x.nb -> k.key)
            ) f
          ) d on p.before is not null
          where p.workspace_id = ws
        ), kept as (
          select *, row_number() over (order by ord) as n, count(*) over () as total
          from pending where not (kind = 'CONTACT_UPDATED' and changes = '[]')
        ), numbered as (
          update event_sequences s set last_seq = s.last_seq + (select count(*) from kept)
          where s.workspace_id = ws and exists (select 1 from kept)
          returning s.last_seq
        ), inserted as (
          insert into contact_events (workspace_id, seq, type, contact_id, snapshot, changes)
          select ws, numbered.last_seq - kept.total + kept.n, kept.kind, kept.contact_id, kept.after, kept.changes
          from kept cross join numbered
          returning seq
        )
        select max(seq) into head from inserted;
        if head is not null then
          perform pg_notify('contactgraph_events', json_build_object(
            'schema', current_schema(), 'workspaceId', ws::text, 'seq', head::text)::text);
        end if;
      end loop;
      delete from contact_events_pending;
      return null;
    end $$`,

    /*
     * The contact right before an event: null for a creation (it did not exist) and for an
     * erasure (its DELETED snapshot holds no data: what it was is unknown); otherwise the
     * snapshot with every change's before value put back (a custom attribute whose before is
     * null was absent).
     */
    `create function contact_event_before(kind text, snapshot jsonb, changes jsonb) returns jsonb
      language sql immutable parallel safe as $$
      select case
        when kind = 'CONTACT_CREATED' and jsonb_array_length(changes) = 0 then null
        when kind = 'CONTACT_DELETED' and not (snapshot ? 'createdAt') then null
        else (
          select jsonb_set(
            top,
            '{customAttributes}',
            (coalesce(top -> 'customAttributes', '{}') - coalesce(removed, '{}'))
              || coalesce(restored, '{}'))
          from (
            select snapshot || coalesce(jsonb_object_agg(c ->> 'field', c -> 'before')
                     filter (where c ->> 'field' not like 'customAttributes.%'), '{}') as top,
                   array_agg(substr(c ->> 'field', 18))
                     filter (where c ->> 'field' like 'customAttributes.%') as removed,
                   jsonb_object_agg(substr(c ->> 'field', 18), c -> 'before')
                     filter (where c ->> 'field' like 'customAttributes.%'
                       and jsonb_typeof(c -> 'before') <> 'null') as restored
            from jsonb_array_elements(changes) c
          ) parts)
      end $$`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error(
    'The segment events migration cannot be reverted; restore from a backup instead.',
  );
}
