import { batchLoader, type Context } from '../context.js';
import type { PageArgs } from '../db/keyset.js';
import type { Contact } from '../db/schema.js';
import { UserInputError } from '../errors.js';
import { normalizePhone } from '../validation/phone.js';
import { type ContactOrderInput, toContactOrder } from './contact-order.js';
import { type ContactFilterInput, prepareContactFilter } from './filters.js';
import { localId } from './ids.js';

export type { ContactOrderInput } from './contact-order.js';

export type ContactsArgs = PageArgs & {
  filter?: ContactFilterInput | null;
  search?: string | null;
  orderBy?: readonly ContactOrderInput[] | null;
};

export type ContactLookupArgs = {
  id?: string | null;
  externalId?: string | null;
  email?: string | null;
  phone?: string | null;
  includeDeleted?: boolean | null;
};

/** `Query.contact`: by any one (or several, all matching) of its keys. */
export async function findContact(ctx: Context, args: ContactLookupArgs): Promise<Contact | null> {
  const { id, externalId, email, phone } = args;
  if (id == null && externalId == null && email == null && phone == null) {
    throw new UserInputError('id', 'give one of id, externalId, email or phone');
  }
  let normalizedPhone: string | undefined;
  if (phone != null) {
    const workspace = await ctx.db.workspace();
    normalizedPhone = normalizePhone(phone, workspace?.defaultPhoneRegion);
    // A number that cannot be normalized cannot be stored either: nothing to find.
    if (!normalizedPhone) return null;
  }
  const contact = await ctx.db.contacts.find(
    {
      id: id == null ? undefined : localId(id, 'Contact', 'id'),
      externalId: externalId ?? undefined,
      email: email ?? undefined,
      phone: normalizedPhone,
    },
    args.includeDeleted ?? false,
  );
  return contact ?? null;
}

async function toQuery(ctx: Context, args: ContactsArgs, path: string) {
  return {
    filter: args.filter ? await prepareContactFilter(ctx, args.filter, `${path}filter`) : null,
    search: args.search,
    orderBy: await toContactOrder(ctx, args.orderBy),
  };
}

export async function listContacts(ctx: Context, args: ContactsArgs) {
  return ctx.db.contacts.page(await toQuery(ctx, args, ''), args);
}

/** `Organization.contacts`, batched across the organizations of one response. */
export function organizationContacts(ctx: Context, organizationId: string, args: ContactsArgs) {
  return nestedContacts(ctx, 'Organization.contacts', organizationId, args, {
    pages: (ids, q, a) => ctx.db.contacts.pagesByOrganization(ids, q, a),
    counts: (ids, q) => ctx.db.contacts.countByOrganization(ids, q),
  });
}

/** `Label.contacts`, batched across the labels of one response. */
export function labelContacts(ctx: Context, labelId: string, args: ContactsArgs) {
  return nestedContacts(ctx, 'Label.contacts', labelId, args, {
    pages: (ids, q, a) => ctx.db.contacts.pagesByLabel(ids, q, a),
    counts: (ids, q) => ctx.db.contacts.countByLabel(ids, q),
  });
}

type Query = Awaited<ReturnType<typeof toQuery>>;
type Batches = {
  pages: (
    ids: readonly string[],
    q: Query,
    a: PageArgs,
  ) => ReturnType<Context['db']['contacts']['pagesByLabel']>;
  counts: (ids: readonly string[], q: Query) => Promise<Map<string, number>>;
};

async function nestedContacts(
  ctx: Context,
  name: string,
  parentId: string,
  args: ContactsArgs,
  batches: Batches,
) {
  const query = await toQuery(ctx, args, '');
  const page = await batchLoader(ctx, name, args, (ids) => batches.pages(ids, query, args)).load(
    parentId,
  );
  const counts = batchLoader(ctx, `${name}.totalCount`, query, (ids) => batches.counts(ids, query));
  return { ...page, totalCount: async () => (await counts.load(parentId)) ?? 0 };
}
