import type { Segment } from '../db/schema.js';
import type { ContactFilterInput } from '../resolvers/filters.js';
import {
  createSegment,
  deleteSegment,
  type SegmentInput,
  updateSegment,
} from '../resolvers/segment-mutations.js';
import { builder } from './builder.js';
import { ContactFilter } from './contact.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { resultMutation } from './mutation.js';
import { SegmentRef } from './segment.js';

const CreateSegmentInput = builder
  .inputRef<SegmentInput & { name: string; filter: ContactFilterInput }>('CreateSegmentInput')
  .implement({
    description: 'A new segment; its name must be free in the workspace.',
    fields: (t) => ({
      name: t.string({
        required: true,
        description: 'Name; trimmed, 1-200 characters, unique ignoring case.',
      }),
      description: t.string({
        description: 'What the audience is for; trimmed, ≤ 2000 characters.',
      }),
      filter: t.field({
        type: ContactFilter,
        required: true,
        description:
          'Who is in it: a contact filter, checked like a query’s (ids, operators, attribute ' +
          'types); `segmentIds` may refer to other segments, never back to this one.',
      }),
    }),
  });

const UpdateSegmentInput = builder
  .inputRef<SegmentInput & { id: string }>('UpdateSegmentInput')
  .implement({
    description: 'Changes to a segment: fields left out stay.',
    fields: (t) => ({
      id: t.id({ required: true, description: 'The segment to change.' }),
      name: t.string({ description: 'New name; trimmed, 1-200 characters, unique ignoring case.' }),
      description: t.string({ description: 'New description; null or empty clears it.' }),
      filter: t.field({
        type: ContactFilter,
        description: 'New filter (replaces the old one whole); membership follows at once.',
      }),
    }),
  });

const DeleteSegmentInput = builder.inputRef<{ id: string }>('DeleteSegmentInput').implement({
  description: 'The segment to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The segment.' }) }),
});

function segmentPayload(name: string, description: string) {
  return builder.objectRef<{ segment: Segment }>(name).implement({
    description,
    fields: (t) => ({
      segment: t.field({
        type: SegmentRef,
        description: 'The segment after the change.',
        resolve: (p) => p.segment,
      }),
    }),
  });
}

const DeleteSegmentSuccess = builder
  .objectRef<{ deletedId: string }>('DeleteSegmentSuccess')
  .implement({
    description: 'The segment is gone; contacts are untouched.',
    fields: (t) => ({
      deletedId: t.globalID({
        description: 'The ID the deleted segment had.',
        resolve: (p) => ({ type: 'Segment', id: p.deletedId }),
      }),
    }),
  });

resultMutation('createSegment', {
  description: 'Creates a segment (a saved, live contact filter).',
  input: CreateSegmentInput,
  success: segmentPayload('CreateSegmentSuccess', 'The created segment.'),
  errors: [ValidationError, ConflictError],
  resolve: createSegment,
});

resultMutation('updateSegment', {
  description: 'Changes a segment (partial: fields left out stay).',
  input: UpdateSegmentInput,
  success: segmentPayload('UpdateSegmentSuccess', 'The changed segment.'),
  errors: [ValidationError, ConflictError, NotFoundError],
  resolve: updateSegment,
});

resultMutation('deleteSegment', {
  description:
    'Deletes a segment. Refused (ConflictError) while another segment’s filter refers to it.',
  input: DeleteSegmentInput,
  success: DeleteSegmentSuccess,
  errors: [ValidationError, NotFoundError, ConflictError],
  resolve: deleteSegment,
});
