import type { Context } from '../context.js';
import type { AttributeSchema } from '../db/attribute-schema.js';
import type { AttributeFilter, ContactFilter, LabelSetFilter } from '../db/contact-filter.js';
import type { ConversationFilter } from '../db/conversations.js';
import type { DateTimeFilter, IdFilter, StringFilter } from '../db/filters.js';
import type { ContactType, ConversationChannel, ConversationStatus } from '../db/schema.js';
import { localId, localIds } from './ids.js';
import {
  resolveSegmentSet,
  type SegmentResolution,
  type SegmentSetFilterInput,
} from './segment-filters.js';

/** A JSON value as GraphQL's JSON scalar delivers it (anything but null; null means absent). */
// biome-ignore lint/complexity/noBannedTypes: `{}` is exactly "any value but null/undefined".
export type JsonValue = {};

export type AttributeFilterInput = {
  key: string;
  eq?: JsonValue | null;
  neq?: JsonValue | null;
  in?: readonly JsonValue[] | null;
  contains?: JsonValue | null;
  gt?: JsonValue | null;
  gte?: JsonValue | null;
  lt?: JsonValue | null;
  lte?: JsonValue | null;
  startsWith?: string | null;
  any?: readonly JsonValue[] | null;
  all?: readonly JsonValue[] | null;
  none?: readonly JsonValue[] | null;
  exists?: boolean | null;
};

/** Filter inputs as GraphQL delivers them: references are global IDs. */
export type IdFilterInput = {
  eq?: string | null;
  in?: readonly string[] | null;
  isNull?: boolean | null;
};

export type LabelSetFilterInput = {
  any?: readonly string[] | null;
  all?: readonly string[] | null;
  none?: readonly string[] | null;
};

export type ContactFilterInput = {
  and?: readonly ContactFilterInput[] | null;
  or?: readonly ContactFilterInput[] | null;
  not?: ContactFilterInput | null;
  name?: StringFilter | null;
  email?: StringFilter | null;
  phone?: StringFilter | null;
  externalId?: StringFilter | null;
  type?: readonly ContactType[] | null;
  blocked?: boolean | null;
  organizationId?: IdFilterInput | null;
  labels?: LabelSetFilterInput | null;
  createdAt?: DateTimeFilter | null;
  updatedAt?: DateTimeFilter | null;
  lastActivityAt?: DateTimeFilter | null;
  attributes?: readonly AttributeFilterInput[] | null;
  segmentIds?: SegmentSetFilterInput | null;
  includeDeleted?: boolean | null;
};

export type ConversationFilterInput = {
  status?: readonly ConversationStatus[] | null;
  channel?: readonly ConversationChannel[] | null;
  contactId?: IdFilterInput | null;
  createdAt?: DateTimeFilter | null;
  lastActivityAt?: DateTimeFilter | null;
};

export function toIdFilter(input: IdFilterInput, typename: string, path: string): IdFilter {
  return {
    eq: input.eq == null ? input.eq : localId(input.eq, typename, `${path}.eq`),
    in: input.in == null ? input.in : localIds(input.in, typename, `${path}.in`),
    isNull: input.isNull,
  };
}

function toLabelSet(input: LabelSetFilterInput, path: string): LabelSetFilter {
  const decode = (ids: readonly string[] | null | undefined, op: string) =>
    ids == null ? ids : localIds(ids, 'Label', `${path}.${op}`);
  return {
    any: decode(input.any, 'any'),
    all: decode(input.all, 'all'),
    none: decode(input.none, 'none'),
  };
}

/** Decodes the global IDs inside a contact filter, naming the path of a bad one. */
export function toContactFilter(input: ContactFilterInput, path = 'filter'): ContactFilter {
  return {
    ...input,
    and: input.and?.map((f, i) => toContactFilter(f, `${path}.and[${i}]`)),
    or: input.or?.map((f, i) => toContactFilter(f, `${path}.or[${i}]`)),
    not: input.not ? toContactFilter(input.not, `${path}.not`) : input.not,
    organizationId: input.organizationId
      ? toIdFilter(input.organizationId, 'Organization', `${path}.organizationId`)
      : input.organizationId,
    labels: input.labels ? toLabelSet(input.labels, `${path}.labels`) : input.labels,
  };
}

/**
 * A contact filter ready for the database: ids decoded, each attribute condition carrying its
 * key's definition (typed comparison). Reads the workspace's attribute schema only when the
 * filter has attribute conditions. Every filter a resolver runs goes through here.
 */
export async function prepareContactFilter(
  ctx: Context,
  input: ContactFilterInput,
  path = 'filter',
  segments: SegmentResolution = { chain: [], strict: false },
): Promise<ContactFilter> {
  let schema: Promise<AttributeSchema> | undefined;
  const attributeSchema = () => {
    schema ??= ctx.db.attributeSchema();
    return schema;
  };
  // `segmentIds` rides along from the input (toContactFilter spreads it) with its path.
  const resolve = async (
    filter: ContactFilter & Pick<ContactFilterInput, 'segmentIds'>,
    p: string,
  ): Promise<ContactFilter> => {
    const [and, or, not, attributes, segmentSet] = await Promise.all([
      filter.and ? Promise.all(filter.and.map((f, i) => resolve(f, `${p}.and[${i}]`))) : filter.and,
      filter.or ? Promise.all(filter.or.map((f, i) => resolve(f, `${p}.or[${i}]`))) : filter.or,
      filter.not ? resolve(filter.not, `${p}.not`) : filter.not,
      filter.attributes?.length
        ? attributeSchema().then((s) => withDefinitions(ctx, s, filter.attributes ?? [], p))
        : filter.attributes,
      filter.segmentIds
        ? resolveSegmentSet(ctx, filter.segmentIds, `${p}.segmentIds`, segments, (i, ip, r) =>
            prepareContactFilter(ctx, i, ip, r),
          )
        : undefined,
    ]);
    const { segmentIds: _ids, ...rest } = filter;
    return { ...rest, and, or, not, attributes, segments: segmentSet };
  };
  return resolve(toContactFilter(input, path), path);
}

/**
 * Each attribute condition with its key's definition (null: an untyped key), its path for
 * errors, and for PHONE keys the workspace's default region (operands without a country code).
 */
async function withDefinitions(
  ctx: Context,
  schema: AttributeSchema,
  attributes: readonly AttributeFilter[],
  path: string,
): Promise<AttributeFilter[]> {
  const typed = attributes.map((f, i) => ({
    ...f,
    definition: schema.byKey.get(f.key) ?? null,
    path: `${path}.attributes[${i}]`,
  }));
  if (!typed.some((f) => f.definition?.type === 'PHONE')) return typed;
  const phoneRegion = (await ctx.db.workspace())?.defaultPhoneRegion ?? null;
  return typed.map((f) => (f.definition?.type === 'PHONE' ? { ...f, phoneRegion } : f));
}

export function toConversationFilter(
  input: ConversationFilterInput,
  path = 'filter',
): ConversationFilter {
  return {
    ...input,
    contactId: input.contactId
      ? toIdFilter(input.contactId, 'Contact', `${path}.contactId`)
      : input.contactId,
  };
}
