import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

export type Scope = 'read' | 'write' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

const KEY_PREFIX = 'cg_';

/**
 * Keys are 256 random bits, so a fast SHA-256 is the right hash (a slow password hash buys
 * nothing against brute force here and would cost every request). Only the hash is stored.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export type CreatedApiKey = { id: string; workspaceId: string; key: string; scopes: Scope[] };

/** Creates a key and returns it in clear text: the only time it is ever available. */
export async function createApiKey(
  db: Kysely<Database>,
  workspaceId: string,
  scopes: readonly Scope[],
  name = '',
): Promise<CreatedApiKey> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db
    .insertInto('apiKeys')
    .values({
      workspaceId,
      name,
      keyPrefix: key.slice(0, KEY_PREFIX.length + 6),
      keyHash: hashApiKey(key),
      scopes: [...new Set(scopes)],
    })
    .returning(['id', 'workspaceId'])
    .executeTakeFirstOrThrow();
  return { id: row.id, workspaceId: row.workspaceId, key, scopes: [...new Set(scopes)] };
}

export type Principal = {
  keyId: string;
  workspaceId: string;
  scopes: Set<Scope>;
  /** The workspace's attribute schema version when the key was checked (what caches compare). */
  attributeSchemaVersion?: string;
};

/** The workspace and scopes of a live key, or undefined for an unknown or revoked one. */
export async function authenticateApiKey(
  db: Kysely<Database>,
  key: string,
): Promise<Principal | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return undefined;
  // The workspace's schema version rides along: no extra statement to know a cache is current.
  const row = await db
    .selectFrom('apiKeys')
    .innerJoin('workspaces', 'workspaces.id', 'apiKeys.workspaceId')
    .select([
      'apiKeys.id',
      'apiKeys.workspaceId',
      'apiKeys.scopes',
      sql<string>`workspaces.attribute_schema_version::text`.as('attributeSchemaVersion'),
    ])
    .where('apiKeys.keyHash', '=', hashApiKey(key))
    .where('apiKeys.revokedAt', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    keyId: row.id,
    workspaceId: row.workspaceId,
    scopes: new Set(row.scopes as Scope[]),
    attributeSchemaVersion: row.attributeSchemaVersion,
  };
}

/** Those of `ids` that are no longer live (revoked or gone): long-lived connections re-check. */
export async function deadApiKeyIds(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const live = await db
    .selectFrom('apiKeys')
    .select('id')
    .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
    .where('revokedAt', 'is', null)
    .execute();
  const alive = new Set(live.map((r) => r.id));
  return new Set(ids.filter((id) => !alive.has(id)));
}

/** Revokes a key by id; true when a live key was revoked. */
export async function revokeApiKey(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('apiKeys')
    .set({ revokedAt: new Date() })
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function listApiKeys(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('apiKeys')
    .select(['id', 'name', 'keyPrefix', 'scopes', 'createdAt', 'revokedAt'])
    .where('workspaceId', '=', workspaceId)
    .orderBy('id')
    .execute();
}
