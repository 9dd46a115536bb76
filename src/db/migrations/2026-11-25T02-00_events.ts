import { type Kysely, sql } from 'kysely';

/**
 * The contact event outbox, filled by triggers so no write path (API, bulk action, foreign-key
 * cascade, future merge or import) can change a contact without its event.
 *
 * - Statement-level triggers with transition tables: a bulk statement costs one trigger run.
 * - A transaction emits at most one event per contact: a later change in the same transaction
 *   (labels added right after a create) is folded into the earlier event, so CREATED carries the
 *   labels and UPDATED the net change.
 * - Sequence numbers come from `event_sequences`, whose row stays locked until commit. A writer
 *   that commits later therefore always holds a higher number, and a reader that has seen
 *   number N has seen every number below it: no gaps, commit order. The API takes that lock
 *   first thing in every write transaction, so a transaction never waits for a contact row
 *   while holding it (no deadlocks against single-statement writers).
 * - `pg_notify` at the end only wakes listeners; PostgreSQL delivers it at commit, never after
 *   a rollback.
 * - `SET LOCAL contactgraph.skip_events = on` (bulk seeding only) writes no events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // The transaction an event belongs to, for folding later changes into it.
    'alter table contact_events add column txid xid8 not null default pg_current_xact_id()',
    'insert into event_sequences (workspace_id) select id from workspaces on conflict do nothing',

    `create function contact_event_workspace_created() returns trigger language plpgsql as $$
    begin
      insert into event_sequences (workspace_id) values (new.id) on conflict do nothing;
      return null;
    end $$`,
    `create trigger workspaces_event_sequence after insert on workspaces
      for each row execute function contact_event_workspace_created()`,

    // Timestamps as JavaScript's toISOString prints them, whatever the session time zone.
    `create function contact_event_time(t timestamptz) returns text
      language sql immutable parallel safe
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

    // Sorted label ids of one contact, now.
    `create function contact_event_labels(ws bigint, contact bigint) returns bigint[]
      language sql stable parallel safe as $$
      select coalesce(array_agg(label_id order by label_id), '{}')
      from contact_labels where workspace_id = ws and contact_id = contact $$`,

    // Fields whose value differs; updatedAt changes with everything, so it is not a change.
    `create function contact_event_changes(before jsonb, after jsonb) returns jsonb
      language sql immutable parallel safe as $$
      select coalesce(jsonb_agg(jsonb_build_object('field', k, 'before', before -> k, 'after', after -> k)
                                order by k), '[]')
      from jsonb_object_keys(after) k
      where k <> 'updatedAt' and (before -> k) is distinct from (after -> k) $$`,

    // The state before an event: its snapshot with each change's "before" put back.
    `create function contact_event_before(snapshot jsonb, changes jsonb) returns jsonb
      language sql immutable parallel safe as $$
      select snapshot || coalesce((select jsonb_object_agg(c ->> 'field', c -> 'before')
                                   from jsonb_array_elements(changes) c), '{}') $$`,

    /*
     * Appends one workspace's events (parallel arrays, one entry per contact): folds each into
     * this transaction's earlier event for the same contact when there is one, numbers the rest
     * under the sequence row lock, and notifies.
     */
    `create function contact_events_append(
        ws bigint, contact_ids bigint[], kinds text[], befores jsonb[], afters jsonb[])
      returns void language plpgsql as $$
    declare
      tx xid8 := pg_current_xact_id();
      folded bigint[] := '{}';
      head bigint;
    begin
      -- A workspace being deleted takes its events along; its contacts' cascade records nothing.
      if not exists (select 1 from workspaces where id = ws) then return; end if;
      -- Only a transaction that already wrote events can fold; most never look.
      if current_setting('contactgraph.events_tx', true) = tx::text then
        with pending as (
          select * from unnest(contact_ids, kinds, befores, afters) as p(contact_id, kind, before, after)
        ), earlier as (
          select e.seq, p.contact_id, p.after, e.type, e.snapshot, e.changes
          from pending p
          join lateral (
            select seq, type, snapshot, changes, txid from contact_events x
            where x.workspace_id = ws and x.contact_id = p.contact_id
            order by seq desc limit 1
          ) e on e.txid = tx
          where p.kind = 'CONTACT_UPDATED' and e.type in ('CONTACT_CREATED', 'CONTACT_UPDATED')
        ), updated as (
          update contact_events e
          set snapshot = earlier.after,
              changes = case when earlier.type = 'CONTACT_CREATED' then e.changes
                        else contact_event_changes(contact_event_before(earlier.snapshot, earlier.changes), earlier.after) end
          from earlier
          where e.workspace_id = ws and e.seq = earlier.seq
          returning e.contact_id
        )
        select coalesce(array_agg(contact_id), '{}') into folded from updated;
      end if;

      with fresh as (
        select p.contact_id, p.kind, p.after,
               case when p.before is null then '[]'::jsonb
                    else contact_event_changes(p.before, p.after) end as changes,
               row_number() over (order by p.contact_id) as n,
               count(*) over () as total
        from unnest(contact_ids, kinds, befores, afters) as p(contact_id, kind, before, after)
        where p.contact_id <> all (folded)
      ), numbered as (
        update event_sequences s set last_seq = s.last_seq + (select count(*) from fresh)
        where s.workspace_id = ws and exists (select 1 from fresh)
        returning s.last_seq
      ), inserted as (
        insert into contact_events (workspace_id, seq, type, contact_id, snapshot, changes)
        select ws, numbered.last_seq - fresh.total + fresh.n, fresh.kind, fresh.contact_id, fresh.after, fresh.changes
        from fresh cross join numbered
        returning seq
      )
      select max(seq) into head from inserted;

      if head is not null then
        perform set_config('contactgraph.events_tx', tx::text, true);
        perform pg_notify('contactgraph_events', json_build_object(
          'schema', current_schema(), 'workspaceId', ws::text, 'seq', head::text)::text);
      end if;
    end $$`,

    // contacts: INSERT → CREATED; soft delete → DELETED; restore → CREATED (it exists again);
    // any other change → UPDATED; a hard delete (erasure) → DELETED with no personal data.
    `create function contact_events_from_contacts() returns trigger language plpgsql as $$
    begin
      if current_setting('contactgraph.skip_events', true) = 'on' then return null; end if;
      if tg_op = 'INSERT' then
        perform contact_events_append(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
        from (select n.workspace_id as ws, n.id, 'CONTACT_CREATED' as kind, null::jsonb as before,
                     contact_event_snapshot(n, '{}') as after
              from new_rows n order by n.id) e
        group by ws;
      elsif tg_op = 'UPDATE' then
        perform contact_events_append(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
        from (select n.workspace_id as ws, n.id,
                     case when o.deleted_at is null and n.deleted_at is not null then 'CONTACT_DELETED'
                          when o.deleted_at is not null and n.deleted_at is null then 'CONTACT_CREATED'
                          else 'CONTACT_UPDATED' end as kind,
                     contact_event_snapshot(o, l.ids) as before,
                     contact_event_snapshot(n, l.ids) as after
              from new_rows n
              join old_rows o on o.id = n.id
              cross join lateral (select contact_event_labels(n.workspace_id, n.id) as ids) l
              order by n.id) e
        where contact_event_changes(before, after) <> '[]'
        group by ws;
      else
        perform contact_events_append(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
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
      if tg_op = 'INSERT' then
        perform contact_events_append(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
        from (select c.workspace_id as ws, c.id, 'CONTACT_UPDATED' as kind,
                     contact_event_snapshot(c, array(select unnest(l.ids) except select unnest(d.label_ids) order by 1)) as before,
                     contact_event_snapshot(c, l.ids) as after
              from (select workspace_id, contact_id, array_agg(label_id) as label_ids
                    from new_rows group by workspace_id, contact_id) d
              join contacts c on c.workspace_id = d.workspace_id and c.id = d.contact_id
              cross join lateral (select contact_event_labels(c.workspace_id, c.id) as ids) l
              order by c.id) e
        group by ws;
      else
        perform contact_events_append(ws, array_agg(id), array_agg(kind), array_agg(before), array_agg(after))
        from (select c.workspace_id as ws, c.id, 'CONTACT_UPDATED' as kind,
                     contact_event_snapshot(c, array(select unnest(l.ids) union select unnest(d.label_ids) order by 1)) as before,
                     contact_event_snapshot(c, l.ids) as after
              from (select workspace_id, contact_id, array_agg(label_id) as label_ids
                    from old_rows group by workspace_id, contact_id) d
              join contacts c on c.workspace_id = d.workspace_id and c.id = d.contact_id
              cross join lateral (select contact_event_labels(c.workspace_id, c.id) as ids) l
              order by c.id) e
        group by ws;
      end if;
      return null;
    end $$`,
    `create trigger contact_labels_events_insert after insert on contact_labels
      referencing new table as new_rows for each statement execute function contact_events_from_labels()`,
    `create trigger contact_labels_events_delete after delete on contact_labels
      referencing old table as old_rows for each statement execute function contact_events_from_labels()`,

    // Replays filter by type; the primary key already serves "after seq" scans.
    'create index contact_events_type on contact_events (workspace_id, type, seq)',
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The events migration cannot be reverted; restore from a backup instead.');
}
