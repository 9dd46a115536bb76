import SchemaBuilder, { type ArgBuilder } from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import {
  DateTimeResolver,
  EmailAddressResolver,
  JSONResolver,
  PhoneNumberResolver,
} from 'graphql-scalars';
import type { Context } from '../context.js';
import { UserInputError } from '../errors.js';
import { decodeGlobalId, encodeGlobalId } from '../global-id.js';

/** Types `node(id)` can load; the refs in refs.ts implement them. */
const NODE_TYPES = new Set([
  'Contact',
  'ContactEvent',
  'Organization',
  'Label',
  'Conversation',
  'Message',
  'Segment',
  'AttributeDefinition',
  'Profile',
]);

import type { JsonValue } from '../resolvers/filters.js';

export type AuthScopes = { read: boolean; write: boolean; admin: boolean };

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount: () => Promise<number> };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: JsonValue; Output: unknown };
    EmailAddress: { Input: string; Output: string };
    PhoneNumber: { Input: string; Output: string };
    ID: { Input: string; Output: string | number | bigint };
  };
}>({
  defaultFieldNullability: false,
  // Scope auth first, so it wraps every other plugin's resolvers.
  plugins: [
    ScopeAuthPlugin,
    ErrorsPlugin,
    ValidationPlugin,
    RelayPlugin,
    DataloaderPlugin,
    ComplexityPlugin,
  ],
  scopeAuth: {
    // read ⊂ write ⊂ admin: a key that may change data may also read it.
    authScopes: ({ principal }) => ({
      read: ['read', 'write', 'admin'].some((s) => principal.scopes.has(s as 'read')),
      write: principal.scopes.has('write') || principal.scopes.has('admin'),
      admin: principal.scopes.has('admin'),
    }),
    unauthorizedError: (_parent, _context, _info, result) =>
      new GraphQLError(`Forbidden: ${result.message}`, { extensions: { code: 'FORBIDDEN' } }),
  },
  errors: { defaultTypes: [] },
  complexity: {},
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, id),
    decodeGlobalID: (globalId) => {
      const decoded = decodeGlobalId(globalId);
      // An ID of no node type is malformed input, not a missing object or a server error.
      if (!NODE_TYPES.has(decoded.typename)) {
        throw new UserInputError('id', `"${globalId.slice(0, 40)}" is not the ID of any object`);
      }
      return decoded;
    },
    edgesFieldOptions: {
      nullable: false,
      description: 'The items of this page, each with its cursor.',
    },
    nodeFieldOptions: { nullable: false, description: 'The item at the end of the edge.' },
    cursorFieldOptions: {
      description: 'Opaque position of this item; pass it as `after` or `before`.',
    },
    pageInfoFieldOptions: { description: 'Where this page sits in the whole list.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of this page.' },
    firstArgOptions: {
      description: 'Return at most this many items from the start (default 20, at most 100).',
    },
    lastArgOptions: { description: 'Return at most this many items from the end (at most 100).' },
    afterArgOptions: { description: 'Return items after this cursor.' },
    beforeArgOptions: { description: 'Return items before this cursor.' },
    nodeTypeOptions: { description: 'An object with a globally unique, opaque ID (Relay).' },
    idFieldOptions: { description: 'Globally unique, opaque identifier.' },
    pageInfoTypeOptions: {
      description: 'Paging information for a connection (Relay cursor spec).',
    },
    nodeQueryOptions: {
      description:
        'Any object by its global ID; null when it does not exist or belongs to another workspace.',
      args: { id: { description: 'A global ID.' } },
    },
    nodesQueryOptions: {
      description: 'Objects by their global IDs, in the same order; null for those not found.',
      args: { ids: { description: 'Global IDs.' } },
    },
  },
});

builder.addScalarType('DateTime', DateTimeResolver, {
  description:
    'A date and time in ISO 8601 format with a time zone, e.g. `2026-11-25T17:00:00.000Z`.',
});
builder.addScalarType('JSON', JSONResolver, { description: 'Any JSON value.' });
builder.addScalarType('EmailAddress', EmailAddressResolver, {
  description: 'An email address, as stored: trimmed and lower-cased.',
});
builder.addScalarType('PhoneNumber', PhoneNumberResolver, {
  description: 'A phone number in E.164 format, e.g. `+14155550123`.',
});

builder.mutationType({
  description:
    'Writes; every field needs a key with the `write` scope. Each runs in one transaction.',
  authScopes: { write: true },
});

builder.queryType({
  description: 'Reads; every field needs a key with the `read` scope.',
  authScopes: { read: true },
});

export type SchemaTypes = typeof builder.$inferSchemaTypes;
/** `t.arg` inside a field builder, for helpers that build shared argument sets. */
export type Args = ArgBuilder<SchemaTypes>;
