import type { Context } from '../context.js';
import type { LabelWrite } from '../db/label-writes.js';
import type { LabelKind } from '../db/schema.js';
import { type FieldError, NotFoundError } from '../errors.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

/** Label input as received: `undefined` = not given (keep), `null` = clear where allowed. */
export type LabelInput = {
  name?: string | null;
  color?: string | null;
  description?: string | null;
  kind?: LabelKind | null;
};

const COLOR = /^#[0-9A-F]{6}$/;
const DESCRIPTION_MAX = 1000;

function parseLabel(input: LabelInput, mode: 'create' | 'update') {
  const errors: FieldError[] = [];
  const write: LabelWrite = {};
  if (input.name === null || (input.name === undefined && mode === 'create')) {
    errors.push({ path: ['name'], message: 'is required' });
  } else if (input.name !== undefined) {
    const name = input.name.trim();
    if (name === '') errors.push({ path: ['name'], message: 'cannot be empty' });
    else if (name.length > 100)
      errors.push({ path: ['name'], message: 'must be at most 100 characters' });
    else write.name = name;
  }
  if (input.color === null) {
    errors.push({ path: ['color'], message: 'cannot be null; leave it out for the default' });
  } else if (input.color !== undefined) {
    const color = input.color.trim().toUpperCase();
    if (!COLOR.test(color)) {
      errors.push({ path: ['color'], message: 'must be a #RRGGBB color (e.g. #2563EB)' });
    } else write.color = color;
  }
  if (input.description === null) {
    if (mode === 'update') write.description = null;
  } else if (input.description !== undefined) {
    const description = input.description.trim();
    if (description.length > DESCRIPTION_MAX) {
      errors.push({
        path: ['description'],
        message: `must be at most ${DESCRIPTION_MAX} characters`,
      });
    } else if (description !== '' || mode === 'update') {
      write.description = description === '' ? null : description;
    }
  }
  if (input.kind === null) {
    errors.push({ path: ['kind'], message: 'cannot be null; use MANUAL, AUTOMATIC or SYSTEM' });
  } else if (input.kind !== undefined) write.kind = input.kind;
  return { write, errors };
}

const notFound = () => new NotFoundError('id', 'id: no such label in this workspace');

export async function createLabel(ctx: Context, input: LabelInput) {
  const { write, errors } = parseLabel(input, 'create');
  throwIfInvalid(errors);
  return guardWrite(() =>
    ctx.db.transaction(async (tx) => ({
      label: await tx.labelWrites.insert({ ...write, name: write.name as string }),
    })),
  );
}

export async function updateLabel(ctx: Context, input: LabelInput & { id: string }) {
  const errors: FieldError[] = [];
  const id = decodeReference(input.id, 'Label', ['id'], errors);
  const parsed = parseLabel(input, 'update');
  throwIfInvalid([...errors, ...parsed.errors]);
  return guardWrite(async () => {
    const label = await ctx.db.transaction((tx) =>
      tx.labelWrites.update(id as string, parsed.write),
    );
    if (!label) throw notFound();
    return { label };
  });
}

/** Contacts lose the label; nothing else changes. */
export async function deleteLabel(ctx: Context, input: { id: string }) {
  const errors: FieldError[] = [];
  const id = decodeReference(input.id, 'Label', ['id'], errors);
  throwIfInvalid(errors);
  const deleted = await ctx.db.transaction((tx) => tx.labelWrites.delete(id as string));
  if (!deleted) throw notFound();
  return { deletedLabelId: deleted };
}
