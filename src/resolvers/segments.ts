import { sql } from 'kysely';
import { batchLoader, type Context } from '../context.js';
import type { StoredContactEvent } from '../db/contact-events.js';
import {
  CONTACTS_TABLE,
  type ContactFilter,
  type ContactRow,
  membershipCondition,
  snapshotRow,
} from '../db/contact-filter.js';
import { and, FALSE } from '../db/filters.js';
import type { PageArgs } from '../db/keyset.js';
import type { Segment } from '../db/schema.js';
import { UserInputError } from '../errors.js';
import { toContactOrder } from './contact-order.js';
import type { ContactsArgs } from './contacts.js';
import { prepareContactFilter } from './filters.js';
import { localId } from './ids.js';
import { segmentLoader, storedFilterInput } from './segment-filters.js';

/** Prepared filters of the segments a request has met, by id (null: no longer valid). */
const preparedByRequest = new WeakMap<
  Context['loaders'],
  Map<string, Promise<ContactFilter | null>>
>();

/**
 * A stored segment's filter, prepared (ids decoded, definitions attached, referenced segments
 * resolved), once per request. A filter that no longer prepares or compiles (a referenced
 * attribute changed type, say) makes the segment one with no members rather than failing every
 * read that touches it.
 */
export function preparedSegment(ctx: Context, segment: Segment): Promise<ContactFilter | null> {
  let cache = preparedByRequest.get(ctx.loaders);
  if (!cache) {
    cache = new Map();
    preparedByRequest.set(ctx.loaders, cache);
  }
  let prepared = cache.get(segment.id);
  if (!prepared) {
    prepared = prepareContactFilter(ctx, storedFilterInput(segment.filter), 'filter', {
      chain: [segment.id],
      strict: false,
    })
      .then((filter): ContactFilter | null => {
        membershipCondition(filter);
        return filter;
      })
      .catch((error: unknown) => {
        if (error instanceof UserInputError) return null;
        throw error;
      });
    cache.set(segment.id, prepared);
  }
  return prepared;
}

/** Membership of a segment over `row` (no members when its filter is no longer valid). */
export function membership(filter: ContactFilter | null, row: ContactRow = CONTACTS_TABLE) {
  return filter ? membershipCondition(filter, row) : FALSE;
}

/** Every segment of the workspace with its prepared filter, once per request (or event page). */
const workspaceByRequest = new WeakMap<
  Context['loaders'],
  Promise<{ segment: Segment; filter: ContactFilter | null }[]>
>();

function workspaceSegments(ctx: Context) {
  let all = workspaceByRequest.get(ctx.loaders);
  if (!all) {
    all = ctx.db.segments.all().then((segments) => {
      const loader = segmentLoader(ctx);
      // References between them resolve from this read, not from more statements.
      for (const s of segments) loader.prime(s.id, s);
      return Promise.all(
        segments.map(async (segment) => ({ segment, filter: await preparedSegment(ctx, segment) })),
      );
    });
    workspaceByRequest.set(ctx.loaders, all);
  }
  return all;
}

/** `Query.segments`: by name. */
export function listSegments(ctx: Context, args: PageArgs & { search?: string | null }) {
  return ctx.db.segments.page(args, args);
}

/** `Query.segment`: null when there is no such segment in this workspace. */
export async function findSegment(ctx: Context, id: string): Promise<Segment | null> {
  const segment = await segmentLoader(ctx).load(localId(id, 'Segment', 'id'));
  return segment ?? null;
}

async function contactQuery(ctx: Context, args: ContactsArgs) {
  return {
    filter: args.filter ? await prepareContactFilter(ctx, args.filter, 'filter') : null,
    search: args.search,
    orderBy: await toContactOrder(ctx, args.orderBy),
  };
}

/** The segment rows whose connections and counts a request resolves, by id. */
const rowsByRequest = new WeakMap<Context['loaders'], Map<string, Segment>>();

function remember(ctx: Context, segment: Segment) {
  let rows = rowsByRequest.get(ctx.loaders);
  if (!rows) {
    rows = new Map();
    rowsByRequest.set(ctx.loaders, rows);
  }
  rows.set(segment.id, segment);
}

/**
 * Membership conditions of the segments in one batch. Preparing them inside the batch (not
 * before loading) keeps sibling segments in one batch even when some refer to other segments:
 * their references load together, one statement per nesting level.
 */
function conditions(ctx: Context, ids: readonly string[]) {
  const rows = rowsByRequest.get(ctx.loaders);
  return Promise.all(
    ids.map(async (id) => {
      const segment = rows?.get(id);
      const filter = segment ? await preparedSegment(ctx, segment) : null;
      return { id, condition: membership(filter) };
    }),
  );
}

/**
 * `Segment.contacts`, batched across the segments of one response: one statement for all
 * their pages (and one for their counts), each segment with its own membership condition.
 */
export async function segmentContacts(ctx: Context, segment: Segment, args: ContactsArgs) {
  remember(ctx, segment);
  const page = await batchLoader(ctx, 'Segment.contacts', args, async (ids) => {
    const [query, parts] = await Promise.all([contactQuery(ctx, args), conditions(ctx, ids)]);
    return ctx.db.contacts.pagesBySegment(parts, query, args);
  }).load(segment.id);
  const counts = batchLoader(ctx, 'Segment.contacts.totalCount', args, async (ids) => {
    const [query, parts] = await Promise.all([contactQuery(ctx, args), conditions(ctx, ids)]);
    return ctx.db.contacts.countBySegment(parts, query);
  });
  return { ...page, totalCount: async () => (await counts.load(segment.id)) ?? 0 };
}

/** `Segment.count`: its members now, batched across the segments of one response. */
export async function segmentCount(ctx: Context, segment: Segment): Promise<number> {
  remember(ctx, segment);
  const counts = batchLoader(ctx, 'Segment.count', null, async (ids) =>
    ctx.db.contacts.countBySegment(await conditions(ctx, ids), {}),
  );
  return (await counts.load(segment.id)) ?? 0;
}

/** `Contact.segments`: one statement per page of contacts, for all the workspace's segments. */
export async function contactSegments(ctx: Context, contactIds: readonly string[]) {
  const all = await workspaceSegments(ctx);
  const byId = new Map(all.map(({ segment }) => [segment.id, segment]));
  const memberships = await ctx.db.segments.memberships(
    contactIds,
    all.map(({ segment, filter }) => ({ id: segment.id, condition: membership(filter) })),
  );
  return contactIds.map((id) =>
    (memberships.get(id) ?? []).map((s) => byId.get(s)).filter((s) => s !== undefined),
  );
}

const EVENT_AFTER = snapshotRow('e.snapshot');
const EVENT_BEFORE = snapshotRow('b.before');

/**
 * `ContactEvent.segmentsEntered` / `segmentsLeft`: for a page of events, one statement over
 * all the workspace's segments, their current filters applied to the contact as the event
 * recorded it, right before and right after.
 */
export async function eventSegments(
  ctx: Context,
  event: StoredContactEvent,
  which: 'entered' | 'left',
): Promise<Segment[]> {
  const transitions = await batchLoader(ctx, 'ContactEvent.segments', null, async (seqs) => {
    const all = await workspaceSegments(ctx);
    const byId = new Map(all.map(({ segment }) => [segment.id, segment]));
    const found = await ctx.db.segments.transitions(
      seqs,
      all.map(({ segment, filter }) => ({
        id: segment.id,
        // Before a creation the contact did not exist: in no segment.
        before: and([sql<boolean>`b.before is not null`, membership(filter, EVENT_BEFORE)]),
        after: membership(filter, EVENT_AFTER),
      })),
    );
    const pick = (ids: string[]) => ids.map((id) => byId.get(id)).filter((s) => s !== undefined);
    return new Map(
      [...found].map(([seq, t]) => [seq, { entered: pick(t.entered), left: pick(t.left) }]),
    );
  }).load(event.seq);
  return transitions?.[which] ?? [];
}

/** The `segmentId` argument of contactEvents: the segment's current filter, prepared. */
export async function segmentEventFilter(ctx: Context, id: string): Promise<ContactFilter> {
  const segment = await segmentLoader(ctx).load(localId(id, 'Segment', 'segmentId'));
  if (!segment) throw new UserInputError('segmentId', 'no such segment in this workspace');
  // A segment whose filter is no longer valid has no members: no events.
  return (await preparedSegment(ctx, segment)) ?? { or: [] };
}
