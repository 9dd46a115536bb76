import type { Context } from '../context.js';
import type { BatchOutcome, BatchUpsert } from '../db/contact-batch.js';
import type { Contact } from '../db/schema.js';
import { createWorkspaceData } from '../db/workspace-data.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import {
  type ContactMutationInput,
  holdAttributeSchema,
  parse,
  requiredErrors,
  withCurrentAttributeSchema,
} from './contact-mutations.js';
import { throwIfInvalid } from './write-errors.js';

/** The most items one `upsertContacts` call may carry. */
export const MAX_UPSERT_BATCH = 1000;

export type UpsertContactsItem = {
  index: number;
  created: boolean | null;
  contact: Contact | null;
  error: ValidationError | ConflictError | NotFoundError | null;
};

type UpsertInput = ContactMutationInput & { externalId: string };

/** An item's field errors, with paths from the mutation's `input` (`contacts.<i>.<field>`). */
function itemValidationError(index: number, error: ValidationError): ValidationError {
  return new ValidationError(
    error.fieldErrors.map((f) => ({ ...f, path: ['contacts', String(index), ...f.path] })),
  );
}

function outcomeError(outcome: Extract<BatchOutcome, { holderId: string | null }>) {
  const { violation, holderId } = outcome;
  if (violation.kind === 'reference') {
    return new NotFoundError(
      violation.field,
      `${violation.field}: no such object in this workspace`,
    );
  }
  return new ConflictError(
    violation.field,
    `${violation.field} is already used${holderId ? ' by another contact' : ''} in this workspace`,
    holderId,
  );
}

/**
 * Upserts up to 1000 contacts by external ID: every item is validated first, the valid ones are
 * written in one transaction (a statement per shape of input), and each item gets its own
 * result, so good items are written even when others are refused.
 */
export function upsertContacts(
  ctx: Context,
  input: { contacts: readonly UpsertInput[] },
): Promise<{ results: UpsertContactsItem[] }> {
  return withCurrentAttributeSchema(ctx, () => upsertContactsOnce(ctx, input));
}

async function upsertContactsOnce(
  ctx: Context,
  input: { contacts: readonly UpsertInput[] },
): Promise<{ results: UpsertContactsItem[] }> {
  if (input.contacts.length > MAX_UPSERT_BATCH) {
    throwIfInvalid([
      {
        path: ['contacts'],
        message: `must hold at most ${MAX_UPSERT_BATCH} contacts (got ${input.contacts.length})`,
      },
    ]);
  }
  const workspace = (await ctx.db.workspace()) ?? { defaultPhoneRegion: null };
  const results: UpsertContactsItem[] = [];
  const valid: { index: number; upsert: BatchUpsert }[] = [];
  const seen = new Map<string, number>();
  for (const [index, item] of input.contacts.entries()) {
    const result: UpsertContactsItem = { index, created: null, contact: null, error: null };
    results.push(result);
    try {
      const { write, labelIds } = await parse(ctx, item, 'update', workspace);
      const externalId = write.externalId;
      if (!externalId) throwIfInvalid([{ path: ['externalId'], message: 'is required' }]);
      const earlier = seen.get(externalId as string);
      if (earlier !== undefined) {
        throwIfInvalid([
          { path: ['externalId'], message: `repeats the external ID of item ${earlier}` },
        ]);
      }
      seen.set(externalId as string, index);
      valid.push({
        index,
        upsert: { write: { ...write, externalId: externalId as string }, labelIds },
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      result.error = itemValidationError(index, error);
    }
  }
  if (valid.length === 0) return { results };
  const schema = await ctx.db.attributeSchema();
  const outcomes = await ctx.db.contactBatch.upsertMany(
    valid.map((v) => v.upsert),
    ({ contact, created }, item) => {
      const errors = requiredErrors(schema, item.write, contact, created);
      return errors.length > 0 ? errors : undefined;
    },
    (trx) => {
      const touches = valid.some(
        (v) =>
          v.upsert.write.customAttributes !== undefined || v.upsert.write.profileIds !== undefined,
      );
      return holdAttributeSchema(
        createWorkspaceData(trx, ctx.db.workspaceId),
        schema,
        touches ? { customAttributes: {} } : {},
        true,
      );
    },
  );
  outcomes.forEach((outcome, i) => {
    const index = (valid[i] as { index: number }).index;
    const result = results[index] as UpsertContactsItem;
    if (outcome.ok) {
      result.created = outcome.created;
      result.contact = outcome.contact;
    } else if (!outcome.violation) {
      result.error = itemValidationError(index, new ValidationError(outcome.refusal));
    } else {
      result.error = outcomeError(outcome);
    }
  });
  return { results };
}
