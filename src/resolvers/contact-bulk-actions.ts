import type { Context } from '../context.js';
import type { ContactFilter } from '../db/contact-filter.js';
import type { WorkspaceData } from '../db/workspace-data.js';
import { type FieldError, ValidationError } from '../errors.js';
import { type ContactFilterInput, prepareContactFilter } from './filters.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

/** The most contacts one bulk action may change: larger selections are split by the caller. */
export const BULK_LIMIT = 10_000;

export type ContactSelectionInput = {
  ids?: readonly string[] | null;
  filter?: ContactFilterInput | null;
};

type Selection = { ids?: string[]; filter?: ContactFilter };

async function parseSelection(
  ctx: Context,
  selection: ContactSelectionInput,
  errors: FieldError[],
): Promise<Selection> {
  const hasIds = selection.ids != null;
  const hasFilter = selection.filter != null;
  if (hasIds === hasFilter) {
    errors.push({ path: ['selection'], message: 'give exactly one of ids or filter' });
    return {};
  }
  if (hasIds) {
    const ids = (selection.ids ?? []).flatMap(
      (id, i) => decodeReference(id, 'Contact', ['selection', 'ids', String(i)], errors) ?? [],
    );
    if (ids.length > BULK_LIMIT) {
      errors.push({
        path: ['selection', 'ids'],
        message: `has ${ids.length} ids; at most ${BULK_LIMIT} per call`,
      });
    }
    return { ids };
  }
  return {
    filter: await prepareContactFilter(
      ctx,
      selection.filter as ContactFilterInput,
      'selection.filter',
    ),
  };
}

/** The selected contacts' ids inside the transaction; more than the limit refuses the action. */
async function selectedIds(
  tx: WorkspaceData,
  selection: Selection,
  deleted: boolean,
): Promise<string[]> {
  const ids = await tx.contacts.matchingIds(
    { filter: selection.filter ?? null, ids: selection.ids, deleted },
    BULK_LIMIT + 1,
  );
  if (ids.length > BULK_LIMIT) {
    throw new ValidationError([
      {
        path: ['selection'],
        message: `matches more than ${BULK_LIMIT} contacts; narrow it down or split it`,
      },
    ]);
  }
  return ids;
}

type Action = (tx: WorkspaceData, ids: string[]) => Promise<number>;

/** One transaction: select (bounded), act, count. */
async function runBulk(
  ctx: Context,
  selection: ContactSelectionInput,
  errors: FieldError[],
  action: Action,
  options: { deleted?: boolean } = {},
) {
  const parsed = await parseSelection(ctx, selection, errors);
  throwIfInvalid(errors);
  const count = await guardWrite(() =>
    ctx.db.transaction(async (tx) =>
      action(tx, await selectedIds(tx, parsed, options.deleted ?? false)),
    ),
  );
  return { count };
}

function labelIdsOf(ids: readonly string[], errors: FieldError[]): string[] {
  if (ids.length === 0)
    errors.push({ path: ['labelIds'], message: 'must name at least one label' });
  return ids.flatMap(
    (id, i) => decodeReference(id, 'Label', ['labelIds', String(i)], errors) ?? [],
  );
}

export function addLabelsToContacts(
  ctx: Context,
  input: { selection: ContactSelectionInput; labelIds: readonly string[] },
) {
  const errors: FieldError[] = [];
  const labelIds = labelIdsOf(input.labelIds, errors);
  return runBulk(ctx, input.selection, errors, (tx, ids) =>
    tx.contactWrites.bulkAddLabels(ids, labelIds),
  );
}

export function removeLabelsFromContacts(
  ctx: Context,
  input: { selection: ContactSelectionInput; labelIds: readonly string[] },
) {
  const errors: FieldError[] = [];
  const labelIds = labelIdsOf(input.labelIds, errors);
  return runBulk(ctx, input.selection, errors, (tx, ids) =>
    tx.contactWrites.bulkRemoveLabels(ids, labelIds),
  );
}

export function deleteContacts(ctx: Context, input: { selection: ContactSelectionInput }) {
  return runBulk(ctx, input.selection, [], (tx, ids) => tx.contactWrites.bulkSoftDelete(ids));
}

/** Fails whole (ConflictError, nothing restored) when one contact's email or phone was taken. */
export function restoreContacts(ctx: Context, input: { selection: ContactSelectionInput }) {
  return runBulk(ctx, input.selection, [], (tx, ids) => tx.contactWrites.bulkRestore(ids), {
    deleted: true,
  });
}

export function setContactsOrganization(
  ctx: Context,
  input: { selection: ContactSelectionInput; organizationId?: string | null },
) {
  const errors: FieldError[] = [];
  const organizationId =
    input.organizationId == null
      ? null
      : (decodeReference(input.organizationId, 'Organization', ['organizationId'], errors) ?? null);
  return runBulk(ctx, input.selection, errors, (tx, ids) =>
    tx.contactWrites.bulkSetOrganization(ids, organizationId),
  );
}
