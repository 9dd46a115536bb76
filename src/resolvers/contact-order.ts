import type { Context } from '../context.js';
import { SORTABLE_TYPES } from '../db/attribute-indexes.js';
import type { ContactOrderField, ContactSortSpec } from '../db/contacts.js';
import { UserInputError } from '../errors.js';

export type ContactOrderInput = {
  field: ContactOrderField;
  direction: 'ASC' | 'DESC';
  attributeKey?: string | null;
};

/**
 * `orderBy` checked and typed: CUSTOM_ATTRIBUTE needs the key of an active definition of a
 * sortable type, whose type decides the order; attributeKey goes with CUSTOM_ATTRIBUTE only.
 * Reads the attribute schema (once per request) only when an attribute is sorted by.
 */
export async function toContactOrder(
  ctx: Context,
  orderBy: readonly ContactOrderInput[] | null | undefined,
  path = 'orderBy',
): Promise<ContactSortSpec[] | null | undefined> {
  if (!orderBy) return orderBy;
  const needsSchema = orderBy.some((o) => o.field === 'CUSTOM_ATTRIBUTE');
  const schema = needsSchema ? await ctx.db.attributeSchema() : undefined;
  return orderBy.map(({ field, direction, attributeKey }, i) => {
    const at = `${path}[${i}].attributeKey`;
    if (field !== 'CUSTOM_ATTRIBUTE') {
      if (attributeKey != null) throw new UserInputError(at, 'is only for CUSTOM_ATTRIBUTE');
      return { field, direction };
    }
    if (attributeKey == null) throw new UserInputError(at, 'is required with CUSTOM_ATTRIBUTE');
    const definition = schema?.byKey.get(attributeKey);
    if (!definition) {
      throw new UserInputError(at, `no attribute definition has the key "${attributeKey}"`);
    }
    if (definition.archivedAt !== null) {
      throw new UserInputError(at, `the attribute "${attributeKey}" is archived`);
    }
    if (!SORTABLE_TYPES.has(definition.type)) {
      throw new UserInputError(at, `${definition.type} attributes cannot be sorted by`);
    }
    return { field, direction, attribute: { key: definition.key, type: definition.type } };
  });
}
