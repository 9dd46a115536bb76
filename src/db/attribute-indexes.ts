import { type Kysely, sql } from 'kysely';
import type { SortField } from './keyset.js';
import type { AttributeDefinition, AttributeType, Database } from './schema.js';

/**
 * How one typed attribute reads, compares and sorts. Filters, sorts and the per-definition
 * indexes all build their SQL here, so a query's expression is the index's expression, text
 * for text, and the planner matches them.
 */
export type TypedAttribute = {
  /** The typed value, null when unset or of another JSON type (`contact_attr_number(…)`). */
  value: string;
  /** What sorts and compares: the value, or its lower-cased form for case-insensitive types. */
  key: string;
  sqlType: 'numeric' | 'text' | 'boolean';
  /** Stands in for null inside the keyset's null group (never compared across groups). */
  sentinel: string;
};

/** Types a contact list can be ordered by (not JSON or MULTI_SELECT: no meaningful order). */
export const SORTABLE_TYPES: ReadonlySet<AttributeType> = new Set<AttributeType>([
  'TEXT',
  'NUMBER',
  'BOOLEAN',
  'DATE',
  'DATETIME',
  'LIST',
  'URL',
  'EMAIL',
  'PHONE',
]);

/** Types whose order ignores case (a user-typed text); the others are stored normalized. */
const CASE_INSENSITIVE: ReadonlySet<AttributeType> = new Set<AttributeType>([
  'TEXT',
  'LIST',
  'URL',
]);

// Definition keys are `[a-z][a-z0-9_]*` (a CHECK on attribute_definitions), so they can sit in
// SQL as literals: an index expression cannot take parameters, and a literal keeps the query's
// expression identical to the index's.
const DEFINED_KEY = /^[a-z][a-z0-9_]{0,62}$/;

/** The typed reads of `key` in `attrs` (a jsonb SQL expression); null for JSON/MULTI_SELECT. */
export function typedAttribute(
  attrs: string,
  key: string,
  type: AttributeType,
): TypedAttribute | null {
  if (!DEFINED_KEY.test(key)) throw new Error(`not a definition key: ${key}`);
  const read = (fn: string) => `${fn}(${attrs}, '${key}')`;
  switch (type) {
    case 'NUMBER': {
      const value = read('contact_attr_number');
      return { value, key: value, sqlType: 'numeric', sentinel: '0' };
    }
    case 'BOOLEAN': {
      const value = read('contact_attr_boolean');
      return { value, key: value, sqlType: 'boolean', sentinel: 'false' };
    }
    case 'JSON':
    case 'MULTI_SELECT':
      return null;
    default: {
      // Text in byte order ("C"): ISO dates and times order chronologically, and the order
      // does not depend on the server's locale.
      const value = read('contact_attr_text');
      const key = CASE_INSENSITIVE.has(type)
        ? `lower(${value} collate "default") collate "C"`
        : value;
      return { value, key, sqlType: 'text', sentinel: `''` };
    }
  }
}

/** The keyset field ordering contacts by a definition's attribute (nulls last both ways). */
export function attributeSortField(key: string, type: AttributeType): SortField {
  const typed = typedAttribute('contacts.custom_attributes', key, type);
  if (!typed || !SORTABLE_TYPES.has(type)) throw new Error(`${type} attributes do not sort`);
  return {
    column: typed.value,
    key: typed.key,
    type: typed.sqlType,
    nullSentinel: typed.sentinel,
  };
}

const INDEX_PREFIX = 'contacts_attr_';

/**
 * The indexes a definition should have: for sortable types, one per direction shaped as the
 * keyset orders (null-group flag, value, id), partial on the definition's workspace and live
 * contacts. The descending one also serves range filters (`value is not null and
 * coalesce(key, sentinel) > $1`), so one pair per definition covers filters and sorts. JSON
 * and MULTI_SELECT get none: the workspace's GIN index on custom_attributes answers their
 * containment tests. The type is in the name, so a type change replaces them.
 */
export function attributeIndexes(
  definition: Pick<AttributeDefinition, 'id' | 'workspaceId' | 'key' | 'type' | 'archivedAt'>,
): { name: string; definition: string }[] {
  // Archived definitions have no values in custom_attributes and cannot be sorted by.
  if (definition.archivedAt !== null || !SORTABLE_TYPES.has(definition.type)) return [];
  if (!/^[0-9]+$/.test(definition.id) || !/^[0-9]+$/.test(definition.workspaceId)) {
    throw new Error('definition ids must be numeric');
  }
  const typed = typedAttribute('custom_attributes', definition.key, definition.type);
  if (!typed) return [];
  const base = `${INDEX_PREFIX}${definition.id}_${definition.type.toLowerCase()}`;
  const value = `coalesce(${typed.key}, ${typed.sentinel})`;
  const where = `where workspace_id = ${definition.workspaceId} and deleted_at is null`;
  return [
    { name: `${base}_asc`, flag: `(${typed.value} is null)` },
    { name: `${base}_desc`, flag: `(${typed.value} is not null)` },
  ].map(({ name, flag }) => ({
    name,
    definition: `${name} on contacts (${flag}, (${value}), id) ${where}`,
  }));
}

/**
 * Brings the expression indexes of one attribute definition in line with its current type
 * and state: creates what is missing, drops what no longer fits (another type, archived).
 * Runs after the definition's transaction commits: outside a transaction the indexes are built
 * CONCURRENTLY (contacts stay writable meanwhile); inside one (or where the build fails
 * half-way and left an invalid index) plainly. Idempotent: run it again to repair.
 */
export async function syncAttributeIndexes(
  db: Kysely<Database>,
  definition: AttributeDefinition,
): Promise<void> {
  const wanted = attributeIndexes(definition);
  const concurrently = db.isTransaction ? '' : 'concurrently ';
  const { rows } = await sql<{ name: string; valid: boolean }>`
    select c.relname as name, i.indisvalid as valid
    from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema()
      and c.relname like ${`${INDEX_PREFIX}${definition.id}\\_%`}`.execute(db);
  for (const existing of rows) {
    // An invalid index (a concurrent build that failed) is rebuilt, not trusted.
    if (existing.valid && wanted.some((w) => w.name === existing.name)) continue;
    await sql.raw(`drop index ${concurrently}if exists ${existing.name}`).execute(db);
  }
  for (const index of wanted) {
    await sql.raw(`create index ${concurrently}if not exists ${index.definition}`).execute(db);
  }
}
