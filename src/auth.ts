import { GraphQLError } from 'graphql';
import type { Kysely } from 'kysely';
import { authenticateApiKey, type Principal } from './db/api-keys.js';
import type { Database } from './db/schema.js';

/** `Bearer <key>` → the key; anything else → undefined. */
export function bearerToken(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  return match?.[1];
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
    },
  });
}

/** The caller behind an Authorization value, or an UNAUTHENTICATED error. */
export async function authenticate(
  db: Kysely<Database>,
  authorization: unknown,
): Promise<Principal> {
  const token = bearerToken(authorization);
  if (!token)
    throw unauthenticated('Missing API key: send the header `Authorization: Bearer <key>`.');
  const principal = await authenticateApiKey(db, token);
  if (!principal) throw unauthenticated('Invalid or revoked API key.');
  return principal;
}
