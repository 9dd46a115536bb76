import type { Context } from '../context.js';
import type { AttributeSchema } from '../db/attribute-schema.js';
import type { ContactWrite } from '../db/contact-writes.js';
import type { Contact } from '../db/schema.js';
import type { WorkspaceData } from '../db/workspace-data.js';
import { ConflictError, type FieldError, NotFoundError } from '../errors.js';
import { type ContactFields, type ContactInput, parseContactInput } from '../validation/contact.js';
import { adoptedProfiles, missingRequired, typedAttributes } from './contact-attributes.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

/** Contact fields of create/update/upsert inputs, with references as global IDs. */
export type ContactMutationInput = ContactInput & {
  organizationId?: string | null;
  labelIds?: readonly string[] | null;
  /** Slugs of the profiles the contact adopts besides the default one (replaces the set). */
  profiles?: readonly string[] | null;
};

type Parsed = { write: ContactWrite; labelIds: string[]; schema: AttributeSchema };

/**
 * Validation and normalization at the boundary; throws one ValidationError listing every field.
 * A batch passes the workspace it has read once.
 */
export async function parse(
  ctx: Context,
  input: ContactMutationInput,
  mode: 'create' | 'update',
  known?: { defaultPhoneRegion: string | null } | undefined,
): Promise<Parsed> {
  const [workspace, schema] = await Promise.all([
    known ?? ctx.db.workspace(),
    ctx.db.attributeSchema(),
  ]);
  const { fields, errors } = parseContactInput(input, {
    mode,
    phoneRegion: workspace?.defaultPhoneRegion,
  });
  const write: ContactWrite = { ...fields };
  if (fields.customAttributes) {
    write.customAttributes = typedAttributes(
      schema,
      fields.customAttributes,
      workspace?.defaultPhoneRegion,
      errors,
    );
  }
  if (input.profiles !== undefined && (input.profiles !== null || mode === 'update')) {
    write.profileIds = adoptedProfiles(schema, input.profiles, errors);
  }
  if (input.organizationId === null) {
    if (mode === 'update') write.organizationId = null;
  } else if (input.organizationId !== undefined) {
    write.organizationId = decodeReference(
      input.organizationId,
      'Organization',
      ['organizationId'],
      errors,
    );
  }
  const labelIds = labelRefs(input.labelIds, errors);
  throwIfInvalid(errors);
  return { write, labelIds, schema };
}

/**
 * The required-attributes rule, checked on the row a write produced (inside its transaction,
 * so a refusal writes nothing): a write that creates a contact, or changes its custom
 * attributes or profiles, must leave it with every required attribute of its profiles.
 */
export function requiredErrors(
  schema: AttributeSchema,
  write: ContactWrite,
  contact: Contact,
  created: boolean,
): FieldError[] {
  if (!created && write.customAttributes === undefined && write.profileIds === undefined) {
    return [];
  }
  return missingRequired(schema, contact);
}

/** The attribute schema changed between validating a write and starting it. */
class AttributeSchemaChanged extends Error {}

/**
 * Inside a contact write's transaction, before it writes: holds the attribute schema (shared
 * lock; definition changes take it exclusively) and checks it is the one the input was
 * validated against. Needed only when the schema matters to this write.
 */
export async function holdAttributeSchema(
  tx: WorkspaceData,
  used: AttributeSchema,
  write: Pick<ContactWrite, 'customAttributes' | 'profileIds'>,
  mayCreate: boolean,
): Promise<void> {
  const requires = mayCreate && used.definitions.some((d) => d.required && !d.archivedAt);
  if (write.customAttributes === undefined && write.profileIds === undefined && !requires) return;
  await tx.lockAttributeSchema('shared');
  if ((await tx.attributeSchema()).version !== used.version) {
    throw new AttributeSchemaChanged();
  }
}

/**
 * Runs a contact write; when the attribute schema changed under it (a definition changed
 * between validation and the write), validates again against the new one, once.
 */
export async function withCurrentAttributeSchema<T>(ctx: Context, run: () => Promise<T>) {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AttributeSchemaChanged)) throw error;
  }
  await ctx.db.attributeSchema({ reload: true });
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AttributeSchemaChanged)) throw error;
    throw new ConflictError(
      'customAttributes',
      'attribute definitions kept changing during this write; retry it',
    );
  }
}

function labelRefs(ids: readonly string[] | null | undefined, errors: FieldError[]): string[] {
  return (ids ?? []).flatMap(
    (id, i) => decodeReference(id, 'Label', ['labelIds', String(i)], errors) ?? [],
  );
}

/** After a unique violation: which live contact holds the value this input tried to take. */
function holderOf(ctx: Context, write: ContactFields) {
  return async (field: string) => {
    const value = write[field as 'email' | 'phone' | 'externalId'];
    if (typeof value !== 'string') return null;
    const holder = await ctx.db.contacts.find({ [field]: value });
    return holder?.id ?? null;
  };
}

function contactId(id: string, field = 'id'): string {
  const errors: FieldError[] = [];
  const local = decodeReference(id, 'Contact', [field], errors);
  throwIfInvalid(errors);
  return local as string;
}

const notFound = (field = 'id') =>
  new NotFoundError(field, `${field}: no such contact in this workspace`);

export function createContact(ctx: Context, input: ContactMutationInput) {
  return withCurrentAttributeSchema(ctx, () => createContactOnce(ctx, input));
}

async function createContactOnce(ctx: Context, input: ContactMutationInput) {
  const { write, labelIds, schema } = await parse(ctx, input, 'create');
  return guardWrite(
    () =>
      ctx.db.transaction(async (tx) => {
        await holdAttributeSchema(tx, schema, write, true);
        const contact = await tx.contactWrites.insert(write);
        throwIfInvalid(requiredErrors(schema, write, contact, true));
        await tx.contactWrites.addLabels(contact.id, labelIds);
        return { contact };
      }),
    holderOf(ctx, write),
  );
}

export function updateContact(ctx: Context, input: ContactMutationInput & { id: string }) {
  return withCurrentAttributeSchema(ctx, () => updateContactOnce(ctx, input));
}

async function updateContactOnce(ctx: Context, input: ContactMutationInput & { id: string }) {
  const id = contactId(input.id);
  const { write, schema } = await parse(ctx, { ...input, labelIds: undefined }, 'update');
  return guardWrite(
    async () => {
      const contact = await ctx.db.transaction(async (tx) => {
        await holdAttributeSchema(tx, schema, write, false);
        const updated = await tx.contactWrites.update(id, write);
        if (updated) throwIfInvalid(requiredErrors(schema, write, updated, false));
        return updated;
      });
      if (!contact) throw notFound();
      return { contact };
    },
    holderOf(ctx, write),
  );
}

/** Create or update by external ID in one statement: re-running an import never duplicates. */
export function upsertContact(ctx: Context, input: ContactMutationInput & { externalId: string }) {
  return withCurrentAttributeSchema(ctx, () => upsertContactOnce(ctx, input));
}

async function upsertContactOnce(
  ctx: Context,
  input: ContactMutationInput & { externalId: string },
) {
  const { write, labelIds, schema } = await parse(ctx, input, 'update');
  if (!write.externalId) throwIfInvalid([{ path: ['externalId'], message: 'is required' }]);
  return guardWrite(
    () =>
      ctx.db.transaction(async (tx) => {
        await holdAttributeSchema(tx, schema, write, true);
        const result = await tx.contactWrites.upsert({
          ...write,
          externalId: write.externalId as string,
        });
        throwIfInvalid(requiredErrors(schema, write, result.contact, result.created));
        await tx.contactWrites.addLabels(result.contact.id, labelIds);
        return result;
      }),
    holderOf(ctx, write),
  );
}

export async function deleteContact(ctx: Context, input: { id: string }) {
  const contact = await ctx.db.transaction((tx) =>
    tx.contactWrites.softDelete(contactId(input.id)),
  );
  if (!contact) throw notFound();
  return { contact };
}

/** Fails with a ConflictError when its email, phone or external ID was taken meanwhile. */
export async function restoreContact(ctx: Context, input: { id: string }) {
  const id = contactId(input.id);
  const deleted = await ctx.db.contacts.find({ id }, true);
  return guardWrite(
    async () => {
      const contact = await ctx.db.transaction((tx) => tx.contactWrites.restore(id));
      if (!contact) throw notFound();
      return { contact };
    },
    deleted ? holderOf(ctx, deleted) : undefined,
  );
}

type ContactLabelsInput = { contactId: string; labelIds: readonly string[] };

/** The live contact and decoded label ids of add/removeContactLabels, or the typed error. */
async function contactAndLabels(ctx: Context, input: ContactLabelsInput) {
  const errors: FieldError[] = [];
  const labelIds = labelRefs(input.labelIds, errors);
  throwIfInvalid(errors);
  const contact = await ctx.db.contacts.find({ id: contactId(input.contactId, 'contactId') });
  if (!contact) throw notFound('contactId');
  return { contact, labelIds };
}

export async function addContactLabels(ctx: Context, input: ContactLabelsInput) {
  const { contact, labelIds } = await contactAndLabels(ctx, input);
  await guardWrite(() =>
    ctx.db.transaction((tx) => tx.contactWrites.addLabels(contact.id, labelIds)),
  );
  return { contact };
}

export async function removeContactLabels(ctx: Context, input: ContactLabelsInput) {
  const { contact, labelIds } = await contactAndLabels(ctx, input);
  // Removing is idempotent, but a label that does not exist here is still the caller's mistake.
  const known = await ctx.db.labels.byIds(labelIds);
  if (known.length !== new Set(labelIds).size) {
    throw new NotFoundError('labelIds', 'labelIds: no such label in this workspace');
  }
  await ctx.db.transaction((tx) => tx.contactWrites.removeLabels(contact.id, labelIds));
  return { contact };
}
