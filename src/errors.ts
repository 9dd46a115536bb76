/**
 * A client mistake found below the GraphQL layer (a malformed cursor, an ID of the wrong type,
 * a value out of range). The server turns it into a `BAD_USER_INPUT` error naming `argument`.
 */
export class UserInputError extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
    this.name = 'UserInputError';
  }
}

/** One invalid input value: where it is (from the mutation's `input`) and what is wrong. */
export type FieldError = { path: string[]; message: string };

/** Input that cannot be accepted; nothing was written. */
export class ValidationError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly fieldErrors: FieldError[]) {
    super(
      fieldErrors.length === 1
        ? `Invalid input: ${fieldErrors[0]?.path.join('.')} ${fieldErrors[0]?.message}`
        : `Invalid input: ${fieldErrors.length} fields are invalid`,
    );
    this.name = 'ValidationError';
  }
}

/** A referenced object does not exist in the caller's workspace (or never did). */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A value that must be unique is taken; `existingId` names the holder when known. */
export class ConflictError extends Error {
  readonly code = 'CONFLICT';
  constructor(
    readonly field: string,
    message: string,
    readonly existingContactId: string | null = null,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}
