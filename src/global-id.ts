import { UserInputError } from './errors.js';

/**
 * Relay global IDs: base64url of `Type:localId`. Local ids are bigint row ids (an event's is
 * `workspace.seq`); anything else is a client error naming the argument, never a server error.
 */
export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

/** The largest row id PostgreSQL's bigint holds. */
const MAX_BIGINT = 9223372036854775807n;

export function decodeGlobalId(
  globalId: string,
  argument = 'id',
): { typename: string; id: string } {
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Z][A-Za-z]{0,63}):([1-9][0-9]{0,18})(?:\.([1-9][0-9]{0,18}))?$/.exec(text);
  const [, typename, id, seq] = match ?? [];
  // Only events have two-part ids (workspace.seq: sequence numbers are per workspace).
  const parts = seq === undefined ? [id] : typename === 'ContactEvent' ? [id, seq] : undefined;
  // 19 digits can still overflow bigint, which the database would report as a server error.
  if (
    !typename ||
    !parts ||
    globalId.length > 120 ||
    parts.some((p) => p === undefined || BigInt(p) > MAX_BIGINT)
  ) {
    throw new UserInputError(argument, `"${globalId.slice(0, 40)}" is not a valid ID`);
  }
  return { typename, id: parts.join('.') };
}

/** The local id of a global ID that must be of `typename`. */
export function parseGlobalId(globalId: string, typename: string, argument: string): string {
  const decoded = decodeGlobalId(globalId, argument);
  if (decoded.typename !== typename) {
    throw new UserInputError(argument, `expected a ${typename} ID, got a ${decoded.typename} ID`);
  }
  return decoded.id;
}
