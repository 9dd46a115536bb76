import { sql } from 'kysely';
import { and, type Condition } from './filters.js';
import { buildKeyset, type PageArgs } from './keyset.js';
import { lowerContains } from './like.js';
import { fetchPage } from './paging.js';
import type { JsonObject, Segment } from './schema.js';
import type { WorkspaceScope } from './scope.js';

const BY_NAME = buildKeyset(
  { NAME: { column: 'segments.name', key: 'lower(segments.name) collate "C"', type: 'text' } },
  [{ field: 'NAME', direction: 'ASC' }],
  'segments.id',
);

/** Validated segment fields; absent keys are left alone. */
export type SegmentWrite = {
  name?: string;
  description?: string | null;
  /** The ContactFilter input as received (global ids). */
  filter?: JsonObject;
};

/** A segment's membership compiled to SQL, for statements over many segments at once. */
export type SegmentCondition = { id: string; condition: Condition };

/** Scoped reads and writes of segments. A workspace has few; name order is indexed. */
export function segmentsRepository(scope: WorkspaceScope) {
  return {
    byIds(ids: readonly string[]): Promise<Segment[]> {
      return scope
        .selectFrom('segments')
        .selectAll()
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .execute();
    },

    /** Every segment of the workspace, by name (Contact.segments, segmentsEntered/Left). */
    all(): Promise<Segment[]> {
      return scope
        .selectFrom('segments')
        .selectAll()
        .orderBy(sql`lower(segments.name) collate "C"`)
        .orderBy('id')
        .execute();
    },

    page(query: { search?: string | null }, args: PageArgs) {
      let q = scope.selectFrom('segments').selectAll('segments');
      const search = query.search?.trim();
      if (search) q = q.where(lowerContains(sql`lower(segments.name)`, search));
      return fetchPage<Segment>(scope.db, q, BY_NAME, args);
    },

    /**
     * Which of `segments` each contact of `contactIds` is in: one statement for a page of
     * contacts, each segment's membership evaluated on the contact's row.
     */
    async memberships(
      contactIds: readonly string[],
      segments: readonly SegmentCondition[],
    ): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>(contactIds.map((id) => [id, []]));
      if (segments.length === 0 || contactIds.length === 0) return out;
      const { rows } = await sql<{ id: string; segmentIds: string[] }>`
        select contacts.id::text as id, array_remove(array[${sql.join(
          segments.map((s) => sql`case when ${s.condition} then ${s.id}::text end`),
        )}], null) as "segmentIds"
        from contacts
        where ${scope.owns('contacts')} and contacts.id = any(${[...contactIds]}::bigint[])`.execute(
        scope.db,
      );
      for (const row of rows) out.set(row.id, row.segmentIds);
      return out;
    },

    /**
     * For a page of events (by seq): the segments each one made its contact enter and leave,
     * membership evaluated on the event's snapshot and on the contact right before it. Each
     * segment comes compiled twice: `after` over `e.snapshot`, `before` over `b.before`.
     */
    async transitions(
      seqs: readonly string[],
      segments: readonly { id: string; before: Condition; after: Condition }[],
    ): Promise<Map<string, { entered: string[]; left: string[] }>> {
      const out = new Map(seqs.map((s) => [s, { entered: [] as string[], left: [] as string[] }]));
      if (segments.length === 0 || seqs.length === 0) return out;
      const list = (pick: (s: (typeof segments)[number]) => Condition) =>
        sql`array_remove(array[${sql.join(
          segments.map((s) => sql`case when ${pick(s)} then ${s.id}::text end`),
        )}], null)`;
      const entered = list((s) => and([s.after, sql<boolean>`not ${s.before}`]));
      const left = list((s) => and([s.before, sql<boolean>`not ${s.after}`]));
      const { rows } = await sql<{ seq: string; entered: string[]; left: string[] }>`
        select e.seq::text as seq, ${entered} as entered, ${left} as "left"
        from contact_events e
        cross join lateral (select contact_event_before(e.type, e.snapshot, e.changes) as before) b
        where ${scope.owns('e')} and e.seq = any(${[...seqs]}::bigint[])`.execute(scope.db);
      for (const row of rows) out.set(row.seq, { entered: row.entered, left: row.left });
      return out;
    },

    async insert(fields: SegmentWrite & { name: string; filter: JsonObject }): Promise<Segment> {
      return scope.db
        .insertInto('segments')
        .values({
          workspaceId: scope.workspaceId,
          name: fields.name,
          description: fields.description ?? null,
          filter: JSON.stringify(fields.filter),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Partial update; undefined when there is no such segment. */
    async update(id: string, fields: SegmentWrite): Promise<Segment | undefined> {
      const { filter, ...rest } = fields;
      return scope
        .updateTable('segments')
        .set({
          ...rest,
          ...(filter === undefined ? {} : { filter: JSON.stringify(filter) }),
          updatedAt: sql`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async delete(id: string): Promise<string | undefined> {
      const row = await scope
        .deleteFrom('segments')
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },
  };
}

export type SegmentsRepository = ReturnType<typeof segmentsRepository>;
