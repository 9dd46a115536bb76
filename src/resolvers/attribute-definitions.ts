import type { Context } from '../context.js';
import type {
  DefinitionWrite,
  StoredValue,
  ValueColumn,
} from '../db/attribute-definition-writes.js';
import type { AttributeSchema } from '../db/attribute-schema.js';
import type { AttributeDefinition, AttributeType } from '../db/schema.js';
import type { WorkspaceData } from '../db/workspace-data.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../errors.js';
import { encodeGlobalId } from '../global-id.js';
import {
  type AttributeRule,
  compilePattern,
  normalizeAttributeValue,
} from '../validation/attribute-values.js';
import { parseDescription, parseName } from '../validation/fields.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

/** Definition input as received: `undefined` = not given (keep), `null` = clear where allowed. */
export type AttributeDefinitionInput = {
  name?: string | null;
  description?: string | null;
  type?: AttributeType | null;
  options?: readonly string[] | null;
  pattern?: string | null;
  required?: boolean | null;
  position?: number | null;
  /** Slugs of the profiles grouping the definition (replaces the set). */
  profiles?: readonly string[] | null;
};

export type CreateAttributeDefinitionInput = AttributeDefinitionInput & {
  key: string;
  name: string;
  type: AttributeType;
};

export const ATTRIBUTE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const LIST_TYPES: ReadonlySet<AttributeType> = new Set(['LIST', 'MULTI_SELECT']);
/** Types whose stored value is free text a pattern can constrain. */
const PATTERN_TYPES: ReadonlySet<AttributeType> = new Set(['TEXT', 'URL', 'EMAIL', 'PHONE']);
const NAME_MAX = 200;
const DESCRIPTION_MAX = 2000;
const PATTERN_MAX = 1000;
const OPTIONS_MAX = 500;
const OPTION_MAX = 200;

type Parsed = { write: DefinitionWrite; profileIds?: string[] };

/**
 * Validates definition fields against the definition they change (`current`, none on
 * create): options only (and then required) for LIST / MULTI_SELECT, a pattern only for the
 * free-text types and only one that compiles. Changing the type away from a list drops the
 * options; away from a free-text type, the pattern.
 */
function parseDefinition(
  schema: AttributeSchema,
  input: AttributeDefinitionInput,
  current: AttributeDefinition | undefined,
): Parsed & { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const write: DefinitionWrite = {};
  const creating = current === undefined;

  const name = parseName(input.name, creating, NAME_MAX, errors);
  if (name !== undefined) write.name = name;

  const description = parseDescription(input.description, creating, DESCRIPTION_MAX, errors);
  if (description !== undefined) write.description = description;

  if (input.type === null) errors.push({ path: ['type'], message: 'cannot be null' });
  else if (input.type !== undefined) write.type = input.type;
  const type = write.type ?? current?.type;

  if (type !== undefined) {
    const isList = LIST_TYPES.has(type);
    if (input.options !== undefined && input.options !== null) {
      if (!isList) {
        errors.push({ path: ['options'], message: 'only LIST and MULTI_SELECT take options' });
      } else {
        const options = parseOptions(input.options, errors);
        if (options) write.options = options;
      }
    } else if (isList && (input.options === null || !current?.options)) {
      errors.push({ path: ['options'], message: `is required for ${type}` });
    } else if (!isList && current?.options) {
      write.options = null;
    }

    if (input.pattern !== undefined && input.pattern !== null && input.pattern.trim() !== '') {
      const pattern = input.pattern.trim();
      if (!PATTERN_TYPES.has(type)) {
        errors.push({
          path: ['pattern'],
          message: 'only TEXT, URL, EMAIL and PHONE take a pattern',
        });
      } else if (pattern.length > PATTERN_MAX) {
        errors.push({ path: ['pattern'], message: `must be at most ${PATTERN_MAX} characters` });
      } else {
        try {
          compilePattern(pattern);
          write.pattern = pattern;
        } catch (error) {
          errors.push({
            path: ['pattern'],
            message: `is not a valid regular expression (${(error as Error).message})`,
          });
        }
      }
    } else if (input.pattern !== undefined) {
      if (!creating) write.pattern = null;
    } else if (!PATTERN_TYPES.has(type) && current?.pattern) {
      write.pattern = null;
    }
  }

  if (input.required === null) {
    errors.push({ path: ['required'], message: 'cannot be null; use true or false' });
  } else if (input.required !== undefined) write.required = input.required;

  if (input.position === null) {
    errors.push({ path: ['position'], message: 'cannot be null' });
  } else if (input.position !== undefined) write.position = input.position;

  let profileIds: string[] | undefined;
  if (input.profiles === null) profileIds = [];
  else if (input.profiles !== undefined || creating) {
    profileIds = [];
    for (const [i, slug] of (input.profiles ?? ['default']).entries()) {
      const profile = schema.bySlug.get(slug.trim());
      if (profile) profileIds.push(profile.id);
      else errors.push({ path: ['profiles', String(i)], message: 'is not a profile slug' });
    }
  }
  return { write, profileIds, errors };
}

function parseOptions(options: readonly string[], errors: FieldError[]): string[] | undefined {
  const out: string[] = [];
  const seen = new Map<string, number>();
  let ok = true;
  for (const [i, raw] of options.entries()) {
    const option = raw.trim();
    const path = ['options', String(i)];
    if (option === '') {
      errors.push({ path, message: 'cannot be empty' });
      ok = false;
    } else if (option.length > OPTION_MAX) {
      errors.push({ path, message: `must be at most ${OPTION_MAX} characters` });
      ok = false;
    } else if (seen.has(option.toLowerCase())) {
      // Values match options ignoring case, so two options differing by case are one.
      errors.push({ path, message: `repeats option ${seen.get(option.toLowerCase())}` });
      ok = false;
    } else {
      seen.set(option.toLowerCase(), i);
      out.push(option);
    }
  }
  if (options.length === 0) {
    errors.push({ path: ['options'], message: 'must list at least one option' });
    ok = false;
  } else if (options.length > OPTIONS_MAX) {
    errors.push({ path: ['options'], message: `must list at most ${OPTIONS_MAX} options` });
    ok = false;
  }
  return ok ? out : undefined;
}

/** The stored values of a key converted to a rule, or the field error naming what fails. */
function convertValues(
  values: readonly StoredValue[],
  rule: AttributeRule,
  phoneRegion: string | null | undefined,
  blame: string,
): { changed: StoredValue[]; error?: FieldError } {
  const changed: StoredValue[] = [];
  const failed: { contactId: string; message: string }[] = [];
  for (const { contactId, value } of values) {
    const result = normalizeAttributeValue(rule, value, phoneRegion);
    if (!result.ok) failed.push({ contactId, message: result.message });
    else if (JSON.stringify(result.value) !== JSON.stringify(value)) {
      changed.push({ contactId, value: result.value });
    }
  }
  const first = failed[0];
  if (!first) return { changed };
  // A value of the right type that only misses the pattern is the pattern's doing.
  let field = blame;
  const original = values.find((v) => v.contactId === first.contactId)?.value;
  if (
    rule.pattern &&
    normalizeAttributeValue({ ...rule, pattern: null }, original, phoneRegion).ok
  ) {
    field = 'pattern';
  }
  const count =
    failed.length === 1 ? '1 contact has a value' : `${failed.length} contacts have values`;
  return {
    changed,
    error: {
      path: [field],
      message: `${count} that would not convert (e.g. contact ${encodeGlobalId('Contact', first.contactId)}: ${first.message})`,
    },
  };
}

/** Which input field a conversion failure is about: the type, else options, else pattern. */
function blameOf(write: DefinitionWrite, current: AttributeDefinition | undefined): string {
  if (!current || (write.type !== undefined && write.type !== current.type)) return 'type';
  if (write.options !== undefined && write.options !== null) return 'options';
  return 'pattern';
}

/** Re-validates every stored value of the definition's key and rewrites those that change. */
async function revalidate(
  tx: WorkspaceData,
  definition: AttributeDefinition,
  column: ValueColumn,
  blame: string,
): Promise<number> {
  const workspace = await tx.workspace();
  const values = await tx.attributeDefinitionWrites.storedValues(definition.key, column);
  const { changed, error } = convertValues(
    values,
    definition,
    workspace?.defaultPhoneRegion,
    blame,
  );
  if (error) throw new ValidationError([error]);
  return tx.attributeDefinitionWrites.rewriteValues(definition.key, column, changed);
}

const notFound = () =>
  new NotFoundError('id', 'id: no such attribute definition in this workspace');

function definitionId(id: string): string {
  const errors: FieldError[] = [];
  const local = decodeReference(id, 'AttributeDefinition', ['id'], errors);
  throwIfInvalid(errors);
  return local as string;
}

/** After a change commits: indexes follow the definition, and later reads see it. */
async function settle(ctx: Context, definition: AttributeDefinition) {
  await ctx.db.attributeSchema({ reload: true });
  await ctx.db.syncAttributeIndexes(definition);
}

/**
 * Creates a definition. Values already stored under its key (untyped until now) must all
 * convert to its type; they are rewritten in their normalized form in the same transaction.
 */
export async function createAttributeDefinition(
  ctx: Context,
  input: CreateAttributeDefinitionInput,
) {
  const schema = await ctx.db.attributeSchema();
  const key = input.key.trim();
  const { write, profileIds, errors } = parseDefinition(schema, input, undefined);
  if (!ATTRIBUTE_KEY_PATTERN.test(key)) {
    errors.unshift({
      path: ['key'],
      message:
        'must start with a lower-case letter and use only a-z, 0-9 and "_" (at most 63 characters)',
    });
  }
  throwIfInvalid(errors);
  if (schema.byKey.has(key)) {
    throw new ConflictError('key', 'key is already used by an attribute definition');
  }
  const result = await guardWrite(() =>
    ctx.db.transaction(async (tx) => {
      await tx.lockAttributeSchema('exclusive');
      const definition = await tx.attributeDefinitionWrites.insert({
        ...write,
        key,
        name: write.name as string,
        type: write.type as AttributeType,
      });
      await tx.attributeDefinitionWrites.setProfiles(definition.id, profileIds ?? []);
      const convertedContacts = await revalidate(
        tx,
        definition,
        'custom_attributes',
        LIST_TYPES.has(definition.type) ? 'options' : 'type',
      );
      return { attributeDefinition: definition, convertedContacts };
    }),
  );
  await settle(ctx, result.attributeDefinition);
  return result;
}

/**
 * Changes a definition (the key never changes). A new type, options or pattern re-validates
 * every stored value: refused when any would not convert, otherwise the converted values are
 * rewritten in the same transaction (contact events tell).
 */
export async function updateAttributeDefinition(
  ctx: Context,
  input: AttributeDefinitionInput & { id: string },
) {
  const id = definitionId(input.id);
  const schema = await ctx.db.attributeSchema();
  const result = await ctx.db.transaction(async (tx) => {
    await tx.lockAttributeSchema('exclusive');
    const current = await tx.attributeDefinitionWrites.lock(id);
    if (!current) throw notFound();
    const { write, profileIds, errors } = parseDefinition(schema, input, current);
    throwIfInvalid(errors);
    const definition = (await tx.attributeDefinitionWrites.update(id, write)) ?? current;
    if (profileIds) await tx.attributeDefinitionWrites.setProfiles(id, profileIds);
    const ruleChanged =
      definition.type !== current.type ||
      JSON.stringify(definition.options) !== JSON.stringify(current.options) ||
      definition.pattern !== current.pattern;
    const convertedContacts = ruleChanged
      ? await revalidate(
          tx,
          definition,
          definition.archivedAt ? 'archived_attributes' : 'custom_attributes',
          blameOf(write, current),
        )
      : 0;
    return { attributeDefinition: definition, convertedContacts };
  });
  await settle(ctx, result.attributeDefinition);
  return result;
}

/**
 * Archives a definition: its values move from `customAttributes` to the archived values (kept,
 * hidden from default reads, not required, not writable) in one contact update. Archiving an
 * archived definition changes nothing.
 */
export async function archiveAttributeDefinition(ctx: Context, input: { id: string }) {
  return setArchived(ctx, input.id, true);
}

/** Restores an archived definition: its values move back into `customAttributes`. */
export async function restoreAttributeDefinition(ctx: Context, input: { id: string }) {
  return setArchived(ctx, input.id, false);
}

async function setArchived(ctx: Context, globalId: string, archive: boolean) {
  const id = definitionId(globalId);
  const result = await ctx.db.transaction(async (tx) => {
    await tx.lockAttributeSchema('exclusive');
    const current = await tx.attributeDefinitionWrites.lock(id);
    if (!current) throw notFound();
    if ((current.archivedAt !== null) === archive) {
      return { attributeDefinition: current, affectedContacts: 0 };
    }
    const definition = (await tx.attributeDefinitionWrites.update(id, {
      archivedAt: archive ? new Date() : null,
    })) as AttributeDefinition;
    const affectedContacts = archive
      ? await tx.attributeDefinitionWrites.archiveValues(definition.key)
      : await tx.attributeDefinitionWrites.restoreValues(definition.key);
    return { attributeDefinition: definition, affectedContacts };
  });
  await settle(ctx, result.attributeDefinition);
  return result;
}
