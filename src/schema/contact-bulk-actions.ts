import type { Context } from '../context.js';
import {
  addLabelsToContacts,
  BULK_LIMIT,
  type ContactSelectionInput,
  deleteContacts,
  removeLabelsFromContacts,
  restoreContacts,
  setContactsOrganization,
} from '../resolvers/contact-bulk-actions.js';
import { builder } from './builder.js';
import { ContactFilter } from './contact.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';

const ContactSelection = builder.inputRef<ContactSelectionInput>('ContactSelection').implement({
  description: `Which contacts a bulk action changes: exactly one of \`ids\` or \`filter\`; at most ${BULK_LIMIT}.`,
  fields: (t) => ({
    ids: t.idList({ description: 'These contacts (IDs of other workspaces match nothing).' }),
    filter: t.field({ type: ContactFilter, description: 'The contacts this filter matches now.' }),
  }),
});

const BulkActionSuccess = builder.objectRef<{ count: number }>('BulkActionSuccess').implement({
  description: 'A bulk action that ran in one transaction.',
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'How many contacts it changed.' }),
  }),
});

type Resolve<I> = (ctx: Context, input: I) => Promise<{ count: number }>;

function bulkMutation<I extends object>(
  name: string,
  description: string,
  input: { name: string; description: string; labels?: boolean; organization?: boolean },
  resolve: Resolve<I>,
  errors: (typeof ValidationError | typeof NotFoundError | typeof ConflictError)[] = [
    ValidationError,
    NotFoundError,
  ],
) {
  const Input = builder.inputType(input.name, {
    description: input.description,
    fields: (t) => ({
      selection: t.field({ type: ContactSelection, required: true, description: 'The contacts.' }),
      ...(input.labels
        ? { labelIds: t.idList({ required: true, description: 'The labels.' }) }
        : {}),
      ...(input.organization
        ? { organizationId: t.id({ description: 'The organization; null detaches.' }) }
        : {}),
    }),
  });
  builder.mutationField(name, (t) =>
    t.field({
      type: BulkActionSuccess,
      description,
      errors: {
        types: errors,
        directResult: true,
        union: {
          name: `${name[0]?.toUpperCase()}${name.slice(1)}Result`,
          description: `What ${name} did.`,
        },
      },
      args: { input: t.arg({ type: Input, required: true, description: 'What to do.' }) },
      resolve: (_root, args, ctx) => resolve(ctx, args.input as unknown as I),
    }),
  );
}

bulkMutation(
  'addLabelsToContacts',
  'Puts labels on every selected live contact (idempotent).',
  {
    name: 'AddLabelsToContactsInput',
    description: 'Contacts and the labels to add.',
    labels: true,
  },
  addLabelsToContacts,
);
bulkMutation(
  'removeLabelsFromContacts',
  'Takes labels off every selected contact.',
  {
    name: 'RemoveLabelsFromContactsInput',
    description: 'Contacts and the labels to remove.',
    labels: true,
  },
  removeLabelsFromContacts,
);
bulkMutation(
  'deleteContacts',
  'Soft-deletes every selected live contact.',
  { name: 'DeleteContactsInput', description: 'The contacts to delete.' },
  deleteContacts,
);
bulkMutation(
  'restoreContacts',
  'Restores every selected deleted contact; refused whole (ConflictError) if one’s email, phone or external ID was taken meanwhile.',
  { name: 'RestoreContactsInput', description: 'The contacts to restore.' },
  restoreContacts,
  [ValidationError, NotFoundError, ConflictError],
);
bulkMutation(
  'setContactsOrganization',
  'Moves every selected live contact to an organization, or detaches them.',
  {
    name: 'SetContactsOrganizationInput',
    description: 'Contacts and their organization.',
    organization: true,
  },
  setContactsOrganization,
);
