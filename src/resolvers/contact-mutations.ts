import type { Context } from '../context.js';
import type { ContactWrite } from '../db/contact-writes.js';
import { type FieldError, NotFoundError } from '../errors.js';
import { type ContactFields, type ContactInput, parseContactInput } from '../validation/contact.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

/** Contact fields of create/update/upsert inputs, with references as global IDs. */
export type ContactMutationInput = ContactInput & {
  organizationId?: string | null;
  labelIds?: readonly string[] | null;
};

type Parsed = { write: ContactWrite; labelIds: string[] };

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
  const workspace = known ?? (await ctx.db.workspace());
  const { fields, errors } = parseContactInput(input, {
    mode,
    phoneRegion: workspace?.defaultPhoneRegion,
  });
  const write: ContactWrite = { ...fields };
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
  return { write, labelIds };
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

export async function createContact(ctx: Context, input: ContactMutationInput) {
  const { write, labelIds } = await parse(ctx, input, 'create');
  return guardWrite(
    () =>
      ctx.db.transaction(async (tx) => {
        const contact = await tx.contactWrites.insert(write);
        await tx.contactWrites.addLabels(contact.id, labelIds);
        return { contact };
      }),
    holderOf(ctx, write),
  );
}

export async function updateContact(ctx: Context, input: ContactMutationInput & { id: string }) {
  const id = contactId(input.id);
  const { write } = await parse(ctx, { ...input, labelIds: undefined }, 'update');
  return guardWrite(
    async () => {
      const contact = await ctx.db.transaction((tx) => tx.contactWrites.update(id, write));
      if (!contact) throw notFound();
      return { contact };
    },
    holderOf(ctx, write),
  );
}

/** Create or update by external ID in one statement: re-running an import never duplicates. */
export async function upsertContact(
  ctx: Context,
  input: ContactMutationInput & { externalId: string },
) {
  const { write, labelIds } = await parse(ctx, input, 'update');
  if (!write.externalId) throwIfInvalid([{ path: ['externalId'], message: 'is required' }]);
  return guardWrite(
    () =>
      ctx.db.transaction(async (tx) => {
        const result = await tx.contactWrites.upsert({
          ...write,
          externalId: write.externalId as string,
        });
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
