import { type RawBuilder, sql } from 'kysely';
import { type ContactFilter, membershipCondition, snapshotRow } from './contact-filter.js';
import type { ContactEventType, JsonObject } from './schema.js';
import type { WorkspaceScope } from './scope.js';

/** One event as stored; `seq` is its position in the workspace's stream. */
export type StoredContactEvent = {
  workspaceId: string;
  seq: string;
  type: ContactEventType;
  contactId: string;
  snapshot: JsonObject;
  changes: FieldChangeRow[];
  occurredAt: Date;
};

export type FieldChangeRow = { field: string; before: unknown; after: unknown };

/** Where the stored stream ends, and how far retention has deleted its beginning. */
export type StreamBounds = { head: string; prunedThrough: string };

/** Which events a reader wants; every part is optional and they combine with AND. */
export type ContactEventFilter = {
  types?: readonly ContactEventType[];
  contactId?: string;
  /**
   * CONTACT_UPDATED only when one of these fields changed; other types pass. `customAttributes`
   * stands for every `customAttributes.<key>`.
   */
  fields?: readonly string[];
  /**
   * Events of contacts in this segment (its prepared filter) right before or right after the
   * event. Needs SQL: `eventMatches` cannot tell, `selectMatching` can.
   */
  segment?: ContactFilter;
};

/** Custom attributes change per key, as `customAttributes.<key>`. */
export const CUSTOM_ATTRIBUTE_FIELD = 'customAttributes.';

/** The snapshot keys, which are also the names `fields` and `FieldChange.field` use. */
export const CONTACT_EVENT_FIELDS = [
  'externalId',
  'name',
  'givenName',
  'middleName',
  'lastName',
  'email',
  'phone',
  'avatarUrl',
  'timezone',
  'location',
  'countryCode',
  'type',
  'blocked',
  'organizationId',
  'labelIds',
  'profileIds',
  'customAttributes',
  'additionalAttributes',
  'lastActivityAt',
  'createdAt',
  'deletedAt',
] as const;

const COLUMNS = sql.raw(
  'e.workspace_id::text as "workspaceId", e.seq::text as seq, e.type, e.contact_id::text as "contactId", e.snapshot, e.changes, e.occurred_at as "occurredAt"',
);

/** Where an event's snapshot is, and the contact right before it (null: it did not exist). */
const AFTER = snapshotRow('e.snapshot');
const BEFORE_JSON = 'contact_event_before(e.type, e.snapshot, e.changes)';
const BEFORE = snapshotRow(BEFORE_JSON);

function matching(filter: ContactEventFilter): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [];
  if (filter.types?.length) parts.push(sql<boolean>`e.type = any(${[...filter.types]}::text[])`);
  if (filter.contactId !== undefined) parts.push(sql<boolean>`e.contact_id = ${filter.contactId}`);
  if (filter.fields?.length) {
    const wanted = [...filter.fields];
    const anyAttribute = wanted.includes('customAttributes');
    parts.push(sql<boolean>`(e.type <> 'CONTACT_UPDATED' or exists (
      select 1 from jsonb_array_elements(e.changes) c where c ->> 'field' = any(${wanted}::text[])
        ${anyAttribute ? sql`or starts_with(c ->> 'field', ${CUSTOM_ATTRIBUTE_FIELD})` : sql``}))`);
  }
  if (filter.segment) {
    parts.push(
      sql<boolean>`(${membershipCondition(filter.segment, AFTER)} or (${sql.raw(BEFORE_JSON)} is not null and ${membershipCondition(filter.segment, BEFORE)}))`,
    );
  }
  return parts.length ? sql<boolean>`${sql.join(parts, sql` and `)}` : sql<boolean>`true`;
}

function fieldWanted(field: string, wanted: readonly string[]): boolean {
  return (
    wanted.includes(field) ||
    (field.startsWith(CUSTOM_ATTRIBUTE_FIELD) && wanted.includes('customAttributes'))
  );
}

/**
 * Does `event` pass `filter`? The same rule as `matching`, for events already in memory —
 * except `segment`, which only SQL can tell (see `selectMatching`).
 */
export function eventMatches(event: StoredContactEvent, filter: ContactEventFilter): boolean {
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  if (filter.contactId !== undefined && event.contactId !== filter.contactId) return false;
  if (filter.fields?.length && event.type === 'CONTACT_UPDATED') {
    const wanted = filter.fields;
    return event.changes.some((c) => fieldWanted(c.field, wanted));
  }
  return true;
}

/**
 * The workspace's event stream, read side. Numbers are gap-free in commit order (see the events
 * migration), so "everything after seq N" is a complete answer at any moment.
 */
export function contactEventsRepository(scope: WorkspaceScope) {
  return {
    /** The last committed sequence number; "0" before the first event. */
    async head(): Promise<string> {
      return (await this.bounds()).head;
    },

    /** The head, and how far the retention policy has deleted ("0": nothing). */
    async bounds(): Promise<StreamBounds> {
      const row = await scope
        .selectFrom('eventSequences')
        .select([
          sql<string>`last_seq::text`.as('head'),
          sql<string>`pruned_through::text`.as('prunedThrough'),
        ])
        .executeTakeFirst();
      return row ?? { head: '0', prunedThrough: '0' };
    },

    /**
     * Up to `limit` events after `seq` that match, oldest first, with the head as the same
     * snapshot saw it: when fewer than `limit` came back, everything up to `head` was scanned.
     */
    async after(
      seq: string,
      filter: ContactEventFilter,
      limit: number,
    ): Promise<{ events: StoredContactEvent[] } & StreamBounds> {
      const { rows } = await sql<StreamBounds & Partial<StoredContactEvent>>`
        select event_sequences.last_seq::text as head,
               event_sequences.pruned_through::text as "prunedThrough", page.*
        from event_sequences
        left join lateral (
          select ${COLUMNS} from contact_events e
          where e.workspace_id = event_sequences.workspace_id and e.seq > ${seq} and ${matching(filter)}
          order by e.seq limit ${limit}
        ) page on true
        where ${scope.owns('event_sequences')}
        order by page.seq::bigint`.execute(scope.db);
      const head = rows[0]?.head ?? '0';
      const prunedThrough = rows[0]?.prunedThrough ?? '0';
      const events = rows.filter((r) => r.seq !== null && r.seq !== undefined);
      return { events: events as StoredContactEvent[], head, prunedThrough };
    },

    /** Up to `limit` events before `seq` that match, oldest first (backward paging). */
    async before(
      seq: string,
      filter: ContactEventFilter,
      limit: number,
    ): Promise<StoredContactEvent[]> {
      const { rows } = await sql<StoredContactEvent>`
        select ${COLUMNS} from contact_events e
        where ${scope.owns('e')} and e.seq < ${seq} and ${matching(filter)}
        order by e.seq desc limit ${limit}`.execute(scope.db);
      return rows.reverse();
    },

    async count(filter: ContactEventFilter): Promise<number> {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from contact_events e
        where ${scope.owns('e')} and ${matching(filter)}`.execute(scope.db);
      return rows[0]?.n ?? 0;
    },

    /** Which of these events (by seq) pass `filter`, segment included: one statement. */
    async selectMatching(
      seqs: readonly string[],
      filter: ContactEventFilter,
    ): Promise<Set<string>> {
      const { rows } = await sql<{ seq: string }>`
        select e.seq::text as seq from contact_events e
        where ${scope.owns('e')} and e.seq = any(${[...seqs]}::bigint[]) and ${matching(filter)}`.execute(
        scope.db,
      );
      return new Set(rows.map((r) => r.seq));
    },

    bySeqs(seqs: readonly string[]): Promise<StoredContactEvent[]> {
      return sql<StoredContactEvent>`
        select ${COLUMNS} from contact_events e
        where ${scope.owns('e')} and e.seq = any(${[...seqs]}::bigint[])`
        .execute(scope.db)
        .then((r) => r.rows);
    },
  };
}
