import { type Kysely, sql } from 'kysely';

/**
 * The contact event outbox, filled by triggers so no write path (API, bulk action, foreign-key
 * cascade, future merge or import) can change a contact without its event.
 *
 * - Statement-level triggers with transition tables: a bulk statement costs one trigger run.
 *   They stage the transaction's events in a session-local temporary table.
 * - A transaction emits at most one event per contact and change kind: a later change in the
 *   same transaction (labels added right after a create) is folded into the staged event, so
 *   CREATED carries the labels and UPDATED the net change; a change undone within the
 *   transaction emits nothing.
 * - At COMMIT a deferred constraint trigger numbers the staged events from `event_sequences`,
 *   whose row stays locked until the commit completes. A transaction that commits later
 *   therefore always gets higher numbers, and a reader that has seen number N has seen every
 *   number below it: no gaps, commit order. The lock is taken only inside COMMIT, after all the
 *   transaction's row locks, so it cannot be part of a deadlock and is never held across a
 *   client round trip — only through the commit itself (its WAL flush: this is what bounds one
 *   workspace's commit rate, see the README's benchmark).
 * - `pg_notify` in that same step only wakes listeners; PostgreSQL delivers it at commit,
 *   never after a rollback.
 * - `SET LOCAL contactgraph.skip_events = on` (bulk seeding only) writes no events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // Retention deletes old events; resuming from before what it deleted must fail loudly.
    'alter table event_sequences add column pruned_through bigint not null default 0',
    'create index contact_events_age on contact_events (occurred_at)',
    'insert into event_sequences (workspace_id) select id from workspaces on conflict do nothing',

    `create function contact_event_workspace_created() returns trigger language plpgsql as $$
    begin
      insert into event_sequences (workspace_id) values (new.id) on conflict do nothing;
      return null;
    end $$`,
    `create trigger workspaces_event_sequence after insert on workspaces
      for each row execute function contact_event_workspace_created()`,

    // Timestamps as JavaScript's toISOString prints them, whatever the session time zone.
    // STABLE like to_char itself, so PostgreSQL inlines it (and the snapshot function) per row.
    `create function contact_event_time(t timestamptz) returns text
      language sql stable parallel safe
      as $$ select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$`,

    // The contact as events show it: API field names; ids stay local (the API encodes them).
    `create function contact_event_snapshot(c contacts, label_ids bigint[]) returns jsonb
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
        'customAttributes', c.custom_attributes,
        'additionalAttributes', c.additional_attributes,
        'lastActivityAt', contact_event_time(c.last_activity_at),
        'createdAt', contact_event_time(c.created_at),
        'updatedAt', contact_event_time(c.updated_at),
        'deletedAt', contact_event_time(c.deleted_at)
      ) $$`,

    /*
     * Stages one workspace's events (parallel arrays, one entry per contact) in this session's
     * temporary table; an UPDATED folds into the contact's staged CREATED or UPDATED event. The
     * first staging of a transaction also arms the commit-time flush (one deferred trigger
     * firing per transaction, whatever the number of events).
     */
    `create function contact_events_stage(
        ws bigint, contact_ids bigint[], kinds text[], befores jsonb[], afters jsonb[])
      returns void language plpgsql as $$
    begin
      if to_regclass('pg_temp.contact_events_pending') is null then
        create temp table contact_events_pending (
          ord bigint generated always as identity,
          workspace_id bigint not null,
          contact_id bigint not null,
          kind text not null,
          before jsonb,
          after jsonb not null
        ) on commit delete rows;
        create index on contact_events_pending (workspace_id, contact_id, ord);
        -- ON COMMIT DELETE ROWS truncates both at commit: no dead rows pile up in a long session
        -- (autovacuum never visits temporary tables).
        create temp table contact_events_flush (armed boolean) on commit delete rows;
        create constraint trigger contact_events_flush after insert on contact_events_flush
          deferrable initially deferred for each row execute function contact_events_flush();
      end if;
      if not exists (select 1 from contact_events_pending) then
        insert into contact_events_flush values (true);
      end if;

      -- Fold updates into the contact's latest staged CREATED/UPDATED event.
      with incoming as (
        select * from unnest(contact_ids, kinds, befores, afters) as p(contact_id, kind, before, after)
      ), latest as (
        select distinct on (p.contact_id) p.contact_id, p.ord, p.kind
        from contact_events_pending p join incoming i on i.contact_id = p.contact_id
        where p.workspace_id = ws
        order by p.contact_id, p.ord desc
      ), folded as (
        update contact_events_pending p set after = i.after
        from incoming i join latest l on l.contact_id = i.contact_id
        where p.ord = l.ord and i.kind = 'CONTACT_UPDATED' and l.kind in ('CONTACT_CREATED', 'CONTACT_UPDATED')
        returning p.contact_id
      )
      insert into contact_events_pending (workspace_id, contact_id, kind, before, after)
      select ws, i.contact_id, i.kind, i.before, i.after
      from incoming i
      where i.contact_id not in (select contact_id from folded)
      order by i.contact_id;
    end $$`,

    /*
     * At COMMIT: numbers the staged events under each workspace's sequence row lock (held
     * until the commit completes), stores them, and notifies. An UPDATED whose changes cancel
     * out is dropped.
     */
    `create function contact_events_flush() returns trigger language plpgsql as $$
    declare
      ws bigint;
      head bigint;
    begin
      delete from contact_events_flush;
      for ws in select distinct workspace_id from contact_events_pending order by 1 loop
        with pending as (
          select p.ord, p.contact_id, p.kind, p.after, coalesce(d.changes, '[]') as changes
          from contact_events_pending p
          -- The fields whose value differs (updatedAt changes with everything: not a change);
          -- inline, because a function call per event costs more than the diff itself.
          left join lateral (
            select jsonb_agg(jsonb_build_object('field', a.key, 'before', p.before -> a.key, 'after', a.value)
                             order by a.key) as changes
            from jsonb_each(p.after) a
            where a.key <> 'updatedAt' and (p.before -> a.key) is distinct from a.value
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

    // contacts: INSERT → CREATED; soft delete → DELETED; restore → CREATED (it exists again);
    // any other change → UPDATED; a hard delete (erasure) → DELETED with no personal data.
    `create function contact_events_from_contacts() returns trigger language plpgsql as $$
    begin
      if current_setting('contactgraph.skip_events', true) = 'on' then return null; end if;
      if tg_op = 'INSERT' then
        perform contact_events_stage(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
        from (select n.workspace_id as ws, n.id, 'CONTACT_CREATED' as kind, null::jsonb as before,
                     contact_event_snapshot(n, '{}') as after
              from new_rows n order by n.id) e
        group by ws;
      elsif tg_op = 'UPDATE' then
        perform contact_events_stage(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
        from (select n.workspace_id as ws, n.id,
                     case when o.deleted_at is null and n.deleted_at is not null then 'CONTACT_DELETED'
                          when o.deleted_at is not null and n.deleted_at is null then 'CONTACT_CREATED'
                          else 'CONTACT_UPDATED' end as kind,
                     contact_event_snapshot(o, l.ids) as before,
                     contact_event_snapshot(n, l.ids) as after
              from new_rows n
              join old_rows o on o.id = n.id
              -- The contact's labels now, inline rather than a function call: once per row.
              cross join lateral (
                select coalesce(array_agg(cl.label_id order by cl.label_id), '{}') as ids
                from contact_labels cl where cl.workspace_id = n.workspace_id and cl.contact_id = n.id
              ) l
              order by n.id) e
        -- A statement that changed nothing but updatedAt is no event (jsonb equality is cheap).
        where (before - 'updatedAt') <> (after - 'updatedAt')
        group by ws;
      else
        perform contact_events_stage(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
        from (select o.workspace_id as ws, o.id, 'CONTACT_DELETED' as kind, null::jsonb as before,
                     jsonb_build_object('id', o.id::text, 'deletedAt', contact_event_time(now())) as after
              from old_rows o order by o.id) e
        group by ws;
      end if;
      return null;
    end $$`,
    `create trigger contacts_events_insert after insert on contacts
      referencing new table as new_rows for each statement execute function contact_events_from_contacts()`,
    `create trigger contacts_events_update after update on contacts
      referencing old table as old_rows new table as new_rows
      for each statement execute function contact_events_from_contacts()`,
    `create trigger contacts_events_delete after delete on contacts
      referencing old table as old_rows for each statement execute function contact_events_from_contacts()`,

    // contact_labels: the contacts whose label set changed → UPDATED with labelIds before/after.
    // Rows cascading from a contact's hard delete find no contact and emit nothing.
    `create function contact_events_from_labels() returns trigger language plpgsql as $$
    begin
      if current_setting('contactgraph.skip_events', true) = 'on' then return null; end if;
      -- The label set before: now minus what was added, or now plus what was removed.
      perform contact_events_stage(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
      from (select c.workspace_id as ws, c.id, 'CONTACT_UPDATED' as kind,
                   contact_event_snapshot(c, case when tg_op = 'INSERT'
                     then array(select unnest(l.ids) except select unnest(d.label_ids) order by 1)
                     else array(select unnest(l.ids) union select unnest(d.label_ids) order by 1)
                   end) as before,
                   contact_event_snapshot(c, l.ids) as after
            from (select workspace_id, contact_id, array_agg(label_id) as label_ids
                  from changed_rows group by workspace_id, contact_id) d
            join contacts c on c.workspace_id = d.workspace_id and c.id = d.contact_id
            cross join lateral (
              select coalesce(array_agg(cl.label_id order by cl.label_id), '{}') as ids
              from contact_labels cl where cl.workspace_id = c.workspace_id and cl.contact_id = c.id
            ) l
            order by c.id) e
      group by ws;
      return null;
    end $$`,
    `create trigger contact_labels_events_insert after insert on contact_labels
      referencing new table as changed_rows for each statement execute function contact_events_from_labels()`,
    `create trigger contact_labels_events_delete after delete on contact_labels
      referencing old table as changed_rows for each statement execute function contact_events_from_labels()`,

    // Replays filter by type; the primary key already serves "after seq" scans.
    'create index contact_events_type on contact_events (workspace_id, type, seq)',
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The events migration cannot be reverted; restore from a backup instead.');
}
