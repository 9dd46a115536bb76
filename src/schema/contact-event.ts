import {
  CONTACT_EVENT_FIELDS,
  type FieldChangeRow,
  type StoredContactEvent,
} from '../db/contact-events.js';
import { encodeEventCursor } from '../event-cursor.js';
import { encodeGlobalId } from '../global-id.js';
import {
  type ContactEventConnectionArgs,
  deliveredEvent,
  listContactEvents,
  subscribeContactEvents,
} from '../resolvers/contact-events.js';
import { builder } from './builder.js';
import { ContactRef } from './refs.js';

export const ContactEventType = builder.enumType('ContactEventType', {
  description: 'What happened to a contact.',
  values: {
    CONTACT_CREATED: {
      description:
        'The contact was created, or restored after a delete (then `changes` shows `deletedAt`).',
    },
    CONTACT_UPDATED: { description: 'Fields of the contact changed; `changes` lists them.' },
    CONTACT_DELETED: {
      description: 'The contact was deleted. After an erasure the snapshot holds only its id.',
    },
  },
});

/** Local ids in snapshots become the global IDs the rest of the API uses. */
const ID_FIELDS: Record<string, string> = {
  id: 'Contact',
  organizationId: 'Organization',
  labelIds: 'Label',
  profileIds: 'Profile',
};

function globalIds(field: string, value: unknown): unknown {
  const typename = ID_FIELDS[field];
  if (!typename || value == null) return value;
  if (Array.isArray(value)) return value.map((id) => encodeGlobalId(typename, String(id)));
  return encodeGlobalId(typename, String(value));
}

/** Snapshot keys in reading order: id, the fields, then the bookkeeping times. */
const SNAPSHOT_ORDER = ['id', ...CONTACT_EVENT_FIELDS, 'updatedAt'];

function presentSnapshot(snapshot: Record<string, unknown>): Record<string, unknown> {
  const keys = [
    ...SNAPSHOT_ORDER.filter((k) => k in snapshot),
    ...Object.keys(snapshot).filter((k) => !SNAPSHOT_ORDER.includes(k)),
  ];
  return Object.fromEntries(keys.map((k) => [k, globalIds(k, snapshot[k])]));
}

const FieldChange = builder.objectRef<FieldChangeRow>('FieldChange').implement({
  description: 'One field of a contact, before and after a change.',
  fields: (t) => ({
    field: t.exposeString('field', {
      description:
        'The field, named as in the snapshot (e.g. `email`, `labelIds`); custom attributes change ' +
        'per key, as `customAttributes.<key>`.',
    }),
    before: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Its value before; null when it was not set.',
      resolve: (c) => globalIds(c.field, c.before),
    }),
    after: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Its value after; null when it is cleared.',
      resolve: (c) => globalIds(c.field, c.after),
    }),
  }),
});

export const ContactEventRef = builder.loadableNodeRef<StoredContactEvent, string, string>(
  'ContactEvent',
  {
    id: { resolve: (e) => `${e.workspaceId}.${e.seq}` },
    // Ids are `<workspace>.<seq>`: another workspace's event is simply not found.
    load: (ids, ctx) => {
      const seqs = ids
        .map((id) => id.split('.'))
        .filter(([workspaceId]) => workspaceId === ctx.db.workspaceId)
        .map(([, seq]) => seq as string);
      return seqs.length ? ctx.db.contactEvents.bySeqs(seqs) : Promise.resolve([]);
    },
    sort: (e) => `${e.workspaceId}.${e.seq}`,
  },
);

ContactEventRef.implement({
  description:
    'A change to a contact, in the order of the workspace’s event stream. Written in the same ' +
    'transaction as the change; delivered only after it commits.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Its position in the stream: pass it as `after` to resume right after it.',
      resolve: (e) => encodeEventCursor(e.workspaceId, e.seq),
    }),
    type: t.field({
      type: ContactEventType,
      description: 'What happened.',
      resolve: (e) => e.type,
    }),
    occurredAt: t.field({
      type: 'DateTime',
      description: 'When the change was made (its transaction’s time).',
      resolve: (e) => e.occurredAt,
    }),
    contactId: t.id({
      description: 'The contact it happened to.',
      resolve: (e) => encodeGlobalId('Contact', e.contactId),
    }),
    contact: t.field({
      type: ContactRef,
      nullable: true,
      description: 'The contact as it is now (not as it was); null once it has been erased.',
      resolve: (e) => e.contactId,
    }),
    snapshot: t.field({
      type: 'JSON',
      description:
        'The contact right after the change: its fields by name, with global IDs ' +
        '(`id`, `organizationId`, `labelIds`, `profileIds`).',
      resolve: (e) => presentSnapshot(e.snapshot),
    }),
    changes: t.field({
      type: [FieldChange],
      description:
        'For CONTACT_UPDATED, the fields that changed (net, per transaction; `updatedAt` is left ' +
        'out); for a delete or restore, `deletedAt`; empty for a create.',
      resolve: (e) => e.changes,
    }),
  }),
});

const ContactEventConnection = builder.connectionObject(
  {
    type: ContactEventRef,
    name: 'ContactEventConnection',
    description: 'A page of the workspace’s contact events, oldest first.',
    fields: (t) => ({
      totalCount: t.int({
        description: 'How many events match, across all pages.',
        resolve: (c) => c.totalCount(),
      }),
      headCursor: t.string({
        description:
          'The stream’s position when this page was read (even with no events): subscribe ' +
          'with `after: headCursor` to continue exactly from here.',
        resolve: (c) => (c as unknown as { headCursor: string }).headCursor,
      }),
    }),
  },
  { name: 'ContactEventEdge', description: 'A contact event with its cursor.' },
);

const filterArgs = (t: Parameters<Parameters<typeof builder.queryField>[1]>[0]) => ({
  types: t.arg({
    type: [ContactEventType],
    description: 'Only events of these types.',
  }),
  contactId: t.arg.id({ description: 'Only events of this contact.' }),
  fields: t.arg.stringList({
    description:
      'CONTACT_UPDATED only when one of these fields changed (names as in `FieldChange.field`; ' +
      '`customAttributes` matches any `customAttributes.<key>`); other types are not affected.',
  }),
  segmentId: t.arg.id({
    description:
      'Only events of contacts in this segment right before or right after the event (so a ' +
      'contact entering or leaving it is included): the segment’s filter applied to the contact ' +
      'as the event recorded it. A subscription uses the filter the segment had when it started.',
  }),
});

builder.queryField('contactEvents', (t) =>
  t.connection(
    {
      type: ContactEventRef,
      description:
        'The stored event stream, oldest first, with the same cursors as the subscription.',
      args: filterArgs(t),
      resolve: (_root, args, ctx) => listContactEvents(ctx, args as ContactEventConnectionArgs),
    },
    ContactEventConnection,
  ),
);

builder.subscriptionType({
  description: 'Live streams; every field needs a key with the `read` scope.',
  authScopes: { read: true },
});

builder.subscriptionField('contactEvents', (t) =>
  t.field({
    type: ContactEventRef,
    description:
      'Contact events of the workspace in commit order, each once. With `after`, first every ' +
      'stored event after that cursor, then live, with no gap and no duplicate at the seam; ' +
      'without it, from now on.',
    args: {
      after: t.arg.string({ description: 'Resume after this event cursor.' }),
      ...filterArgs(t as never),
    },
    subscribe: (_root, args, ctx) => subscribeContactEvents(ctx, args),
    resolve: (event, _args, ctx) => deliveredEvent(ctx, event as never),
  }),
);
