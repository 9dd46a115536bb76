import { UserInputError } from './errors.js';

/**
 * A position in a workspace's contact event stream: opaque to clients (base64url), it names
 * the workspace so a cursor can never be replayed against another workspace's numbers.
 */
export function encodeEventCursor(workspaceId: string, seq: string): string {
  return Buffer.from(`ce:${workspaceId}:${seq}`).toString('base64url');
}

/** The sequence number of `cursor`, which must belong to `workspaceId`. */
export function decodeEventCursor(cursor: string, workspaceId: string, argument: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^ce:([1-9][0-9]{0,18}):(0|[1-9][0-9]{0,18})$/.exec(text);
  if (!match || cursor.length > 80) {
    throw new UserInputError(argument, `"${cursor.slice(0, 40)}" is not a contact event cursor`);
  }
  if (match[1] !== workspaceId) {
    throw new UserInputError(argument, "the cursor is from another workspace's event stream");
  }
  return match[2] as string;
}
