import { expect } from 'vitest';
import { dataOf, type TestServer } from './harness.js';

/**
 * Small client helpers shared by the attributes and profiles tests: operations are plain
 * strings (typed at the call site), results are read the way a client reads them.
 */

export type FieldErrors = { path: string[]; message: string }[];

/** A mutation result: the union's `__typename` and whatever the selection asked for. */
export type Result = {
  __typename: string;
  message?: string;
  fieldErrors?: FieldErrors;
  field?: string;
  [key: string]: unknown;
};

/** The error types of each result union besides ValidationError (which all have). */
const OTHER_ERRORS: Record<string, string[]> = {
  createAttributeDefinition: ['ConflictError'],
  updateAttributeDefinition: ['NotFoundError'],
  archiveAttributeDefinition: ['NotFoundError'],
  restoreAttributeDefinition: ['NotFoundError'],
  createProfile: ['ConflictError'],
  updateProfile: ['ConflictError', 'NotFoundError'],
  deleteProfile: ['NotFoundError'],
  createContact: ['ConflictError', 'NotFoundError'],
  updateContact: ['ConflictError', 'NotFoundError'],
  upsertContact: ['ConflictError', 'NotFoundError'],
  upsertContacts: [],
};

/** The error selection of a result (or of an `Error` field, with every type). */
export function errorFields(types = ['ConflictError', 'NotFoundError']): string {
  return `
  __typename
  ... on Error { message code }
  ... on ValidationError { fieldErrors { path message } }
  ${types.map((type) => `... on ${type} { field }`).join('\n')}
`;
}

export const DEFINITION_FIELDS = `
  id key name description type options pattern required position archived archivedAt
  profiles { slug }
`;

export type Definition = {
  id: string;
  key: string;
  name: string;
  description: string | null;
  type: string;
  options: string[] | null;
  pattern: string | null;
  required: boolean;
  position: number;
  archived: boolean;
  archivedAt: string | null;
  profiles: { slug: string }[];
};

export type ContactRow = {
  id: string;
  externalId: string | null;
  customAttributes: Record<string, unknown>;
  profiles: { slug: string }[];
  attributes: {
    key: string;
    value: unknown;
    displayValue: string;
    definition: { key: string; type: string } | null;
  }[];
};

export const CONTACT_FIELDS = `
  id externalId customAttributes profiles { slug }
  attributes { key value displayValue definition { key type } }
`;

/** Runs an operation and returns its data (fails the test on GraphQL errors). */
export async function run<T>(
  t: TestServer,
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
): Promise<T> {
  return dataOf(await t.gql<T, Record<string, unknown>>(query, variables, { key }));
}

/** Runs a mutation `name(input: $input)` selecting `success` and the error fields. */
export async function mutate(
  t: TestServer,
  name: string,
  inputType: string,
  input: Record<string, unknown>,
  success: string,
  key?: string,
): Promise<Result> {
  const data = await run<Record<string, Result>>(
    t,
    `mutation($input: ${inputType}!) { ${name}(input: $input) { ${errorFields(OTHER_ERRORS[name] ?? [])} ${success} } }`,
    { input },
    key,
  );
  return data[name] as Result;
}

/** The paths of a ValidationError result (fails the test on any other result). */
export function errorPaths(result: Result): string[] {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  return (result.fieldErrors ?? []).map((f) => f.path.join('.'));
}

export async function createDefinition(
  t: TestServer,
  input: Record<string, unknown>,
  key?: string,
): Promise<Definition> {
  const result = await mutate(
    t,
    'createAttributeDefinition',
    'CreateAttributeDefinitionInput',
    input,
    `... on CreateAttributeDefinitionSuccess { attributeDefinition { ${DEFINITION_FIELDS} } }`,
    key,
  );
  expect(result.__typename, JSON.stringify(result)).toBe('CreateAttributeDefinitionSuccess');
  return result.attributeDefinition as Definition;
}

export async function createProfile(
  t: TestServer,
  input: Record<string, unknown>,
  key?: string,
): Promise<{ id: string; slug: string }> {
  const result = await mutate(
    t,
    'createProfile',
    'CreateProfileInput',
    input,
    '... on CreateProfileSuccess { profile { id slug } }',
    key,
  );
  expect(result.__typename, JSON.stringify(result)).toBe('CreateProfileSuccess');
  return result.profile as { id: string; slug: string };
}

const CONTACT_SUCCESS = (type: string) => `... on ${type} { contact { ${CONTACT_FIELDS} } }`;

export function createContact(t: TestServer, input: Record<string, unknown>, key?: string) {
  return mutate(
    t,
    'createContact',
    'CreateContactInput',
    input,
    CONTACT_SUCCESS('CreateContactSuccess'),
    key,
  );
}

export function updateContact(t: TestServer, input: Record<string, unknown>, key?: string) {
  return mutate(
    t,
    'updateContact',
    'UpdateContactInput',
    input,
    CONTACT_SUCCESS('UpdateContactSuccess'),
    key,
  );
}

export function upsertContact(t: TestServer, input: Record<string, unknown>, key?: string) {
  return mutate(
    t,
    'upsertContact',
    'UpsertContactInput',
    input,
    `... on UpsertContactSuccess { created contact { ${CONTACT_FIELDS} } }`,
    key,
  );
}

export type BatchItem = {
  index: number;
  created: boolean | null;
  contact: ContactRow | null;
  error: Result | null;
};

export async function upsertContacts(
  t: TestServer,
  contacts: Record<string, unknown>[],
  key?: string,
): Promise<BatchItem[]> {
  const result = await mutate(
    t,
    'upsertContacts',
    'UpsertContactsInput',
    { contacts },
    `... on UpsertContactsSuccess { results { index created contact { ${CONTACT_FIELDS} }
       error { ${errorFields()} } } }`,
    key,
  );
  expect(result.__typename, JSON.stringify(result)).toBe('UpsertContactsSuccess');
  return result.results as BatchItem[];
}

/** The created/updated contact of a successful contact mutation. */
export function contactOf(result: Result): ContactRow {
  expect(result.__typename, JSON.stringify(result)).toMatch(/Success$/);
  return result.contact as ContactRow;
}

export async function getContact(
  t: TestServer,
  id: string,
  key?: string,
  includeArchived = false,
): Promise<ContactRow | null> {
  const data = await run<{ node: ContactRow | null }>(
    t,
    `query($id: ID!, $all: Boolean) { node(id: $id) { ... on Contact {
       id externalId customAttributes profiles { slug }
       attributes(includeArchived: $all) { key value displayValue definition { key type } } } } }`,
    { id, all: includeArchived },
    key,
  );
  return data.node;
}

/** How many live contacts the workspace of `key` has. */
export async function contactCount(t: TestServer, key?: string): Promise<number> {
  const data = await run<{ contacts: { totalCount: number } }>(
    t,
    'query { contacts(first: 1) { totalCount } }',
    {},
    key,
  );
  return data.contacts.totalCount;
}

let counter = 0;
/** A name no other test of the file uses. */
export const unique = (prefix: string) => `${prefix}${++counter}`;
