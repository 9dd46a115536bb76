import type { Organization } from '../db/schema.js';
import {
  createOrganization,
  deleteOrganization,
  type OrganizationInput,
  updateOrganization,
} from '../resolvers/organization-mutations.js';
import { builder } from './builder.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { resultMutation } from './mutation.js';
import { OrganizationRef } from './refs.js';

type FieldsBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

function organizationFields(t: FieldsBuilder) {
  return {
    domain: t.string({
      description:
        'Web domain (e.g. `acme.com`); trimmed and lower-cased. Unique in the workspace; ' +
        'null or empty clears it.',
    }),
    customAttributes: t.field({
      type: 'JSON',
      description:
        'Custom attributes (a JSON object; ≤ 100 keys, depth 5, 64 KB). On update the given keys ' +
        'are merged in and keys set to null are removed; `null` clears them all.',
    }),
  };
}

const CreateOrganizationInput = builder
  .inputRef<OrganizationInput & { name: string }>('CreateOrganizationInput')
  .implement({
    description: 'A new organization; name and domain must be free in the workspace.',
    fields: (t) => ({
      name: t.string({
        required: true,
        description: 'Name; trimmed, 1-300 characters, unique ignoring case.',
      }),
      ...organizationFields(t),
    }),
  });

const UpdateOrganizationInput = builder
  .inputRef<OrganizationInput & { id: string }>('UpdateOrganizationInput')
  .implement({
    description:
      'Changes to an organization: fields left out stay, fields set to null are cleared.',
    fields: (t) => ({
      id: t.id({ required: true, description: 'The organization to change.' }),
      name: t.string({ description: 'New name; trimmed, 1-300 characters, unique ignoring case.' }),
      ...organizationFields(t),
    }),
  });

const DeleteOrganizationInput = builder
  .inputRef<{ id: string }>('DeleteOrganizationInput')
  .implement({
    description: 'The organization to delete.',
    fields: (t) => ({ id: t.id({ required: true, description: 'The organization.' }) }),
  });

function organizationPayload(name: string, description: string) {
  return builder.objectRef<{ organization: Organization }>(name).implement({
    description,
    fields: (t) => ({
      organization: t.field({
        type: OrganizationRef,
        description: 'The organization after the change.',
        resolve: (p) => p.organization,
      }),
    }),
  });
}

const DeleteOrganizationSuccess = builder
  .objectRef<{ deletedOrganizationId: string }>('DeleteOrganizationSuccess')
  .implement({
    description: 'The organization is gone; its contacts remain, without an organization.',
    fields: (t) => ({
      deletedOrganizationId: t.globalID({
        description: 'The ID the deleted organization had.',
        resolve: (p) => ({ type: 'Organization', id: p.deletedOrganizationId }),
      }),
    }),
  });

resultMutation('createOrganization', {
  description: 'Creates an organization.',
  input: CreateOrganizationInput,
  success: organizationPayload('CreateOrganizationSuccess', 'The created organization.'),
  errors: [ValidationError, ConflictError],
  resolve: createOrganization,
});

resultMutation('updateOrganization', {
  description: 'Changes an organization (partial: fields left out stay, null clears).',
  input: UpdateOrganizationInput,
  success: organizationPayload('UpdateOrganizationSuccess', 'The changed organization.'),
  errors: [ValidationError, ConflictError, NotFoundError],
  resolve: updateOrganization,
});

resultMutation('deleteOrganization', {
  description: 'Deletes an organization for good; its contacts stay and lose the link.',
  input: DeleteOrganizationInput,
  success: DeleteOrganizationSuccess,
  errors: [ValidationError, NotFoundError],
  resolve: deleteOrganization,
});
