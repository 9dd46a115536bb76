import { wrapErrorIfMatches } from '@pothos/plugin-errors';
import type { Contact } from '../db/schema.js';
import {
  MAX_UPSERT_BATCH,
  type UpsertContactsItem,
  upsertContacts,
} from '../resolvers/contact-batch.js';
import type { ContactMutationInput } from '../resolvers/contact-mutations.js';
import { builder } from './builder.js';
import { UpsertContactInput } from './contact-mutations.js';
import { ConflictError, ErrorInterface, NotFoundError, ValidationError } from './errors.js';
import { ContactRef } from './refs.js';

type UpsertContactsInputShape = {
  contacts: readonly (ContactMutationInput & { externalId: string })[];
};

const UpsertContactsInput = builder
  .inputRef<UpsertContactsInputShape>('UpsertContactsInput')
  .implement({
    description: `Contacts to create or update by external ID (at most ${MAX_UPSERT_BATCH}).`,
    fields: (t) => ({
      contacts: t.field({
        type: [UpsertContactInput],
        required: true,
        description:
          'The contacts, each as `upsertContact` takes it; an external ID may appear only once.',
      }),
    }),
  });

const UpsertContactsItemRef = builder
  .objectRef<UpsertContactsItem>('UpsertContactsItem')
  .implement({
    description:
      'What happened to one input item: `contact` and `created` when written, `error` when refused.',
    fields: (t) => ({
      index: t.exposeInt('index', { description: 'Position of the item in `input.contacts`.' }),
      created: t.boolean({
        nullable: true,
        description: 'true: created; false: an existing one was updated; null: refused.',
        resolve: (item) => item.created,
      }),
      contact: t.field({
        type: ContactRef,
        nullable: true,
        description: 'The contact after the change; null when the item was refused.',
        resolve: (item) => item.contact as Contact | null,
      }),
      error: t.field({
        type: ErrorInterface,
        nullable: true,
        description:
          'Why the item was refused (ValidationError, ConflictError or NotFoundError); null when written.',
        // An Error returned as a value would be taken for a thrown one: branded as the errors
        // plugin does for result unions, it resolves to its type.
        resolve: (item) =>
          item.error &&
          (wrapErrorIfMatches(item.error, [ValidationError, ConflictError, NotFoundError]) as
            | ValidationError
            | ConflictError
            | NotFoundError),
      }),
    }),
  });

const UpsertContactsSuccess = builder
  .objectRef<{ results: UpsertContactsItem[] }>('UpsertContactsSuccess')
  .implement({
    description: 'One result per input item, in input order.',
    fields: (t) => ({
      results: t.field({
        type: [UpsertContactsItemRef],
        description: 'The results, in the order of `input.contacts`.',
        resolve: (p) => p.results,
      }),
    }),
  });

builder.mutationField('upsertContacts', (t) =>
  t.field({
    type: UpsertContactsSuccess,
    description:
      `Creates or updates up to ${MAX_UPSERT_BATCH} contacts by external ID in one transaction; ` +
      'good items are written even when others are refused, each with its own result.',
    errors: {
      types: [ValidationError],
      directResult: true,
      union: { name: 'UpsertContactsResult', description: 'What upsertContacts did.' },
    },
    args: {
      input: t.arg({ type: UpsertContactsInput, required: true, description: 'What to do.' }),
    },
    resolve: (_root, args, ctx) => upsertContacts(ctx, args.input),
  }),
);
