import type { Context } from '../context.js';
import { membershipCondition } from '../db/contact-filter.js';
import type { JsonObject } from '../db/schema.js';
import type { SegmentWrite } from '../db/segments.js';
import { ConflictError, type FieldError, NotFoundError, UserInputError } from '../errors.js';
import { decodeGlobalId } from '../global-id.js';
import { parseDescription, parseName } from '../validation/fields.js';
import { type ContactFilterInput, prepareContactFilter } from './filters.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

/** Segment input as received: `undefined` = not given (keep), `null` = clear where allowed. */
export type SegmentInput = {
  name?: string | null;
  description?: string | null;
  filter?: ContactFilterInput | null;
};

const NAME_MAX = 200;
const DESCRIPTION_MAX = 2000;

function parseSegment(input: SegmentInput, mode: 'create' | 'update') {
  const errors: FieldError[] = [];
  const write: SegmentWrite = {};
  const name = parseName(input.name, mode === 'create', NAME_MAX, errors);
  if (name !== undefined) write.name = name;
  const description = parseDescription(
    input.description,
    mode === 'create',
    DESCRIPTION_MAX,
    errors,
  );
  if (description !== undefined) write.description = description;
  if (input.filter === null || (input.filter === undefined && mode === 'create')) {
    errors.push({ path: ['filter'], message: 'is required (`{}` matches every live contact)' });
  } else if (input.filter !== undefined) {
    // Stored as given (global ids); DateTime values become their ISO text.
    write.filter = JSON.parse(JSON.stringify(input.filter)) as JsonObject;
  }
  return { write, errors };
}

/** `filter.and[0].labels.any[1]` → `["filter", "and", "0", "labels", "any", "1"]`. */
function pathOf(argument: string): string[] {
  return argument.split(/[.[\]]+/).filter((part) => part !== '');
}

/**
 * A segment's filter must work as a query does: ids of the right types, segments that exist
 * and do not lead back to `self`, operators its attributes' types allow. Runs the same
 * preparation and compilation as every contact list.
 */
async function filterErrors(
  ctx: Context,
  filter: ContactFilterInput,
  self: string | undefined,
): Promise<FieldError[]> {
  try {
    const prepared = await prepareContactFilter(ctx, filter, 'filter', {
      chain: self ? [self] : [],
      strict: true,
    });
    membershipCondition(prepared);
    return [];
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    const prefix = `${error.argument}: `;
    const message = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    const path = pathOf(error.argument);
    return [{ path: path[0] === 'filter' ? path : ['filter', ...path], message }];
  }
}

const notFound = () => new NotFoundError('id', 'id: no such segment in this workspace');

export async function createSegment(ctx: Context, input: SegmentInput) {
  const { write, errors } = parseSegment(input, 'create');
  if (input.filter) errors.push(...(await filterErrors(ctx, input.filter, undefined)));
  throwIfInvalid(errors);
  return guardWrite(() =>
    ctx.db.transaction(async (tx) => ({
      segment: await tx.segments.insert({
        ...write,
        name: write.name as string,
        filter: write.filter as JsonObject,
      }),
    })),
  );
}

export async function updateSegment(ctx: Context, input: SegmentInput & { id: string }) {
  const errors: FieldError[] = [];
  const id = decodeReference(input.id, 'Segment', ['id'], errors);
  const parsed = parseSegment(input, 'update');
  errors.push(...parsed.errors);
  if (input.filter && id) errors.push(...(await filterErrors(ctx, input.filter, id)));
  throwIfInvalid(errors);
  return guardWrite(async () => {
    const segment = await ctx.db.transaction((tx) =>
      tx.segments.update(id as string, parsed.write),
    );
    if (!segment) throw notFound();
    return { segment };
  });
}

/** The segment ids (local) a stored filter refers to, at any depth. */
function referencedSegments(filter: unknown, out = new Set<string>()): Set<string> {
  if (!filter || typeof filter !== 'object') return out;
  const f = filter as Record<string, unknown>;
  const set = f.segmentIds as { any?: unknown; none?: unknown } | null | undefined;
  for (const ids of [set?.any, set?.none]) {
    if (!Array.isArray(ids)) continue;
    for (const id of ids) {
      try {
        const decoded = decodeGlobalId(String(id));
        if (decoded.typename === 'Segment') out.add(decoded.id);
      } catch {
        // Stored filters were validated; an undecodable id refers to nothing.
      }
    }
  }
  for (const list of [f.and, f.or]) {
    if (Array.isArray(list)) for (const sub of list) referencedSegments(sub, out);
  }
  referencedSegments(f.not, out);
  return out;
}

/**
 * Deletes a segment no other segment refers to: a segment used in another's `segmentIds` is
 * refused (ConflictError naming the users), since deleting it would silently change what
 * they match.
 */
export async function deleteSegment(ctx: Context, input: { id: string }) {
  const errors: FieldError[] = [];
  const id = decodeReference(input.id, 'Segment', ['id'], errors);
  throwIfInvalid(errors);
  const deleted = await ctx.db.transaction(async (tx) => {
    const users = (await tx.segments.all()).filter(
      (s) => s.id !== id && referencedSegments(s.filter).has(id as string),
    );
    if (users.length > 0) {
      const names = users.map((s) => `"${s.name}"`).join(', ');
      throw new ConflictError('id', `segment ${names} refers to this segment in its filter`);
    }
    return tx.segments.delete(id as string);
  });
  if (!deleted) throw notFound();
  return { deletedId: deleted };
}
