import { type AttributeSchema, definitionsFor } from '../db/attribute-schema.js';
import type { AttributeDefinition, Contact, Profile } from '../db/schema.js';
import type { FieldError } from '../errors.js';
import { formatAttributeValue } from '../validation/attribute-format.js';
import { normalizeAttributeValue } from '../validation/attribute-values.js';

/**
 * Custom attribute values of a contact write, checked against the workspace's definitions and
 * normalized to their stored form. A key with a definition is validated by its type; an
 * archived definition's key is refused; a key without one is kept as untyped JSON or refused,
 * as the workspace's `unknownAttributes` policy says. `null` values pass through (they mean
 * "remove" on update and are dropped on create).
 */
export function typedAttributes(
  schema: AttributeSchema,
  attributes: Record<string, unknown>,
  phoneRegion: string | null | undefined,
  errors: FieldError[],
  prefix: string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const path = [...prefix, 'customAttributes', key];
    const definition = schema.byKey.get(key);
    if (!definition) {
      if (schema.unknownAttributes === 'REJECT') {
        errors.push({
          path,
          message: 'has no attribute definition, and this workspace refuses unknown keys',
        });
      } else out[key] = value;
      continue;
    }
    if (definition.archivedAt !== null) {
      errors.push({ path, message: 'is archived: restore its definition to write it' });
      continue;
    }
    const normalized = normalizeAttributeValue(definition, value, phoneRegion);
    if (normalized.ok) out[key] = normalized.value;
    else errors.push({ path, message: normalized.message });
  }
  return out;
}

/**
 * The profiles a contact adopts, by slug, as ids (the default profile is implicit, so naming
 * it adds nothing). An unknown slug is a field error at its index.
 */
export function adoptedProfiles(
  schema: AttributeSchema,
  slugs: readonly string[] | null,
  errors: FieldError[],
  prefix: string[] = [],
): string[] {
  const ids = new Set<string>();
  (slugs ?? []).forEach((slug, i) => {
    const profile = schema.bySlug.get(slug.trim());
    if (!profile) {
      errors.push({ path: [...prefix, 'profiles', String(i)], message: 'is not a profile slug' });
    } else if (!profile.isDefault) ids.add(profile.id);
  });
  return [...ids];
}

/**
 * The required attributes a contact lacks, for the profiles it has (default + adopted); active
 * definitions only (an archived one is not required).
 */
export function missingRequired(
  schema: AttributeSchema,
  contact: Pick<Contact, 'customAttributes' | 'profileIds'>,
): FieldError[] {
  const profileNames = profilesById(schema);
  return definitionsFor(schema, contact.profileIds)
    .filter((d) => d.required && (contact.customAttributes[d.key] ?? null) === null)
    .map((d) => {
      const owners = [schema.defaultProfile?.id, ...contact.profileIds]
        .filter((id): id is string => !!id && !!schema.profileDefinitions.get(id)?.has(d.id))
        .map((id) => profileNames.get(id)?.slug)
        .filter(Boolean);
      return {
        path: ['customAttributes', d.key],
        message: `is required (profile ${owners.join(', ')})`,
      };
    });
}

const byIdCache = new WeakMap<AttributeSchema, Map<string, Profile>>();
const definitionByIdCache = new WeakMap<AttributeSchema, Map<string, AttributeDefinition>>();

/** Profiles by id, computed once per schema read. */
export function profilesById(schema: AttributeSchema): Map<string, Profile> {
  let map = byIdCache.get(schema);
  if (!map) {
    map = new Map(schema.profiles.map((p) => [p.id, p]));
    byIdCache.set(schema, map);
  }
  return map;
}

/** Definitions by id, computed once per schema read. */
export function definitionsById(schema: AttributeSchema): Map<string, AttributeDefinition> {
  let map = definitionByIdCache.get(schema);
  if (!map) {
    map = new Map(schema.definitions.map((d) => [d.id, d]));
    definitionByIdCache.set(schema, map);
  }
  return map;
}

/** The contact's profiles: the default one first, then the adopted ones by slug. */
export function contactProfiles(schema: AttributeSchema, contact: Contact): Profile[] {
  const byId = profilesById(schema);
  const adopted = contact.profileIds
    .map((id) => byId.get(id))
    .filter((p): p is Profile => p !== undefined && !p.isDefault)
    .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return schema.defaultProfile ? [schema.defaultProfile, ...adopted] : adopted;
}

/** One entry of `Contact.attributes`. */
export type ContactAttributeValue = {
  key: string;
  definition: AttributeDefinition | null;
  value: unknown;
  displayValue: string;
};

/**
 * A contact's attributes for forms and columns: every active definition of its profiles (set
 * or not), then every other stored key (typed when a definition exists, untyped otherwise);
 * with `includeArchived`, archived definitions of its profiles and archived values too.
 * Ordered by definition position and key; untyped keys last, by key.
 */
export function contactAttributes(
  schema: AttributeSchema,
  contact: Contact,
  includeArchived: boolean,
): ContactAttributeValue[] {
  const entries = new Map<string, ContactAttributeValue>();
  const add = (key: string, definition: AttributeDefinition | null, value: unknown) => {
    if (entries.has(key)) return;
    const v = value === undefined ? null : value;
    entries.set(key, {
      key,
      definition,
      value: v,
      displayValue: formatAttributeValue(definition?.type ?? null, v),
    });
  };
  const profileIds = [schema.defaultProfile?.id, ...contact.profileIds];
  const ofProfiles = schema.definitions.filter((d) =>
    profileIds.some((id) => id !== undefined && schema.profileDefinitions.get(id)?.has(d.id)),
  );
  for (const d of ofProfiles) {
    if (d.archivedAt === null) add(d.key, d, contact.customAttributes[d.key]);
    else if (includeArchived) add(d.key, d, contact.archivedAttributes[d.key]);
  }
  for (const [key, value] of Object.entries(contact.customAttributes)) {
    add(key, schema.byKey.get(key) ?? null, value);
  }
  if (includeArchived) {
    for (const [key, value] of Object.entries(contact.archivedAttributes)) {
      add(key, schema.byKey.get(key) ?? null, value);
    }
  }
  return [...entries.values()].sort(compareEntries);
}

function compareEntries(a: ContactAttributeValue, b: ContactAttributeValue): number {
  if (a.definition && !b.definition) return -1;
  if (!a.definition && b.definition) return 1;
  if (a.definition && b.definition && a.definition.position !== b.definition.position) {
    return a.definition.position - b.definition.position;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
