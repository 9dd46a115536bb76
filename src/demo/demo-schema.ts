/** Definitions of the keys the demo generator writes (src/demo/generate.ts); the bench's too. */
export const DEMO_DEFINITIONS = [
  { key: 'plan', name: 'Plan', type: 'LIST', options: ['free', 'starter', 'pro', 'enterprise'] },
  { key: 'lifetime_value', name: 'Lifetime value', type: 'NUMBER' },
  { key: 'signup_date', name: 'Signup date', type: 'DATE' },
  { key: 'vip', name: 'VIP', type: 'BOOLEAN' },
  {
    key: 'interests',
    name: 'Interests',
    type: 'MULTI_SELECT',
    options: ['api', 'mobile', 'billing', 'analytics', 'security'],
  },
] as const;

const OPERATIONS: { query: string; variables: Record<string, unknown> }[] = [
  ...DEMO_DEFINITIONS.map((input, position) => ({
    query: `mutation ($input: CreateAttributeDefinitionInput!) {
      createAttributeDefinition(input: $input) { __typename ... on Error { message } } }`,
    variables: { input: { ...input, position } },
  })),
  {
    query: `mutation ($input: CreateProfileInput!) {
      createProfile(input: $input) { __typename ... on Error { message } } }`,
    variables: {
      input: {
        slug: 'customer',
        name: 'Customer',
        description: 'Paying accounts',
        attributeKeys: ['plan', 'lifetime_value'],
      },
    },
  },
  {
    query: `mutation ($input: CreateSegmentInput!) {
      createSegment(input: $input) { __typename ... on Error { message } } }`,
    variables: {
      input: {
        name: 'High-value pro customers',
        description: 'Pro or enterprise, lifetime value over 5,000, signed up since 2025',
        filter: {
          attributes: [
            { key: 'plan', in: ['pro', 'enterprise'] },
            { key: 'lifetime_value', gt: 5000 },
            { key: 'signup_date', gte: '2025-01-01' },
          ],
        },
      },
    },
  },
];

type Fetch = (url: string, init: RequestInit) => Promise<Response> | Response;

/**
 * The demo workspace's attribute schema and audiences, created through the public API (the
 * same validation, conversion and indexes as any client's), right after the server starts.
 * The generated contacts already carry these keys as untyped values; defining them converts
 * and types them.
 */
export async function createDemoSchema(fetch: Fetch, apiKey: string): Promise<void> {
  for (const operation of OPERATIONS) {
    const response = await fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(operation),
    });
    const body = (await response.json()) as {
      data?: Record<string, { __typename: string; message?: string }>;
      errors?: { message: string }[];
    };
    const result = body.data && Object.values(body.data)[0];
    if (body.errors?.length || !result || result.message !== undefined) {
      throw new Error(
        `Demo schema step failed: ${body.errors?.[0]?.message ?? result?.message ?? 'no data'}`,
      );
    }
  }
}
