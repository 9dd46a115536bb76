import type { Context } from '../context.js';
import type { OrganizationWrite } from '../db/organization-writes.js';
import { type FieldError, NotFoundError } from '../errors.js';
import { checkAttributes } from '../validation/attributes.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

/** Organization input as received: `undefined` = not given (keep), `null` = clear. */
export type OrganizationInput = {
  name?: string | null;
  domain?: string | null;
  customAttributes?: Record<string, unknown> | null;
};

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A plausible hostname: dot-separated labels, letters in the last one (`acme.com`). */
const HOSTNAME = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$`);

function parseOrganization(input: OrganizationInput, mode: 'create' | 'update') {
  const errors: FieldError[] = [];
  const write: OrganizationWrite = {};
  if (input.name === null || (input.name === undefined && mode === 'create')) {
    errors.push({ path: ['name'], message: 'is required' });
  } else if (input.name !== undefined) {
    const name = input.name.trim();
    if (name === '') errors.push({ path: ['name'], message: 'cannot be empty' });
    else if (name.length > 300)
      errors.push({ path: ['name'], message: 'must be at most 300 characters' });
    else write.name = name;
  }
  if (input.domain === null) {
    if (mode === 'update') write.domain = null;
  } else if (input.domain !== undefined) {
    const domain = input.domain.trim().toLowerCase();
    if (domain === '') {
      if (mode === 'update') write.domain = null;
    } else if (!HOSTNAME.test(domain)) {
      errors.push({ path: ['domain'], message: 'is not a domain name (e.g. acme.com)' });
    } else write.domain = domain;
  }
  if (input.customAttributes === null) {
    if (mode === 'update') write.customAttributes = null;
  } else if (input.customAttributes !== undefined) {
    const problems = checkAttributes(input.customAttributes, ['customAttributes']);
    errors.push(...problems);
    if (problems.length === 0) write.customAttributes = input.customAttributes;
  }
  return { write, errors };
}

function organizationId(id: string): string {
  const errors: FieldError[] = [];
  const local = decodeReference(id, 'Organization', ['id'], errors);
  throwIfInvalid(errors);
  return local as string;
}

const notFound = () => new NotFoundError('id', 'id: no such organization in this workspace');

export async function createOrganization(ctx: Context, input: OrganizationInput) {
  const { write, errors } = parseOrganization(input, 'create');
  throwIfInvalid(errors);
  return guardWrite(() =>
    ctx.db.transaction(async (tx) => ({
      organization: await tx.organizationWrites.insert({ ...write, name: write.name as string }),
    })),
  );
}

export async function updateOrganization(ctx: Context, input: OrganizationInput & { id: string }) {
  const errors: FieldError[] = [];
  const id = decodeReference(input.id, 'Organization', ['id'], errors);
  const parsed = parseOrganization(input, 'update');
  throwIfInvalid([...errors, ...parsed.errors]);
  return guardWrite(async () => {
    const organization = await ctx.db.transaction((tx) =>
      tx.organizationWrites.update(id as string, parsed.write),
    );
    if (!organization) throw notFound();
    return { organization };
  });
}

/** Its contacts stay, without an organization. */
export async function deleteOrganization(ctx: Context, input: { id: string }) {
  const id = organizationId(input.id);
  const deleted = await ctx.db.transaction((tx) => tx.organizationWrites.delete(id));
  if (!deleted) throw notFound();
  return { deletedOrganizationId: deleted };
}
