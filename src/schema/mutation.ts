import type { ObjectRef } from '@pothos/core';
import type { Context } from '../context.js';
import { builder, type SchemaTypes } from './builder.js';
import type { ConflictError, NotFoundError, ValidationError } from './errors.js';

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
