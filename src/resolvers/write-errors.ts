import { violationOf } from '../db/constraints.js';
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UserInputError,
  ValidationError,
} from '../errors.js';
import { decodeGlobalId } from '../global-id.js';

/**
 * Runs a write and turns constraint violations into typed results. The database decides
 * (unique indexes, composite foreign keys), so two racing writes cannot both win; the
 * transaction has rolled back by the time the error is mapped.
 */
export async function guardWrite<T>(
  write: () => Promise<T>,
  holderOf?: (field: string) => Promise<string | null>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const violation = violationOf(error);
    if (!violation) throw error;
    if (violation.kind === 'reference') {
      throw new NotFoundError(
        violation.field,
        `${violation.field}: no such object in this workspace`,
      );
    }
    const holder = holderOf ? await holderOf(violation.field) : null;
    throw new ConflictError(
      violation.field,
      `${violation.field} is already used${holder ? ' by another contact' : ''} in this workspace`,
      holder,
    );
  }
}

/** A global ID reference inside mutation input; a malformed one is a field error. */
export function decodeReference(
  id: string,
  typename: string,
  path: string[],
  errors: FieldError[],
): string | undefined {
  try {
    const decoded = decodeGlobalId(id, path.join('.'));
    if (decoded.typename !== typename) {
      errors.push({ path, message: `must be a ${typename} ID` });
      return undefined;
    }
    return decoded.id;
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    errors.push({ path, message: 'is not a valid ID' });
    return undefined;
  }
}

export function throwIfInvalid(errors: FieldError[]): void {
  if (errors.length > 0) throw new ValidationError(errors);
}
