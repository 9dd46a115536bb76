import type { Kysely } from 'kysely';
import type { AttributeDefinition, Database } from './schema.js';

/**
 * Brings the expression indexes of one attribute definition in line with its current type
 * (creates what is missing, drops what no longer fits). Runs after the definition's
 * transaction commits. TODO(query-by-attribute): implement.
 */
export async function syncAttributeIndexes(
  _db: Kysely<Database>,
  _definition: AttributeDefinition,
): Promise<void> {}
