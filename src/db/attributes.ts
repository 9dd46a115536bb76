import { type RawBuilder, sql } from 'kysely';

/** Custom attributes as stored on insert: keys given as null are simply not set. */
export function withoutNulls(attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null));
}

/**
 * JSON merge patch at the top level, for `table.custom_attributes`: given keys are set, keys
 * given as null are removed. One SQL expression, so concurrent patches of other keys both land.
 */
export function mergeAttributes(
  table: 'contacts' | 'organizations',
  patch: Record<string, unknown>,
): RawBuilder<unknown> {
  const removed = Object.entries(patch)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  return sql`(${sql.ref(`${table}.custom_attributes`)} || cast(${JSON.stringify(withoutNulls(patch))} as jsonb)) - cast(${removed} as text[])`;
}
