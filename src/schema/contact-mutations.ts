import type { Contact } from '../db/schema.js';
import {
  addContactLabels,
  type ContactMutationInput,
  createContact,
  deleteContact,
  removeContactLabels,
  restoreContact,
  updateContact,
  upsertContact,
} from '../resolvers/contact-mutations.js';
import { builder } from './builder.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { resultMutation } from './mutation.js';
import { ContactRef } from './refs.js';

type ContactFieldsBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

/** Contact fields shared by create, update and upsert: strings the server normalizes. */
function contactFields(t: ContactFieldsBuilder) {
  return {
    name: t.string({ description: 'Display name; trimmed, empty means not given.' }),
    givenName: t.string({ description: 'Given (first) name.' }),
    middleName: t.string({ description: 'Middle name.' }),
    lastName: t.string({ description: 'Last (family) name.' }),
    email: t.string({
      description: 'Email; trimmed, lower-cased and validated. Unique in the workspace.',
    }),
    phone: t.string({
      description:
        'Phone in any common format; stored in E.164. Numbers without a country code use the ' +
        'workspace’s default region. Unique in the workspace.',
    }),
    avatarUrl: t.string({ description: 'http(s) URL of a picture.' }),
    timezone: t.string({ description: 'IANA time zone, e.g. `Europe/Paris`.' }),
    location: t.string({ description: 'Free-form location.' }),
    countryCode: t.string({ description: 'ISO 3166-1 alpha-2 code, any case.' }),
    blocked: t.boolean({ description: 'Block or unblock the contact.' }),
    organizationId: t.id({ description: 'The organization; `null` detaches it.' }),
    profiles: t.stringList({
      description:
        'Slugs of the profiles the contact adopts besides the default one; replaces the set ' +
        '(null or [] = none). Their required attributes apply.',
    }),
    customAttributes: t.field({
      type: 'JSON',
      description:
        'Custom attributes (a JSON object; ≤ 100 keys, depth 5, 64 KB). On update and upsert the ' +
        'given keys are merged in and keys set to null are removed; `null` clears them all. ' +
        'Keys with an attribute definition are validated and stored normalized for its type ' +
        '(archived ones are refused); keys without one follow the workspace’s `unknownAttributes`.',
    }),
  };
}

const CreateContactInput = builder.inputRef<ContactMutationInput>('CreateContactInput').implement({
  description: 'A new contact. Every field is optional; email, phone and external ID must be free.',
  fields: (t) => ({
    externalId: t.string({ description: 'Your system’s ID; printable ASCII, ≤ 255 characters.' }),
    ...contactFields(t),
    labelIds: t.idList({ description: 'Labels to put on the contact.' }),
  }),
});

const UpdateContactInput = builder
  .inputRef<ContactMutationInput & { id: string }>('UpdateContactInput')
  .implement({
    description: 'Changes to a contact: fields left out stay, fields set to null are cleared.',
    fields: (t) => ({
      id: t.id({ required: true, description: 'The contact to change.' }),
      externalId: t.string({ description: 'New external ID.' }),
      ...contactFields(t),
    }),
  });

export const UpsertContactInput = builder
  .inputRef<ContactMutationInput & { externalId: string }>('UpsertContactInput')
  .implement({
    description: 'Creates the contact with this external ID, or updates it (as `updateContact`).',
    fields: (t) => ({
      externalId: t.string({ required: true, description: 'The key: your system’s ID.' }),
      ...contactFields(t),
      labelIds: t.idList({ description: 'Labels to add (existing ones stay).' }),
    }),
  });

const ContactIdInput = (name: string, description: string) =>
  builder.inputRef<{ id: string }>(name).implement({
    description,
    fields: (t) => ({ id: t.id({ required: true, description: 'The contact.' }) }),
  });

const ContactLabelsInput = builder
  .inputRef<{ contactId: string; labelIds: readonly string[] }>('ContactLabelsInput')
  .implement({
    description: 'A contact and labels to add to it or remove from it.',
    fields: (t) => ({
      contactId: t.id({ required: true, description: 'The contact.' }),
      labelIds: t.idList({ required: true, description: 'The labels.' }),
    }),
  });

function contactPayload<T extends { contact: Contact }>(name: string, description: string) {
  return builder.objectRef<T>(name).implement({
    description,
    fields: (t) => ({
      contact: t.field({
        type: ContactRef,
        description: 'The contact after the change.',
        resolve: (p) => p.contact,
      }),
    }),
  });
}

const UpsertContactSuccess = builder
  .objectRef<{ contact: Contact; created: boolean }>('UpsertContactSuccess')
  .implement({
    description: 'The contact, and whether it was created or updated.',
    fields: (t) => ({
      contact: t.field({
        type: ContactRef,
        description: 'The contact after the change.',
        resolve: (p) => p.contact,
      }),
      created: t.exposeBoolean('created', {
        description: 'true: created; false: an existing one was updated.',
      }),
    }),
  });

resultMutation('createContact', {
  description: 'Creates a contact.',
  input: CreateContactInput,
  success: contactPayload('CreateContactSuccess', 'The created contact.'),
  errors: [ValidationError, ConflictError, NotFoundError],
  resolve: createContact,
});

resultMutation('updateContact', {
  description: 'Changes a live contact (partial: fields left out stay, null clears).',
  input: UpdateContactInput,
  success: contactPayload('UpdateContactSuccess', 'The changed contact.'),
  errors: [ValidationError, ConflictError, NotFoundError],
  resolve: updateContact,
});

resultMutation('upsertContact', {
  description: 'Creates or updates the contact with this external ID, atomically.',
  input: UpsertContactInput,
  success: UpsertContactSuccess,
  errors: [ValidationError, ConflictError, NotFoundError],
  resolve: upsertContact,
});

resultMutation('deleteContact', {
  description:
    'Soft-deletes a contact: hidden from lists and lookups; `restoreContact` brings it back.',
  input: ContactIdInput('DeleteContactInput', 'The contact to delete.'),
  success: contactPayload('DeleteContactSuccess', 'The deleted contact (with `deletedAt`).'),
  errors: [ValidationError, NotFoundError],
  resolve: deleteContact,
});

resultMutation('restoreContact', {
  description: 'Restores a soft-deleted contact with its labels and conversations.',
  input: ContactIdInput('RestoreContactInput', 'The contact to restore.'),
  success: contactPayload('RestoreContactSuccess', 'The restored contact.'),
  errors: [ValidationError, NotFoundError, ConflictError],
  resolve: restoreContact,
});

resultMutation('addContactLabels', {
  description: 'Puts labels on a contact; labels it already carries stay (idempotent).',
  input: ContactLabelsInput,
  success: contactPayload('AddContactLabelsSuccess', 'The contact with its labels.'),
  errors: [ValidationError, NotFoundError],
  resolve: addContactLabels,
});

resultMutation('removeContactLabels', {
  description: 'Takes labels off a contact; labels it does not carry are ignored (idempotent).',
  input: ContactLabelsInput,
  success: contactPayload('RemoveContactLabelsSuccess', 'The contact with its labels.'),
  errors: [ValidationError, NotFoundError],
  resolve: removeContactLabels,
});
