import type { Context } from '../context.js';
import type { AttributeSchema } from '../db/attribute-schema.js';
import type { ProfileWrite } from '../db/profile-writes.js';
import { ConflictError, type FieldError, NotFoundError } from '../errors.js';
import { parseDescription, parseName } from '../validation/fields.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

/** Profile input as received: `undefined` = not given (keep), `null` = clear where allowed. */
export type ProfileInput = {
  slug?: string | null;
  name?: string | null;
  description?: string | null;
  /** Keys of the attribute definitions the profile groups (replaces the set). */
  attributeKeys?: readonly string[] | null;
};

export const PROFILE_SLUG_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const NAME_MAX = 200;
const DESCRIPTION_MAX = 2000;

function parseProfile(
  schema: AttributeSchema,
  input: ProfileInput,
  creating: boolean,
): { write: ProfileWrite; definitionIds?: string[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const write: ProfileWrite = {};
  if (input.slug === null || (input.slug === undefined && creating)) {
    errors.push({ path: ['slug'], message: 'is required' });
  } else if (input.slug !== undefined) {
    const slug = input.slug.trim();
    if (!PROFILE_SLUG_PATTERN.test(slug)) {
      errors.push({
        path: ['slug'],
        message:
          'must start with a lower-case letter and use only a-z, 0-9 and "-" (at most 63 characters)',
      });
    } else write.slug = slug;
  }
  const name = parseName(input.name, creating, NAME_MAX, errors);
  if (name !== undefined) write.name = name;
  const description = parseDescription(input.description, creating, DESCRIPTION_MAX, errors);
  if (description !== undefined) write.description = description;
  let definitionIds: string[] | undefined;
  if (input.attributeKeys === null) definitionIds = [];
  else if (input.attributeKeys !== undefined) {
    definitionIds = [];
    for (const [i, key] of input.attributeKeys.entries()) {
      const definition = schema.byKey.get(key.trim());
      if (definition) definitionIds.push(definition.id);
      else {
        errors.push({
          path: ['attributeKeys', String(i)],
          message: 'is not the key of an attribute definition',
        });
      }
    }
  }
  return { write, definitionIds, errors };
}

const notFound = () => new NotFoundError('id', 'id: no such profile in this workspace');
const slugTaken = () => new ConflictError('slug', 'slug is already used by another profile');

function profileId(id: string): string {
  const errors: FieldError[] = [];
  const local = decodeReference(id, 'Profile', ['id'], errors);
  throwIfInvalid(errors);
  return local as string;
}

export async function createProfile(ctx: Context, input: ProfileInput) {
  const schema = await ctx.db.attributeSchema();
  const { write, definitionIds, errors } = parseProfile(schema, input, true);
  throwIfInvalid(errors);
  if (write.slug && schema.bySlug.has(write.slug)) throw slugTaken();
  const result = await guardWrite(() =>
    ctx.db.transaction(async (tx) => {
      const profile = await tx.profileWrites.insert({
        ...write,
        slug: write.slug as string,
        name: write.name as string,
      });
      await tx.profileWrites.setAttributes(profile.id, definitionIds ?? []);
      return { profile };
    }),
  );
  await ctx.db.attributeSchema({ reload: true });
  return result;
}

/** Changes a profile; the default profile keeps its slug (`default`), as clients refer to it. */
export async function updateProfile(ctx: Context, input: ProfileInput & { id: string }) {
  const id = profileId(input.id);
  const schema = await ctx.db.attributeSchema();
  const { write, definitionIds, errors } = parseProfile(schema, input, false);
  throwIfInvalid(errors);
  const result = await guardWrite(() =>
    ctx.db.transaction(async (tx) => {
      await tx.lockAttributeSchema('exclusive');
      const current = await tx.profileWrites.lock(id);
      if (!current) throw notFound();
      if (current.isDefault && write.slug !== undefined && write.slug !== current.slug) {
        throwIfInvalid([{ path: ['slug'], message: 'of the default profile cannot change' }]);
      }
      const profile = (await tx.profileWrites.update(id, write)) ?? current;
      if (definitionIds) await tx.profileWrites.setAttributes(id, definitionIds);
      return { profile };
    }),
  );
  await ctx.db.attributeSchema({ reload: true });
  return result;
}

/**
 * Deletes a profile (not the default one, which every contact has); contacts that adopted it
 * drop it in the same transaction.
 */
export async function deleteProfile(ctx: Context, input: { id: string }) {
  const id = profileId(input.id);
  const result = await ctx.db.transaction(async (tx) => {
    await tx.lockAttributeSchema('exclusive');
    const current = await tx.profileWrites.lock(id);
    if (!current) throw notFound();
    if (current.isDefault) {
      throwIfInvalid([
        { path: ['id'], message: 'is the default profile, which cannot be deleted' },
      ]);
    }
    const deleted = await tx.profileWrites.delete(id);
    if (!deleted) throw notFound();
    return deleted;
  });
  await ctx.db.attributeSchema({ reload: true });
  return result;
}
