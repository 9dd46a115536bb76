import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import {
  CONTACT_EVENT_FIELDS,
  type ContactEventFilter,
  CUSTOM_ATTRIBUTE_FIELD,
  type StoredContactEvent,
  type StreamBounds,
} from '../db/contact-events.js';
import { pageSize } from '../db/keyset.js';
import type { ContactEventType } from '../db/schema.js';
import { UserInputError } from '../errors.js';
import { decodeEventCursor, encodeEventCursor } from '../event-cursor.js';
import { ContactEventSource } from '../pubsub/source.js';
import { SubscriberTooSlow } from '../pubsub/subscriber.js';
import { localId } from './ids.js';
import { segmentEventFilter } from './segments.js';

export type ContactEventArgs = {
  after?: string | null;
  types?: readonly ContactEventType[] | null;
  contactId?: string | null;
  fields?: readonly string[] | null;
  segmentId?: string | null;
};

const KNOWN_FIELDS = new Set<string>(CONTACT_EVENT_FIELDS);

function knownField(field: string): boolean {
  return (
    KNOWN_FIELDS.has(field) ||
    (field.startsWith(CUSTOM_ATTRIBUTE_FIELD) && field.length > CUSTOM_ATTRIBUTE_FIELD.length)
  );
}

async function toFilter(ctx: Context, args: ContactEventArgs): Promise<ContactEventFilter> {
  const unknown = args.fields?.find((f) => !knownField(f));
  if (unknown !== undefined) {
    throw new UserInputError(
      'fields',
      `"${unknown.slice(0, 40)}" is not a contact field; use one of ${CONTACT_EVENT_FIELDS.join(', ')} or customAttributes.<key>`,
    );
  }
  return {
    types: args.types ?? undefined,
    contactId: args.contactId == null ? undefined : localId(args.contactId, 'Contact', 'contactId'),
    fields: args.fields ?? undefined,
    segment: args.segmentId == null ? undefined : await segmentEventFilter(ctx, args.segmentId),
  };
}

/**
 * A cursor must point into the stream as stored: past its head (another database, a reset one)
 * it is refused rather than waited on, and before what retention deleted it would skip events.
 */
function refuseOutside(seq: string, bounds: StreamBounds, argument: string): void {
  if (BigInt(seq) > BigInt(bounds.head)) {
    throw new UserInputError(argument, 'the cursor is ahead of the event stream');
  }
  if (BigInt(seq) < BigInt(bounds.prunedThrough)) {
    throw new UserInputError(
      argument,
      'events after this cursor were deleted by the retention policy: re-sync, then continue from headCursor',
    );
  }
}

export type ContactEventConnectionArgs = ContactEventArgs & {
  first?: number | null;
  last?: number | null;
  before?: string | null;
};

/** `Query.contactEvents`: the stored stream, oldest first, with the subscription's cursors. */
export async function listContactEvents(ctx: Context, args: ContactEventConnectionArgs) {
  const filter = await toFilter(ctx, args);
  const { limit, backward } = pageSize(args);
  const after =
    args.after == null ? '0' : decodeEventCursor(args.after, ctx.db.workspaceId, 'after');
  const before =
    args.before == null ? undefined : decodeEventCursor(args.before, ctx.db.workspaceId, 'before');
  const store = ctx.db.contactEvents;
  let rows: StoredContactEvent[];
  let more: boolean;
  let bounds: StreamBounds;
  if (backward) {
    const fetched = await store.before(before ?? '9223372036854775807', filter, limit + 1);
    more = fetched.length > limit;
    rows = fetched.slice(more ? 1 : 0).filter((e) => BigInt(e.seq) > BigInt(after));
    bounds = await store.bounds();
  } else {
    const page = await store.after(after, filter, limit + 1);
    const inRange = page.events.filter(
      (e) => before === undefined || BigInt(e.seq) < BigInt(before),
    );
    more = inRange.length > limit;
    rows = inRange.slice(0, limit);
    bounds = page;
  }
  if (args.after != null) refuseOutside(after, bounds, 'after');
  const edges = rows.map((node) => ({
    cursor: encodeEventCursor(node.workspaceId, node.seq),
    node,
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? before !== undefined : more,
      hasPreviousPage: backward ? more : args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    headCursor: encodeEventCursor(ctx.db.workspaceId, bounds.head),
    totalCount: () => store.count(filter),
  };
}

/** `Subscription.contactEvents`: replay after the cursor (checked now), then live. */
export async function subscribeContactEvents(
  ctx: Context,
  args: ContactEventArgs,
): Promise<ContactEventSource> {
  const filter = await toFilter(ctx, args);
  let after: string | undefined;
  if (args.after != null) {
    after = decodeEventCursor(args.after, ctx.db.workspaceId, 'after');
    refuseOutside(after, await ctx.db.contactEvents.bounds(), 'after');
  }
  return new ContactEventSource(ctx.events, {
    workspaceId: ctx.db.workspaceId,
    keyId: ctx.principal.keyId,
    after,
    filter,
    onCutOff: () => ctx.connection?.close(SLOW_SUBSCRIBER_CLOSE_CODE, SLOW_SUBSCRIBER_REASON),
    // WebSockets were already sent away with 1001; an SSE response is cut mid-stream.
    onShutdown: () => {
      if (!ctx.connection) ctx.httpSocket?.destroy();
    },
  });
}

/** WebSocket close code for a subscriber cut off for falling behind (retryable by clients). */
const SLOW_SUBSCRIBER_CLOSE_CODE = 4008;
const SLOW_SUBSCRIBER_REASON = 'Subscriber too slow: reconnect and resume from your last cursor';

/** What the last item of a cut-off subscription resolves to (over SSE it reaches the client). */
export function deliveredEvent(
  ctx: Context,
  event: StoredContactEvent | SubscriberTooSlow,
): StoredContactEvent {
  if (!(event instanceof SubscriberTooSlow)) return event;
  throw new GraphQLError(SLOW_SUBSCRIBER_REASON, {
    extensions: {
      code: 'SUBSCRIBER_TOO_SLOW',
      resumeAfter: encodeEventCursor(ctx.db.workspaceId, event.lastDeliveredSeq),
    },
  });
}
