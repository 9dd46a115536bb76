import { base, en, Faker } from '@faker-js/faker';

/**
 * A realistic, deterministic contact graph for one workspace: the same seed gives the same
 * rows, so demo data, benchmarks and their figures are reproducible. Rows reference each other
 * by position (0-based index), and the loader maps positions to ids.
 */

export type GraphSize = {
  contacts: number;
  organizations: number;
  labels: number;
  conversations: number;
};

export const DEMO_SIZE: GraphSize = {
  contacts: 500,
  organizations: 50,
  labels: 20,
  conversations: 1500,
};

export type OrganizationSeed = {
  name: string;
  domain: string;
  customAttributes: Record<string, unknown>;
};
export type LabelSeed = { name: string; color: string; description: string };
export type ContactSeed = {
  externalId: string | null;
  name: string | null;
  givenName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  avatarUrl: string | null;
  timezone: string | null;
  location: string | null;
  countryCode: string | null;
  blocked: boolean;
  organization: number | null;
  labels: number[];
  customAttributes: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  lastActivityAt: Date | null;
};
export type ConversationSeed = {
  contact: number;
  channel: 'CHAT' | 'WIDGET' | 'EMAIL' | 'PHONE' | 'API';
  status: 'OPEN' | 'PENDING' | 'SNOOZED' | 'RESOLVED';
  subject: string;
  createdAt: Date;
  lastActivityAt: Date;
};

const LABELS = [
  'vip',
  'customer',
  'lead',
  'trial',
  'churn-risk',
  'newsletter',
  'beta',
  'partner',
  'billing',
  'support',
  'enterprise',
  'onboarding',
  'feedback',
  'bug-reporter',
  'reseller',
  'event-2026',
  'webinar',
  'referral',
  'do-not-contact',
  'investor',
];
const PLANS = ['free', 'starter', 'pro', 'enterprise'] as const;
const CHANNELS = ['CHAT', 'WIDGET', 'EMAIL', 'PHONE', 'API'] as const;
const STATUSES = ['OPEN', 'PENDING', 'SNOOZED', 'RESOLVED', 'RESOLVED', 'RESOLVED'] as const;
const AREA_CODES = [212, 305, 312, 415, 512, 617, 646, 702, 718, 801, 917, 206];
const NOW = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

export function createFaker(seed: number): Faker {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  return faker;
}

export function generateOrganizations(faker: Faker, count: number): OrganizationSeed[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `${faker.company.name()}${i >= 50 ? ` ${i}` : ''}`;
    const word = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    return {
      name,
      domain: `${word}.${faker.helpers.arrayElement(['com', 'io', 'co', 'net', 'org'])}`,
      customAttributes: {
        industry: faker.commerce.department(),
        employees: faker.number.int({ min: 2, max: 5000 }),
      },
    };
  });
}

export function generateLabels(faker: Faker, count: number): LabelSeed[] {
  return Array.from({ length: count }, (_, i) => ({
    name: LABELS[i] ?? `label-${i}`,
    color: faker.color.rgb({ casing: 'upper' }),
    description: faker.company.catchPhrase(),
  }));
}

/** Contact `i` of a workspace; unique email, phone and external ID by construction. */
export function generateContact(faker: Faker, i: number, size: GraphSize): ContactSeed {
  const ghost = faker.number.float() < 0.05;
  const givenName = ghost ? null : faker.person.firstName();
  const lastName = ghost ? null : faker.person.lastName();
  const hasEmail = !ghost && faker.number.float() < 0.92;
  const hasPhone = faker.number.float() < 0.7;
  const createdAt = new Date(
    NOW - faker.number.int({ min: 0, max: 3 * 365 }) * DAY - faker.number.int(DAY),
  );
  const active = faker.number.float() < 0.85;
  const lastActivityAt = active
    ? new Date(createdAt.getTime() + faker.number.int({ min: 0, max: NOW - createdAt.getTime() }))
    : null;
  const labelCount = faker.helpers.weightedArrayElement([
    { value: 0, weight: 3 },
    { value: 1, weight: 4 },
    { value: 2, weight: 2 },
    { value: 3, weight: 1 },
  ]);
  const labels =
    size.labels > 0
      ? faker.helpers.uniqueArray(
          () => faker.number.int(size.labels - 1),
          Math.min(labelCount, size.labels),
        )
      : [];
  const area = AREA_CODES[i % AREA_CODES.length] as number;
  const local = String(2_000_000 + Math.floor(i / AREA_CODES.length)).padStart(7, '0');
  const emailLocal =
    `${(givenName ?? 'user').toLowerCase()}.${(lastName ?? 'anon').toLowerCase()}`.replace(
      /[^a-z0-9.]/g,
      '',
    );
  return {
    externalId: faker.number.float() < 0.8 ? `user_${String(i + 1).padStart(7, '0')}` : null,
    name: givenName && lastName ? `${givenName} ${lastName}` : null,
    givenName,
    lastName,
    email: hasEmail ? `${emailLocal}${i}@${faker.internet.domainName()}`.toLowerCase() : null,
    phone: hasPhone ? `+1${area}${local}` : null,
    avatarUrl: faker.number.float() < 0.3 ? `https://avatars.example.com/${i + 1}.png` : null,
    timezone: faker.location.timeZone(),
    location: faker.location.city(),
    countryCode: faker.location.countryCode(),
    blocked: faker.number.float() < 0.02,
    organization:
      size.organizations > 0 && faker.number.float() < 0.75
        ? faker.number.int(size.organizations - 1)
        : null,
    labels,
    customAttributes: {
      plan: faker.helpers.arrayElement(PLANS),
      lifetime_value: faker.number.int({ min: 0, max: 20_000 }),
      signup_date: createdAt.toISOString().slice(0, 10),
      vip: faker.number.float() < 0.1,
      ...(faker.number.float() < 0.3
        ? {
            interests: faker.helpers.arrayElements(
              ['api', 'mobile', 'billing', 'analytics', 'security'],
              2,
            ),
          }
        : {}),
    },
    createdAt,
    updatedAt: new Date(Math.max(createdAt.getTime(), lastActivityAt?.getTime() ?? 0)),
    lastActivityAt,
  };
}

export function generateConversation(
  faker: Faker,
  contacts: readonly ContactSeed[],
): ConversationSeed {
  const contact = faker.number.int(contacts.length - 1);
  const owner = contacts[contact] as ContactSeed;
  const start = owner.createdAt.getTime();
  const createdAt = new Date(start + faker.number.int({ min: 0, max: Math.max(0, NOW - start) }));
  return {
    contact,
    channel: faker.helpers.arrayElement(CHANNELS),
    status: faker.helpers.arrayElement(STATUSES),
    subject: faker.hacker.phrase().slice(0, 120),
    createdAt,
    lastActivityAt: new Date(createdAt.getTime() + faker.number.int({ min: 0, max: 7 * DAY })),
  };
}
