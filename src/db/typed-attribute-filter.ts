import { sql } from 'kysely';
import { UserInputError } from '../errors.js';
import { normalizeAttributeValue } from '../validation/attribute-values.js';
import { typedAttribute } from './attribute-indexes.js';
import { and, type Condition, FALSE, or } from './filters.js';
import { escapeLike } from './like.js';
import type { AttributeDefinition, AttributeType } from './schema.js';

/** The operators of one attribute condition, as the client gave them (operands unchecked). */
export type AttributeOperands = {
  /** The workspace's default phone region: PHONE operands without a country code. */
  phoneRegion?: string | null;
  eq?: unknown;
  neq?: unknown;
  in?: readonly unknown[] | null;
  contains?: unknown;
  startsWith?: string | null;
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
  any?: readonly unknown[] | null;
  all?: readonly unknown[] | null;
  none?: readonly unknown[] | null;
  exists?: boolean | null;
};

type Operator = Exclude<keyof AttributeOperands, 'phoneRegion'>;

const EVERY_OPERATOR: readonly Operator[] = [
  'eq',
  'neq',
  'in',
  'contains',
  'startsWith',
  'gt',
  'gte',
  'lt',
  'lte',
  'any',
  'all',
  'none',
  'exists',
];

const TEXTUAL: Operator[] = ['eq', 'neq', 'in', 'contains', 'startsWith', 'exists'];
const ORDERED: Operator[] = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'];

/** Which operators each type takes; any other one is refused, naming its path. */
export const OPERATORS: Record<AttributeType, readonly Operator[]> = {
  TEXT: TEXTUAL,
  LIST: TEXTUAL,
  URL: TEXTUAL,
  EMAIL: TEXTUAL,
  PHONE: TEXTUAL,
  NUMBER: ORDERED,
  DATE: ORDERED,
  DATETIME: ORDERED,
  BOOLEAN: ['eq', 'neq', 'in', 'exists'],
  MULTI_SELECT: ['eq', 'neq', 'contains', 'any', 'all', 'none', 'exists'],
  JSON: ['eq', 'neq', 'in', 'contains', 'exists'],
};

export const COMPARISON = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export function existsCondition(attrs: string, key: string, exists: boolean): Condition {
  const present = sql<boolean>`(${sql.raw(attrs)} ? ${key})`;
  return exists ? present : sql`not ${present}`;
}

const json = (v: unknown) => sql`cast(${JSON.stringify(v)} as jsonb)`;
const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/**
 * A condition on a defined attribute. Operands go through the normalizer values go through on
 * write (so `"9"` is the number 9, `"2026-1-5"` is refused, `"PRO"` is the option `Pro`), then:
 * - eq / neq / in: the normalized value, by JSON containment (the workspace's GIN index on
 *   custom_attributes finds candidates); neq includes contacts without a value.
 * - gt / gte / lt / lte (NUMBER, DATE, DATETIME): numbers numerically, dates and date-times as
 *   their ISO text, which orders chronologically; in the form the definition's index holds.
 * - contains / startsWith (text types): case-insensitive substring / prefix of the stored text.
 * - MULTI_SELECT: any / all / none of these options, contains one, eq the exact set.
 * - JSON: contains is JSON containment (`@>`).
 */
export function typedAttributeCondition(
  f: AttributeOperands & { key: string },
  definition: AttributeDefinition,
  path: string,
  attrs: string,
): Condition {
  const { type } = definition;
  const allowed = OPERATORS[type];
  for (const op of EVERY_OPERATOR) {
    if (given(f[op]) && !allowed.includes(op)) {
      throw new UserInputError(
        `${path}.${op}`,
        `does not apply to ${type} attributes (${definition.key}); use ${allowed.join(', ')}`,
      );
    }
  }
  /** One operand in its stored form; refused when it does not normalize or means "no value". */
  const normalize = (input: unknown, at: string): unknown => {
    const result = normalizeAttributeValue(definition, input, f.phoneRegion);
    if (!result.ok) throw new UserInputError(at, result.message);
    if (result.value === null) {
      throw new UserInputError(at, 'must be a value (exists: false finds contacts without one)');
    }
    return result.value;
  };
  const text = (input: unknown, at: string): string => {
    if (typeof input !== 'string') throw new UserInputError(at, 'must be a string');
    return input;
  };
  // A MULTI_SELECT element is normalized as a one-option selection.
  const option = (input: unknown, at: string): unknown => (normalize([input], at) as unknown[])[0];

  const column = sql.raw(attrs);
  const value = sql`${column} -> ${f.key}`;
  const has = (v: unknown) => sql<boolean>`${column} @> ${json({ [f.key]: v })}`;
  const typed = typedAttribute(attrs, definition.key, type);
  // Containment finds candidates through the GIN index. For a scalar it is exact on its own
  // (`{"k": ["a"]} @> {"k": "a"}` is false below the top level), which keeps the planner's
  // estimate honest; arrays and objects also need equality. A MULTI_SELECT set is equal when
  // each contains the other.
  const equals = (v: unknown): Condition =>
    type === 'MULTI_SELECT'
      ? sql<boolean>`(${has(v)} and coalesce(${value} <@ ${json(v)}, false))`
      : typeof v !== 'object'
        ? has(v)
        : sql<boolean>`(${has(v)} and ${value} = ${json(v)})`;

  const out: Condition[] = [];
  if (given(f.eq)) out.push(equals(normalize(f.eq, `${path}.eq`)));
  if (given(f.neq)) out.push(sql`not ${equals(normalize(f.neq, `${path}.neq`))}`);
  if (given(f.in)) {
    const values = f.in.map((v, i) => normalize(v, `${path}.in[${i}]`));
    out.push(values.length === 0 ? FALSE : or(values.map(equals)));
  }
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const operand = f[op];
    if (!given(operand) || !typed) continue;
    const v = normalize(operand, `${path}.${op}`);
    // `value is not null` and the coalesced key are the leading columns of the definition's
    // descending index (attribute-indexes.ts): a range scan.
    out.push(
      sql`(${sql.raw(typed.value)} is not null and coalesce(${sql.raw(typed.key)}, ${sql.raw(
        typed.sentinel,
      )}) ${sql.raw(COMPARISON[op])} cast(${v} as ${sql.raw(typed.sqlType)}))`,
    );
  }
  if (given(f.startsWith) && typed) {
    const prefix = text(f.startsWith, `${path}.startsWith`).toLowerCase();
    out.push(sql`(${sql.raw(typed.value)} is not null
      and coalesce(${sql.raw(typed.key)}, '') like ${`${escapeLike(prefix)}%`})`);
  }
  if (given(f.contains)) {
    if (type === 'MULTI_SELECT') {
      out.push(has([option(f.contains, `${path}.contains`)]));
    } else if (type === 'JSON') {
      // `@>` at the value: an array contains a scalar element, an object its sub-object.
      const v = f.contains;
      const scalar = typeof v !== 'object';
      out.push(scalar ? sql<boolean>`(${has(v)} or ${has([v])})` : has(v));
    } else if (typed) {
      const needle = text(f.contains, `${path}.contains`).toLowerCase();
      out.push(sql`(${sql.raw(typed.value)} is not null
        and lower(${sql.raw(typed.value)} collate "default") like ${`%${escapeLike(needle)}%`})`);
    }
  }
  const options = (list: readonly unknown[], op: string) =>
    list.map((v, i) => option(v, `${path}.${op}[${i}]`));
  if (given(f.any)) {
    const chosen = options(f.any, 'any');
    out.push(chosen.length === 0 ? FALSE : or(chosen.map((v) => has([v]))));
  }
  if (given(f.all)) {
    const chosen = options(f.all, 'all');
    if (chosen.length > 0) out.push(has(chosen));
  }
  if (given(f.none)) {
    const chosen = options(f.none, 'none');
    if (chosen.length > 0) out.push(sql`not ${or(chosen.map((v) => has([v])))}`);
  }
  if (f.exists != null) out.push(existsCondition(attrs, f.key, f.exists));
  return and(out);
}
