import type { Segment } from '../db/schema.js';
import type { ContactsArgs } from '../resolvers/contacts.js';
import {
  contactSegments,
  eventSegments,
  findSegment,
  listSegments,
  segmentContacts,
  segmentCount,
} from '../resolvers/segments.js';
import { builder } from './builder.js';
import { contactConnectionArgs } from './contact.js';
import { ContactEventRef } from './contact-event.js';
import { ContactConnection, ContactRef } from './refs.js';

export const SegmentRef = builder.loadableNodeRef<Segment, string, string>('Segment', {
  id: { resolve: (s) => s.id },
  load: (ids, ctx) => ctx.db.segments.byIds(ids),
  sort: (s) => s.id,
});

SegmentRef.implement({
  description:
    'A live audience: the contacts its stored filter matches now. Membership is computed on ' +
    'every read, so it always follows the contacts’ current data.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name; unique in the workspace, ignoring case.' }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'What the audience is for.',
    }),
    filter: t.field({
      type: 'JSON',
      description:
        'The stored `ContactFilter`, as it was given (global IDs). Deleted contacts are members ' +
        'only when it says `includeDeleted: true`.',
      resolve: (s) => s.filter,
    }),
    contacts: t.connection(
      {
        type: ContactRef,
        description:
          'The members: filter, search, sort and page as `Query.contacts` (the segment decides ' +
          'about deleted contacts; `includeDeleted` here is ignored).',
        args: contactConnectionArgs(t.arg),
        resolve: (s, args, ctx) => segmentContacts(ctx, s, args as ContactsArgs),
      },
      ContactConnection,
    ),
    count: t.int({
      description: 'How many contacts are in the segment now.',
      resolve: (s, _args, ctx) => segmentCount(ctx, s),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

export const SegmentConnection = builder.connectionObject(
  {
    type: SegmentRef,
    name: 'SegmentConnection',
    description: 'A page of segments (Relay cursor connection).',
    fields: (t) => ({
      totalCount: t.int({
        description: 'How many segments match, across all pages.',
        resolve: (c) => c.totalCount(),
      }),
    }),
  },
  { name: 'SegmentEdge', description: 'A segment with its cursor.' },
);

builder.queryFields((t) => ({
  segments: t.connection(
    {
      type: SegmentRef,
      description: 'Segments of the workspace, by name.',
      args: { search: t.arg.string({ description: 'Case-insensitive substring of the name.' }) },
      resolve: (_root, args, ctx) => listSegments(ctx, args),
    },
    SegmentConnection,
  ),
  segment: t.field({
    type: SegmentRef,
    nullable: true,
    description: 'One segment by ID; null when there is none in this workspace.',
    args: { id: t.arg.id({ required: true, description: 'Global ID.' }) },
    resolve: (_root, args, ctx) => findSegment(ctx, args.id),
  }),
}));

builder.objectField(ContactRef, 'segments', (t) =>
  t.loadableList({
    type: SegmentRef,
    description: 'The segments the contact is in now, by name.',
    load: (ids: string[], ctx) => contactSegments(ctx, ids),
    resolve: (c) => c.id,
  }),
);

builder.objectFields(ContactEventRef, (t) => ({
  segmentsEntered: t.field({
    type: [SegmentRef],
    description:
      'Segments the contact is in right after the event and was not in right before (a ' +
      'creation enters every segment it matches). Computed now, with the segments’ current ' +
      'filters, on the contact as the event recorded it.',
    resolve: (e, _args, ctx) => eventSegments(ctx, e, 'entered'),
  }),
  segmentsLeft: t.field({
    type: [SegmentRef],
    description:
      'Segments the contact was in right before the event and is not in right after (a ' +
      'delete leaves every segment it was in).',
    resolve: (e, _args, ctx) => eventSegments(ctx, e, 'left'),
  }),
}));
