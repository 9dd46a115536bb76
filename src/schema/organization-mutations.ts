import type { ObjectRef } from '@pothos/core';
import type { Context } from '../context.js';
import type { Organization } from '../db/schema.js';
import {
  createOrganization,
  deleteOrganization,
  type OrganizationInput,
  updateOrganization,
} from '../resolvers/organization-mutations.js';
import { builder, type SchemaTypes } from './builder.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { OrganizationRef } from './refs.js';

type ErrorClass = typeof ValidationError | typeof NotFoundError | typeof ConflictError;

/** A mutation as API.md has them: one `input`, a union of the success payload and its errors. */
export function resultMutation<I extends object, R extends object>(
  name: string,
  options: {
    description: string;
    input: ReturnType<ReturnType<typeof builder.inputRef<I>>['implement']>;
    success: ObjectRef<SchemaTypes, R>;
    errors: ErrorClass[];
    resolve: (ctx: Context, input: I) => Promise<R>;
  },
) {
  const resultName = `${name[0]?.toUpperCase()}${name.slice(1)}Result`;
  builder.mutationField(name, (t) =>
    t.field({
      type: options.success,
      description: options.description,
      errors: {
        types: options.errors,
        directResult: true,
        union: { name: resultName, description: `What ${name} did.` },
      },
      args: { input: t.arg({ type: options.input, required: true, description: 'What to do.' }) },
      resolve: (_root, args, ctx) =>
        options.resolve(ctx, (args as unknown as { input: I }).input) as never,
    }),
  );
}

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
