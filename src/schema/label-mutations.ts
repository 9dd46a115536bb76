import type { Label, LabelKind as LabelKindValue } from '../db/schema.js';
import {
  createLabel,
  deleteLabel,
  type LabelInput,
  updateLabel,
} from '../resolvers/label-mutations.js';
import { builder } from './builder.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { LabelKind } from './label.js';
import { resultMutation } from './mutation.js';
import { LabelRef } from './refs.js';

type FieldsBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

function labelFields(t: FieldsBuilder) {
  return {
    color: t.string({ description: 'Display color, `#RRGGBB` (any case); default `#6B7280`.' }),
    description: t.string({
      description: 'What the label means; trimmed, ≤ 1000 characters. null or empty clears it.',
    }),
    kind: t.field({ type: LabelKind, description: 'Who manages it; default MANUAL.' }),
  };
}

const CreateLabelInput = builder
  .inputRef<LabelInput & { name: string; kind?: LabelKindValue | null }>('CreateLabelInput')
  .implement({
    description: 'A new label; its name must be free in the workspace.',
    fields: (t) => ({
      name: t.string({
        required: true,
        description: 'Name; trimmed, 1-100 characters, unique ignoring case.',
      }),
      ...labelFields(t),
    }),
  });

const UpdateLabelInput = builder
  .inputRef<LabelInput & { id: string }>('UpdateLabelInput')
  .implement({
    description: 'Changes to a label: fields left out stay.',
    fields: (t) => ({
      id: t.id({ required: true, description: 'The label to change.' }),
      name: t.string({ description: 'New name; trimmed, 1-100 characters, unique ignoring case.' }),
      ...labelFields(t),
    }),
  });

const DeleteLabelInput = builder.inputRef<{ id: string }>('DeleteLabelInput').implement({
  description: 'The label to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The label.' }) }),
});

function labelPayload(name: string, description: string) {
  return builder.objectRef<{ label: Label }>(name).implement({
    description,
    fields: (t) => ({
      label: t.field({
        type: LabelRef,
        description: 'The label after the change.',
        resolve: (p) => p.label,
      }),
    }),
  });
}

const DeleteLabelSuccess = builder
  .objectRef<{ deletedLabelId: string }>('DeleteLabelSuccess')
  .implement({
    description: 'The label is gone, and taken off every contact that carried it.',
    fields: (t) => ({
      deletedLabelId: t.globalID({
        description: 'The ID the deleted label had.',
        resolve: (p) => ({ type: 'Label', id: p.deletedLabelId }),
      }),
    }),
  });

resultMutation('createLabel', {
  description: 'Creates a label.',
  input: CreateLabelInput,
  success: labelPayload('CreateLabelSuccess', 'The created label.'),
  errors: [ValidationError, ConflictError],
  resolve: createLabel,
});

resultMutation('updateLabel', {
  description: 'Changes a label (partial: fields left out stay).',
  input: UpdateLabelInput,
  success: labelPayload('UpdateLabelSuccess', 'The changed label.'),
  errors: [ValidationError, ConflictError, NotFoundError],
  resolve: updateLabel,
});

resultMutation('deleteLabel', {
  description: 'Deletes a label for good and takes it off every contact.',
  input: DeleteLabelInput,
  success: DeleteLabelSuccess,
  errors: [ValidationError, NotFoundError],
  resolve: deleteLabel,
});
