import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../errors.js';
import { builder } from './builder.js';
import { ContactRef } from './refs.js';

/** The typed failures mutations return as results (see API.md, "Mutations"). */

export const ErrorInterface = builder.interfaceRef<Error & { code: string }>('Error').implement({
  description: 'A failure a mutation reports as its result; nothing was written.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
    code: t.exposeString('code', { description: 'What went wrong, for programs.' }),
  }),
});

const FieldErrorRef = builder.objectRef<FieldError>('FieldError').implement({
  description: 'One invalid input value.',
  fields: (t) => ({
    path: t.exposeStringList('path', {
      description: 'Where it is in `input` (e.g. `["customAttributes", "plan"]`).',
    }),
    message: t.exposeString('message', { description: 'What is wrong with it.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input was refused: every invalid field is listed. Code `VALIDATION_FAILED`.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    fieldErrors: t.field({
      type: [FieldErrorRef],
      description: 'Each invalid field with its path and problem.',
      resolve: (error) => error.fieldErrors,
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'A referenced object does not exist in this workspace. Code `NOT_FOUND`.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The input field holding the reference.' }),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'A value that must be unique in the workspace is taken. Code `CONFLICT`.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The input field whose value is taken.' }),
    existingContact: t.field({
      type: ContactRef,
      nullable: true,
      description: 'The contact that holds the value, when the conflict is on a contact field.',
      resolve: (error) => error.existingContactId,
    }),
  }),
});

export { ConflictError, NotFoundError, ValidationError };
