import { type ContactsArgs, labelContacts } from '../resolvers/contacts.js';
import { builder } from './builder.js';
import { contactConnectionArgs } from './contact.js';
import { ContactConnection, ContactRef, LabelConnection, LabelRef } from './refs.js';

export const LabelKind = builder.enumType('LabelKind', {
  description: 'Who manages a label.',
  values: {
    MANUAL: { description: 'Set by people.' },
    AUTOMATIC: { description: 'Set by rules and automations.' },
    SYSTEM: { description: 'Managed by contactgraph itself.' },
  },
});

LabelRef.implement({
  description: 'A workspace tag; contacts carry many.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name; unique in the workspace, ignoring case.' }),
    color: t.exposeString('color', { description: 'Display color, `#RRGGBB`.' }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'What the label means.',
    }),
    kind: t.field({ type: LabelKind, description: 'Who manages it.', resolve: (l) => l.kind }),
    contacts: t.connection(
      {
        type: ContactRef,
        description:
          'Contacts carrying this label: filter, search, sort and page as `Query.contacts`.',
        args: contactConnectionArgs(t.arg),
        resolve: (l, args, ctx) => labelContacts(ctx, l.id, args as ContactsArgs),
      },
      ContactConnection,
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

builder.queryFields((t) => ({
  labels: t.connection(
    {
      type: LabelRef,
      description: 'Labels of the workspace, by name.',
      args: { search: t.arg.string({ description: 'Case-insensitive substring of the name.' }) },
      resolve: (_root, args, ctx) => ctx.db.labels.page(args, args),
    },
    LabelConnection,
  ),
}));
