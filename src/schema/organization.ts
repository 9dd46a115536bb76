import type { OrganizationFilter as OrganizationFilterShape } from '../db/organizations.js';
import { type ContactsArgs, organizationContacts } from '../resolvers/contacts.js';
import { localId } from '../resolvers/ids.js';
import { builder } from './builder.js';
import { contactConnectionArgs } from './contact.js';
import { DateTimeFilter, OrderDirection, StringFilter } from './filters.js';
import { ContactConnection, ContactRef, OrganizationConnection, OrganizationRef } from './refs.js';

export const OrganizationOrderField = builder.enumType('OrganizationOrderField', {
  description: 'Fields organizations can be sorted by. Ties are broken by id.',
  values: {
    NAME: { description: 'Name, ignoring case.' },
    CREATED_AT: { description: 'Creation time.' },
    UPDATED_AT: { description: 'Last change.' },
  },
});

export const OrganizationOrder = builder
  .inputRef<{ field: 'NAME' | 'CREATED_AT' | 'UPDATED_AT'; direction: 'ASC' | 'DESC' }>(
    'OrganizationOrder',
  )
  .implement({
    description: 'One sort key of an organization list.',
    fields: (t) => ({
      field: t.field({
        type: OrganizationOrderField,
        required: true,
        description: 'The field to sort by.',
      }),
      direction: t.field({ type: OrderDirection, required: true, description: 'The direction.' }),
    }),
  });

export const OrganizationFilter = builder
  .inputRef<OrganizationFilterShape>('OrganizationFilter')
  .implement({
    description: 'Which organizations to return; all given conditions must hold.',
    fields: (t) => ({
      name: t.field({ type: StringFilter, description: 'Name.' }),
      domain: t.field({ type: StringFilter, description: 'Web domain.' }),
      createdAt: t.field({ type: DateTimeFilter, description: 'Creation time.' }),
      updatedAt: t.field({ type: DateTimeFilter, description: 'Last change.' }),
    }),
  });

OrganizationRef.implement({
  description: 'The company or account contacts belong to.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name; unique in the workspace, ignoring case.' }),
    domain: t.exposeString('domain', {
      nullable: true,
      description: 'Web domain, lower-case (e.g. `acme.com`); unique in the workspace.',
    }),
    customAttributes: t.field({
      type: 'JSON',
      description: 'Custom attributes as a JSON object.',
      resolve: (o) => o.customAttributes,
    }),
    contacts: t.connection(
      {
        type: ContactRef,
        description:
          'Contacts of this organization: filter, search, sort and page as `Query.contacts`.',
        args: contactConnectionArgs(t.arg),
        resolve: (o, args, ctx) => organizationContacts(ctx, o.id, args as ContactsArgs),
      },
      ContactConnection,
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

builder.queryFields((t) => ({
  organization: t.field({
    type: OrganizationRef,
    nullable: true,
    description: 'One organization by ID; null when it does not exist in this workspace.',
    args: { id: t.arg.id({ required: true, description: 'Global ID.' }) },
    resolve: (_root, args) => localId(args.id, 'Organization', 'id'),
  }),
  organizations: t.connection(
    {
      type: OrganizationRef,
      description: 'Organizations of the workspace: filter, search, sort and page.',
      args: {
        filter: t.arg({ type: OrganizationFilter, description: 'Which organizations to return.' }),
        search: t.arg.string({ description: 'Case-insensitive substring of name or domain.' }),
        orderBy: t.arg({
          type: [OrganizationOrder],
          description: 'Sort keys, first one first (default: name). Ties break by id.',
        }),
      },
      resolve: (_root, args, ctx) => ctx.db.organizations.page(args, args),
    },
    OrganizationConnection,
  ),
}));
