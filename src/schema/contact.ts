import {
  type ContactOrderInput,
  type ContactsArgs,
  findContact,
  listContacts,
} from '../resolvers/contacts.js';
import { contactConversations } from '../resolvers/conversations.js';
import type {
  AttributeFilterInput as AttributeFilterShape,
  ContactFilterInput,
  LabelSetFilterInput,
} from '../resolvers/filters.js';
import type { SegmentSetFilterInput } from '../resolvers/segment-filters.js';
import { type Args, builder } from './builder.js';
import { ConversationStatus } from './conversation.js';
import { DateTimeFilter, IDFilter, OrderDirection, StringFilter } from './filters.js';
import {
  ContactConnection,
  ContactRef,
  ConversationConnection,
  ConversationRef,
  LabelRef,
  OrganizationRef,
} from './refs.js';

export const ContactType = builder.enumType('ContactType', {
  description: 'What a contact is, derived from its data; never set directly.',
  values: {
    GHOST: { description: 'Anonymous: no name, or neither email nor phone.' },
    LEAD: { description: 'A name and an email or phone, none of them verified.' },
    CONTACT: { description: 'A name and a verified email or phone.' },
    VENDOR: { description: 'Marked as a vendor.' },
  },
});

export const ContactOrderField = builder.enumType('ContactOrderField', {
  description: 'Fields contacts can be sorted by. Ties are broken by id, so the order is total.',
  values: {
    NAME: { description: 'Display name, ignoring case.' },
    EMAIL: { description: 'Primary email.' },
    PHONE: { description: 'Primary phone (E.164).' },
    EXTERNAL_ID: { description: 'External ID.' },
    CREATED_AT: { description: 'Creation time.' },
    UPDATED_AT: { description: 'Last change.' },
    LAST_ACTIVITY_AT: { description: 'Latest activity (conversations, messages).' },
    CUSTOM_ATTRIBUTE: {
      description:
        'A custom attribute named by `attributeKey`, typed by its definition: numbers ' +
        'numerically, dates and date-times in time order, TEXT, LIST and URL ignoring case, ' +
        'false before true. Contacts without a value come last in both directions.',
    },
  },
});

export const ContactOrder = builder.inputRef<ContactOrderInput>('ContactOrder').implement({
  description: 'One sort key of a contact list.',
  fields: (t) => ({
    field: t.field({
      type: ContactOrderField,
      required: true,
      description: 'The field to sort by.',
    }),
    direction: t.field({ type: OrderDirection, required: true, description: 'The direction.' }),
    attributeKey: t.string({
      description:
        'With CUSTOM_ATTRIBUTE (and only then): the key of an active attribute definition of a ' +
        'sortable type (not JSON or MULTI_SELECT).',
    }),
  }),
});

export const LabelSetFilter = builder.inputRef<LabelSetFilterInput>('LabelSetFilter').implement({
  description: 'Conditions on the labels a contact carries; all given operators must hold.',
  fields: (t) => ({
    any: t.idList({ description: 'Carries at least one of these labels.' }),
    all: t.idList({ description: 'Carries every one of these labels.' }),
    none: t.idList({ description: 'Carries none of these labels.' }),
  }),
});

export const SegmentSetFilter = builder
  .inputRef<SegmentSetFilterInput>('SegmentSetFilter')
  .implement({
    description:
      'Conditions on the segments a contact is in (their current filters); all given operators must hold.',
    fields: (t) => ({
      any: t.idList({
        description: 'Is in at least one of these segments (an unknown segment has no members).',
      }),
      none: t.idList({ description: 'Is in none of these segments.' }),
    }),
  });

export const AttributeFilterInput = builder
  .inputRef<AttributeFilterShape>('AttributeFilter')
  .implement({
    description:
      'A condition on one custom attribute; all given operators must hold. A key with a definition ' +
      'compares typed: operands are normalized as values are on write (a NUMBER operand "9" is 9, ' +
      'a DATETIME operand is read in its offset and compared in UTC), numbers numerically, dates ' +
      'in time order, and an operator the type does not take is refused. A key without a ' +
      'definition compares as JSON: numbers as numbers, strings as strings, never across types.',
    fields: (t) => ({
      key: t.string({
        required: true,
        description: 'The attribute key (`plan` for `customAttributes.plan`).',
      }),
      eq: t.field({ type: 'JSON', description: 'Equal to this JSON value.' }),
      neq: t.field({
        type: 'JSON',
        description: 'Not equal to this value (contacts without it match).',
      }),
      in: t.field({ type: ['JSON'], description: 'Equal to one of these values.' }),
      contains: t.field({
        type: 'JSON',
        description:
          'An array attribute containing this element, or a text attribute containing this text (ignoring case).',
      }),
      gt: t.field({ type: 'JSON', description: 'Greater than this number or string.' }),
      gte: t.field({
        type: 'JSON',
        description: 'Greater than or equal to this number or string.',
      }),
      lt: t.field({ type: 'JSON', description: 'Less than this number or string.' }),
      lte: t.field({ type: 'JSON', description: 'Less than or equal to this number or string.' }),
      startsWith: t.string({
        description: 'A text attribute starting with this text (ignoring case).',
      }),
      any: t.field({
        type: ['JSON'],
        description: 'A MULTI_SELECT (or array) attribute holding at least one of these options.',
      }),
      all: t.field({
        type: ['JSON'],
        description: 'A MULTI_SELECT (or array) attribute holding every one of these options.',
      }),
      none: t.field({
        type: ['JSON'],
        description:
          'A MULTI_SELECT (or array) attribute holding none of these options (contacts without it match).',
      }),
      exists: t.boolean({ description: 'true: the attribute is set; false: it is not.' }),
    }),
  });

export const ContactFilter = builder.inputRef<ContactFilterInput>('ContactFilter');
ContactFilter.implement({
  description:
    'Which contacts to return. All given conditions must hold; combine with `and`, `or`, `not`.',
  fields: (t) => ({
    and: t.field({ type: [ContactFilter], description: 'Every one of these filters holds.' }),
    or: t.field({ type: [ContactFilter], description: 'At least one of these filters holds.' }),
    not: t.field({ type: ContactFilter, description: 'This filter does not hold.' }),
    name: t.field({ type: StringFilter, description: 'Display name.' }),
    email: t.field({ type: StringFilter, description: 'Primary email.' }),
    phone: t.field({ type: StringFilter, description: 'Primary phone, E.164.' }),
    externalId: t.field({
      type: StringFilter,
      description: 'External ID (exact case for eq/neq/in).',
    }),
    type: t.field({ type: [ContactType], description: 'Is of one of these types.' }),
    blocked: t.boolean({ description: 'Is (or is not) blocked.' }),
    organizationId: t.field({ type: IDFilter, description: 'Belongs to an organization.' }),
    labels: t.field({ type: LabelSetFilter, description: 'Carries labels.' }),
    createdAt: t.field({ type: DateTimeFilter, description: 'Creation time.' }),
    updatedAt: t.field({ type: DateTimeFilter, description: 'Last change.' }),
    lastActivityAt: t.field({ type: DateTimeFilter, description: 'Latest activity.' }),
    attributes: t.field({
      type: [AttributeFilterInput],
      description: 'Custom attribute conditions, all must hold.',
    }),
    segmentIds: t.field({
      type: SegmentSetFilter,
      description: 'Is (or is not) in segments.',
    }),
    includeDeleted: t.boolean({
      description: 'Include soft-deleted contacts (hidden by default). Read at the top level only.',
    }),
  }),
});

ContactRef.implement({
  description: 'A person the workspace talks to.',
  fields: (t) => ({
    externalId: t.exposeString('externalId', {
      nullable: true,
      description: 'Your system’s ID for this contact; unique in the workspace; the upsert key.',
    }),
    name: t.exposeString('name', { nullable: true, description: 'Display name.' }),
    givenName: t.exposeString('givenName', { nullable: true, description: 'Given (first) name.' }),
    middleName: t.exposeString('middleName', { nullable: true, description: 'Middle name.' }),
    lastName: t.exposeString('lastName', { nullable: true, description: 'Last (family) name.' }),
    email: t.exposeString('email', {
      nullable: true,
      description: 'Primary email, trimmed and lower-cased; unique in the workspace.',
    }),
    phone: t.exposeString('phone', {
      nullable: true,
      description: 'Primary phone in E.164 format; unique in the workspace.',
    }),
    avatarUrl: t.exposeString('avatarUrl', { nullable: true, description: 'URL of a picture.' }),
    timezone: t.exposeString('timezone', {
      nullable: true,
      description: 'IANA time zone, e.g. `Europe/Paris`.',
    }),
    location: t.exposeString('location', {
      nullable: true,
      description: 'Free-form location (city, region).',
    }),
    countryCode: t.exposeString('countryCode', {
      nullable: true,
      description: 'ISO 3166-1 alpha-2 country code.',
    }),
    type: t.field({
      type: ContactType,
      description: 'GHOST unless it has a name and an email or phone; derived, never set.',
      resolve: (c) => c.type,
    }),
    blocked: t.exposeBoolean('blocked', {
      description: 'Blocked contacts’ new conversations are resolved at once.',
    }),
    organization: t.field({
      type: OrganizationRef,
      nullable: true,
      description: 'The company or account the contact belongs to.',
      resolve: (c) => c.organizationId,
    }),
    labels: t.loadableList({
      type: LabelRef,
      description: 'Labels on the contact, by name.',
      load: async (ids: string[], ctx) => {
        const byContact = await ctx.db.labels.byContactIds(ids);
        return ids.map((id) => byContact.get(id) ?? []);
      },
      resolve: (c) => c.id,
    }),
    conversations: t.connection(
      {
        type: ConversationRef,
        description: 'The contact’s conversations, newest activity first.',
        args: {
          status: t.arg({
            type: ConversationStatus,
            description: 'Only conversations in this status.',
          }),
        },
        resolve: (c, args, ctx) => contactConversations(ctx, c.id, args),
      },
      ConversationConnection,
    ),
    customAttributes: t.field({
      type: 'JSON',
      description: 'Custom attributes as a JSON object.',
      resolve: (c) => c.customAttributes,
    }),
    additionalAttributes: t.field({
      type: 'JSON',
      description: 'System-managed enrichment (browser, social profiles, job title), kept apart.',
      resolve: (c) => c.additionalAttributes,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    lastActivityAt: t.expose('lastActivityAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Latest conversation or message activity.',
    }),
    deletedAt: t.expose('deletedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was soft-deleted; null while live.',
    }),
  }),
});

/** The arguments of every contacts connection, top level or nested. */
export function contactConnectionArgs(arg: Args) {
  return {
    filter: arg({ type: ContactFilter, description: 'Which contacts to return.' }),
    search: arg.string({
      description: 'Case-insensitive substring of name, email, phone or external ID.',
    }),
    orderBy: arg({
      type: [ContactOrder],
      description: 'Sort keys, first one first (default: newest first). Ties break by id.',
    }),
  };
}

builder.queryFields((t) => ({
  contact: t.field({
    type: ContactRef,
    nullable: true,
    description:
      'One contact by id, external ID, email or phone (all given keys must match); null when none ' +
      'matches in this workspace. Soft-deleted contacts are found only with `includeDeleted`.',
    args: {
      id: t.arg.id({ description: 'Global ID.' }),
      externalId: t.arg.string({ description: 'External ID (exact).' }),
      email: t.arg.string({ description: 'Email (any case).' }),
      phone: t.arg.string({ description: 'Phone in any format the workspace region can read.' }),
      includeDeleted: t.arg.boolean({ description: 'Also find a soft-deleted contact.' }),
    },
    resolve: (_root, args, ctx) => findContact(ctx, args),
  }),
  contacts: t.connection(
    {
      type: ContactRef,
      description: 'Contacts of the workspace: filter, search, sort and page.',
      args: contactConnectionArgs(t.arg),
      resolve: (_root, args, ctx) => listContacts(ctx, args as ContactsArgs),
    },
    ContactConnection,
  ),
}));
