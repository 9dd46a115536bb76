import type { AttributeDefinition, Profile } from '../db/schema.js';
import {
  type AttributeDefinitionInput,
  archiveAttributeDefinition,
  type CreateAttributeDefinitionInput,
  createAttributeDefinition,
  restoreAttributeDefinition,
  updateAttributeDefinition,
} from '../resolvers/attribute-definitions.js';
import {
  createProfile,
  deleteProfile,
  type ProfileInput,
  updateProfile,
} from '../resolvers/profiles.js';
import { AttributeDefinitionRef, AttributeTypeEnum, ProfileRef } from './attributes.js';
import { builder } from './builder.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { resultMutation } from './mutation.js';

type FieldsBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

function definitionFields(t: FieldsBuilder) {
  return {
    description: t.string({
      description: 'What the attribute means; trimmed, ≤ 2000 characters; null or empty clears.',
    }),
    options: t.stringList({
      description:
        'The choices of LIST and MULTI_SELECT (required for them, refused for other types): ' +
        'non-empty, distinct ignoring case, in display order. Stored values are re-validated.',
    }),
    pattern: t.string({
      description:
        'A regular expression (JavaScript syntax) values must match as a whole; TEXT, URL, ' +
        'EMAIL and PHONE only. null or empty removes it.',
    }),
    required: t.boolean({
      description: 'Contacts having one of its profiles must have a value. Default false.',
    }),
    position: t.int({ description: 'Display order (then key). Default 0.' }),
    profiles: t.stringList({
      description:
        'Slugs of the profiles grouping it (replaces the set); default `["default"]` on create.',
    }),
  };
}

const CreateAttributeDefinitionInputRef = builder
  .inputRef<CreateAttributeDefinitionInput>('CreateAttributeDefinitionInput')
  .implement({
    description: 'A new attribute definition; its key must be free in the workspace.',
    fields: (t) => ({
      key: t.string({
        required: true,
        description:
          'The key in `customAttributes`: `[a-z][a-z0-9_]*`, ≤ 63 characters; never changes. ' +
          'Values already stored under it must convert to the type (they are normalized).',
      }),
      name: t.string({ required: true, description: 'Display name; 1-200 characters.' }),
      type: t.field({ type: AttributeTypeEnum, required: true, description: 'The type.' }),
      ...definitionFields(t),
    }),
  });

const UpdateAttributeDefinitionInputRef = builder
  .inputRef<AttributeDefinitionInput & { id: string }>('UpdateAttributeDefinitionInput')
  .implement({
    description:
      'Changes to an attribute definition: fields left out stay. A new type, options or ' +
      'pattern re-validates every stored value: refused when one would not convert, otherwise ' +
      'values are converted (contact events tell).',
    fields: (t) => ({
      id: t.id({ required: true, description: 'The definition to change.' }),
      name: t.string({ description: 'Display name; 1-200 characters.' }),
      type: t.field({ type: AttributeTypeEnum, description: 'A new type.' }),
      ...definitionFields(t),
    }),
  });

const AttributeDefinitionIdInput = (name: string, description: string) =>
  builder.inputRef<{ id: string }>(name).implement({
    description,
    fields: (t) => ({ id: t.id({ required: true, description: 'The definition.' }) }),
  });

function definitionPayload(name: string, description: string) {
  return builder
    .objectRef<{ attributeDefinition: AttributeDefinition; convertedContacts: number }>(name)
    .implement({
      description,
      fields: (t) => ({
        attributeDefinition: t.field({
          type: AttributeDefinitionRef,
          description: 'The definition after the change.',
          resolve: (p) => p.attributeDefinition,
        }),
        convertedContacts: t.exposeInt('convertedContacts', {
          description: 'How many contacts’ stored values were rewritten in normalized form.',
        }),
      }),
    });
}

function movePayload(name: string, description: string) {
  return builder
    .objectRef<{ attributeDefinition: AttributeDefinition; affectedContacts: number }>(name)
    .implement({
      description,
      fields: (t) => ({
        attributeDefinition: t.field({
          type: AttributeDefinitionRef,
          description: 'The definition after the change.',
          resolve: (p) => p.attributeDefinition,
        }),
        affectedContacts: t.exposeInt('affectedContacts', {
          description: 'How many contacts’ values moved (each one a CONTACT_UPDATED event).',
        }),
      }),
    });
}

resultMutation('createAttributeDefinition', {
  description: 'Defines a typed custom attribute.',
  input: CreateAttributeDefinitionInputRef,
  success: definitionPayload('CreateAttributeDefinitionSuccess', 'The created definition.'),
  errors: [ValidationError, ConflictError],
  resolve: createAttributeDefinition,
});

resultMutation('updateAttributeDefinition', {
  description: 'Changes an attribute definition (partial: fields left out stay; the key never).',
  input: UpdateAttributeDefinitionInputRef,
  success: definitionPayload('UpdateAttributeDefinitionSuccess', 'The changed definition.'),
  errors: [ValidationError, NotFoundError],
  resolve: updateAttributeDefinition,
});

resultMutation('archiveAttributeDefinition', {
  description:
    'Archives a definition: its values move out of `customAttributes` (kept, shown by ' +
    '`Contact.attributes(includeArchived: true)`), it is no longer required nor writable. ' +
    'Idempotent.',
  input: AttributeDefinitionIdInput('ArchiveAttributeDefinitionInput', 'The definition.'),
  success: movePayload('ArchiveAttributeDefinitionSuccess', 'The archived definition.'),
  errors: [ValidationError, NotFoundError],
  resolve: archiveAttributeDefinition,
});

resultMutation('restoreAttributeDefinition', {
  description: 'Restores an archived definition: its values move back into `customAttributes`.',
  input: AttributeDefinitionIdInput('RestoreAttributeDefinitionInput', 'The definition.'),
  success: movePayload('RestoreAttributeDefinitionSuccess', 'The restored definition.'),
  errors: [ValidationError, NotFoundError],
  resolve: restoreAttributeDefinition,
});

function profileFields(t: FieldsBuilder) {
  return {
    description: t.string({
      description: 'What the profile is for; trimmed, ≤ 2000 characters; null or empty clears.',
    }),
    attributeKeys: t.stringList({
      description: 'Keys of the attribute definitions it groups (replaces the set).',
    }),
  };
}

const CreateProfileInput = builder
  .inputRef<ProfileInput & { slug: string; name: string }>('CreateProfileInput')
  .implement({
    description: 'A new profile; its slug must be free in the workspace.',
    fields: (t) => ({
      slug: t.string({
        required: true,
        description: '`[a-z][a-z0-9-]*`, ≤ 63 characters; contacts adopt the profile by it.',
      }),
      name: t.string({ required: true, description: 'Display name; 1-200 characters.' }),
      ...profileFields(t),
    }),
  });

const UpdateProfileInput = builder
  .inputRef<ProfileInput & { id: string }>('UpdateProfileInput')
  .implement({
    description: 'Changes to a profile: fields left out stay. The default profile keeps its slug.',
    fields: (t) => ({
      id: t.id({ required: true, description: 'The profile to change.' }),
      slug: t.string({ description: 'New slug; `[a-z][a-z0-9-]*`, unique in the workspace.' }),
      name: t.string({ description: 'Display name; 1-200 characters.' }),
      ...profileFields(t),
    }),
  });

const DeleteProfileInput = builder.inputRef<{ id: string }>('DeleteProfileInput').implement({
  description: 'The profile to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The profile.' }) }),
});

function profilePayload(name: string, description: string) {
  return builder.objectRef<{ profile: Profile }>(name).implement({
    description,
    fields: (t) => ({
      profile: t.field({
        type: ProfileRef,
        description: 'The profile after the change.',
        resolve: (p) => p.profile,
      }),
    }),
  });
}

const DeleteProfileSuccess = builder
  .objectRef<{ deletedId: string; affectedContacts: number }>('DeleteProfileSuccess')
  .implement({
    description: 'The profile is gone, and dropped by every contact that had adopted it.',
    fields: (t) => ({
      deletedId: t.globalID({
        description: 'The ID the deleted profile had.',
        resolve: (p) => ({ type: 'Profile', id: p.deletedId }),
      }),
      affectedContacts: t.exposeInt('affectedContacts', {
        description: 'How many contacts had adopted it.',
      }),
    }),
  });

resultMutation('createProfile', {
  description: 'Creates a profile.',
  input: CreateProfileInput,
  success: profilePayload('CreateProfileSuccess', 'The created profile.'),
  errors: [ValidationError, ConflictError],
  resolve: createProfile,
});

resultMutation('updateProfile', {
  description: 'Changes a profile (partial: fields left out stay).',
  input: UpdateProfileInput,
  success: profilePayload('UpdateProfileSuccess', 'The changed profile.'),
  errors: [ValidationError, ConflictError, NotFoundError],
  resolve: updateProfile,
});

resultMutation('deleteProfile', {
  description:
    'Deletes a profile (not the default one); contacts that adopted it drop it (an update each).',
  input: DeleteProfileInput,
  success: DeleteProfileSuccess,
  errors: [ValidationError, NotFoundError],
  resolve: deleteProfile,
});
