import { sql } from 'kysely';
import type { AttributeDefinition, Profile, UnknownAttributesPolicy } from './schema.js';
import type { WorkspaceScope } from './scope.js';

/**
 * A workspace's attribute schema, read in one statement: every definition (archived ones too),
 * every profile with the definitions it groups, and the policy for keys without a definition.
 * Writes validate against it, filters and sorts read types from it.
 */
export type AttributeSchema = {
  definitions: AttributeDefinition[];
  byKey: Map<string, AttributeDefinition>;
  profiles: Profile[];
  bySlug: Map<string, Profile>;
  defaultProfile: Profile | undefined;
  /** profile id → ids of the definitions it groups */
  profileDefinitions: Map<string, Set<string>>;
  unknownAttributes: UnknownAttributesPolicy;
  /** The workspace's attribute schema version this was read at. */
  version: bigint;
};

type SchemaRow = {
  definitions: AttributeDefinition[] | null;
  profiles: (Profile & { definitionIds: string[] })[] | null;
  unknownAttributes: UnknownAttributesPolicy;
  version: string;
};

/** Reads the schema; one statement, whatever the number of definitions and profiles. */
export async function loadAttributeSchema(scope: WorkspaceScope): Promise<AttributeSchema> {
  const { rows } = await sql<SchemaRow>`
    select w.unknown_attributes as "unknownAttributes", w.attribute_schema_version::text as version,
      (select jsonb_agg(jsonb_build_object(
          'id', d.id::text, 'workspaceId', d.workspace_id::text, 'key', d.key, 'name', d.name,
          'description', d.description, 'type', d.type, 'options', d.options, 'pattern', d.pattern,
          'required', d.required, 'position', d.position, 'archivedAt', d.archived_at,
          'createdAt', d.created_at, 'updatedAt', d.updated_at) order by d.position, d.key)
        from attribute_definitions d where ${scope.owns('d')}) as definitions,
      (select jsonb_agg(jsonb_build_object(
          'id', p.id::text, 'workspaceId', p.workspace_id::text, 'slug', p.slug, 'name', p.name,
          'description', p.description, 'isDefault', p.is_default,
          'createdAt', p.created_at, 'updatedAt', p.updated_at,
          'definitionIds', coalesce((select jsonb_agg(pa.definition_id::text)
            from profile_attributes pa
            where pa.workspace_id = p.workspace_id and pa.profile_id = p.id), '[]'))
          order by p.is_default desc, p.slug)
        from profiles p where ${scope.owns('p')}) as profiles
    from workspaces w where w.id = ${scope.workspaceId}`.execute(scope.db);
  const row = rows[0];
  const definitions = (row?.definitions ?? []).map((d) => ({
    ...d,
    archivedAt: d.archivedAt ? new Date(d.archivedAt) : null,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
  }));
  const profileRows = row?.profiles ?? [];
  const profiles = profileRows.map(({ definitionIds: _, ...p }) => ({
    ...p,
    createdAt: new Date(p.createdAt),
    updatedAt: new Date(p.updatedAt),
  }));
  return {
    definitions,
    byKey: new Map(definitions.map((d) => [d.key, d])),
    profiles,
    bySlug: new Map(profiles.map((p) => [p.slug, p])),
    defaultProfile: profiles.find((p) => p.isDefault),
    profileDefinitions: new Map(profileRows.map((p) => [p.id, new Set(p.definitionIds)])),
    unknownAttributes: row?.unknownAttributes ?? 'STORE',
    version: BigInt(row?.version ?? 0),
  };
}

/**
 * The definitions that apply to a contact: those of the default profile and of every profile
 * it adopted, active ones only, in position order.
 */
export function definitionsFor(
  schema: AttributeSchema,
  profileIds: readonly string[],
): AttributeDefinition[] {
  const ids = new Set<string>();
  for (const profileId of [schema.defaultProfile?.id, ...profileIds]) {
    if (profileId === undefined) continue;
    for (const id of schema.profileDefinitions.get(profileId) ?? []) ids.add(id);
  }
  return schema.definitions.filter((d) => ids.has(d.id) && d.archivedAt === null);
}

/**
 * One process's attribute schemas by workspace, newest version seen. A request uses the cached
 * schema when it is at least the version its API key lookup saw; otherwise it reads and caches.
 * Writes still re-read the schema inside their transaction (see holdAttributeSchema).
 */
export class AttributeSchemaCache {
  private readonly schemas = new Map<string, AttributeSchema>();

  get(workspaceId: string, atLeast: bigint): AttributeSchema | undefined {
    const schema = this.schemas.get(workspaceId);
    return schema && schema.version >= atLeast ? schema : undefined;
  }

  put(workspaceId: string, schema: AttributeSchema): void {
    const cached = this.schemas.get(workspaceId);
    if (!cached || cached.version <= schema.version) this.schemas.set(workspaceId, schema);
  }
}
