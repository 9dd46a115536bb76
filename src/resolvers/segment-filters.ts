import { batchLoader, type Context } from '../context.js';
import type { ContactFilter, SegmentSetFilter } from '../db/contact-filter.js';
import type { JsonObject, Segment } from '../db/schema.js';
import { UserInputError } from '../errors.js';
import type { ContactFilterInput } from './filters.js';
import { localIds } from './ids.js';

export type SegmentSetFilterInput = {
  any?: readonly string[] | null;
  none?: readonly string[] | null;
};

/** How segment references inside a filter resolve. */
export type SegmentResolution = {
  /** Segments being resolved around this filter, outermost first: meeting one again is a cycle. */
  chain: readonly string[];
  /** On save: an unknown segment is an error. In queries it is simply a segment with no members. */
  strict: boolean;
};

/** Nesting of segment references allowed (each reference is one level). */
const MAX_SEGMENT_DEPTH = 8;

/** Segments by id, once per request; every nesting level of references is one statement. */
export function segmentLoader(ctx: Context) {
  return batchLoader<Segment | undefined>(ctx, 'Segment.byId', null, async (ids) => {
    const rows = await ctx.db.segments.byIds(ids);
    return new Map(rows.map((s) => [s.id, s]));
  });
}

const DATE_FIELDS = ['createdAt', 'updatedAt', 'lastActivityAt'] as const;
const DATE_OPERATORS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

/**
 * A stored filter (the ContactFilter input as JSON) back as GraphQL would deliver it: the
 * only values JSON does not round-trip are the DateTime scalars, which come back as strings.
 */
export function storedFilterInput(json: JsonObject): ContactFilterInput {
  const input = { ...json } as Record<string, unknown>;
  for (const field of DATE_FIELDS) {
    const f = input[field];
    if (f && typeof f === 'object') {
      const revived: Record<string, unknown> = { ...(f as Record<string, unknown>) };
      for (const op of DATE_OPERATORS) {
        if (typeof revived[op] === 'string') revived[op] = new Date(revived[op] as string);
      }
      input[field] = revived;
    }
  }
  for (const list of ['and', 'or'] as const) {
    const value = input[list];
    if (Array.isArray(value)) input[list] = value.map((f) => storedFilterInput(f as JsonObject));
  }
  if (input.not && typeof input.not === 'object') {
    input.not = storedFilterInput(input.not as JsonObject);
  }
  return input as ContactFilterInput;
}

type Prepare = (
  input: ContactFilterInput,
  path: string,
  resolution: SegmentResolution,
) => Promise<ContactFilter>;

/**
 * `segmentIds` of a filter as the referenced segments' own prepared filters. An unknown
 * segment (or another workspace's) is refused on save and has no members in queries, as an
 * unknown label does; a segment met again inside its own references is a cycle, refused.
 */
export async function resolveSegmentSet(
  ctx: Context,
  input: SegmentSetFilterInput,
  path: string,
  resolution: SegmentResolution,
  prepare: Prepare,
): Promise<SegmentSetFilter> {
  const resolveList = async (ids: readonly string[] | null | undefined, op: string) => {
    if (ids == null) return ids;
    const local = localIds(ids, 'Segment', `${path}.${op}`);
    const segments = await segmentLoader(ctx).loadMany(local);
    const found = local.map((id, i) => {
      const argument = `${path}.${op}[${i}]`;
      const segment = segments[i];
      if (segment instanceof Error) throw segment;
      if (!segment) {
        if (resolution.strict) throw new UserInputError(argument, 'no such segment');
        return undefined;
      }
      if (resolution.chain.includes(id)) {
        throw new UserInputError(
          argument,
          `segment "${segment.name}" refers to itself through its segmentIds (a cycle)`,
        );
      }
      if (resolution.chain.length >= MAX_SEGMENT_DEPTH) {
        throw new UserInputError(
          argument,
          `segments refer to segments more than ${MAX_SEGMENT_DEPTH} levels deep`,
        );
      }
      return { id, segment, argument };
    });
    // Siblings resolve together, so each level of references is one statement.
    return Promise.all(
      found
        .filter((f) => f !== undefined)
        .map(({ id, segment, argument }) =>
          prepare(storedFilterInput(segment.filter), argument, {
            chain: [...resolution.chain, id],
            // A stored segment's own references were checked when it was saved.
            strict: false,
          }),
        ),
    );
  };
  const [any, none] = await Promise.all([
    resolveList(input.any, 'any'),
    resolveList(input.none, 'none'),
  ]);
  return { any, none };
}
