import { builder } from './builder.js';

/** Shared filter and ordering inputs. Shapes mirror `src/db/filters.ts`; IDs are global here. */

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction. Missing values (nulls) sort last in both directions.',
  values: {
    ASC: { description: 'Smallest first (A→Z, oldest first).' },
    DESC: { description: 'Largest first (Z→A, newest first).' },
  },
});

export const StringFilter = builder.inputType('StringFilter', {
  description:
    'Conditions on a text field; all given operators must hold. `contains` and `startsWith` ignore case; ' +
    '`eq`, `neq` and `in` ignore case on names and emails. `neq` includes items without a value.',
  fields: (t) => ({
    eq: t.string({ description: 'Equal to.' }),
    neq: t.string({ description: 'Not equal to (items without a value match).' }),
    in: t.stringList({ description: 'Equal to one of these.' }),
    contains: t.string({ description: 'Contains this text, ignoring case.' }),
    startsWith: t.string({ description: 'Starts with this text, ignoring case.' }),
    isNull: t.boolean({ description: 'true: has no value; false: has a value.' }),
  }),
});

export const DateTimeFilter = builder.inputType('DateTimeFilter', {
  description: 'Conditions on a date-time field; all given operators must hold.',
  fields: (t) => ({
    eq: t.field({ type: 'DateTime', description: 'Exactly at (millisecond precision).' }),
    gt: t.field({ type: 'DateTime', description: 'Strictly after.' }),
    gte: t.field({ type: 'DateTime', description: 'At or after.' }),
    lt: t.field({ type: 'DateTime', description: 'Strictly before.' }),
    lte: t.field({ type: 'DateTime', description: 'At or before.' }),
    isNull: t.boolean({ description: 'true: has no value; false: has a value.' }),
  }),
});

export const IDFilter = builder.inputType('IDFilter', {
  description: 'Conditions on a reference by global ID; all given operators must hold.',
  fields: (t) => ({
    eq: t.id({ description: 'Refers to this object.' }),
    in: t.idList({ description: 'Refers to one of these objects.' }),
    isNull: t.boolean({ description: 'true: refers to nothing; false: refers to something.' }),
  }),
});
