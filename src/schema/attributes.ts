import type { AttributeDefinition, Profile } from '../db/schema.js';
import {
  type ContactAttributeValue,
  contactAttributes,
  contactProfiles,
  definitionsById,
  profilesById,
} from '../resolvers/contact-attributes.js';
import { builder } from './builder.js';
import { ContactRef } from './refs.js';

export const AttributeTypeEnum = builder.enumType('AttributeType', {
  description: 'The type of a custom attribute: what values it takes and how they are stored.',
  values: {
    TEXT: { description: 'Text, trimmed (≤ 10,000 characters).' },
    NUMBER: { description: 'A number, stored as a JSON number ("42" is read as 42).' },
    BOOLEAN: { description: 'true or false ("yes"/"no", "1"/"0" are read too).' },
    DATE: { description: 'A calendar day, stored as `YYYY-MM-DD`.' },
    DATETIME: {
      description: 'An instant, stored in UTC as `YYYY-MM-DDTHH:MM:SS.sssZ`; input needs a zone.',
    },
    LIST: { description: 'One of `options` (matched ignoring case, stored as spelled there).' },
    MULTI_SELECT: {
      description: 'Some of `options`, stored as an array in option order, without repeats.',
    },
    URL: { description: 'An http(s) URL, stored in canonical form.' },
    EMAIL: { description: 'An email address, stored lower-cased.' },
    PHONE: {
      description: 'A phone number, stored in E.164 (read in the workspace’s default region).',
    },
    JSON: { description: 'Any JSON value, stored as given.' },
  },
});

export const UnknownAttributesPolicyEnum = builder.enumType('UnknownAttributesPolicy', {
  description: 'What contact writes do with custom attribute keys that have no definition.',
  values: {
    STORE: { description: 'Keep them as untyped JSON (the default).' },
    REJECT: { description: 'Refuse the write with a ValidationError naming the key.' },
  },
});

export const AttributeDefinitionRef = builder.loadableNodeRef<AttributeDefinition, string, string>(
  'AttributeDefinition',
  {
    id: { resolve: (d) => d.id },
    load: async (ids, ctx) => {
      const byId = definitionsById(await ctx.db.attributeSchema());
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    sort: (d) => d.id,
  },
);

export const ProfileRef = builder.loadableNodeRef<Profile, string, string>('Profile', {
  id: { resolve: (p) => p.id },
  load: async (ids, ctx) => {
    const byId = profilesById(await ctx.db.attributeSchema());
    return ids.flatMap((id) => byId.get(id) ?? []);
  },
  sort: (p) => p.id,
});

AttributeDefinitionRef.implement({
  description:
    'A typed custom attribute of the workspace: contact writes validate and normalize its ' +
    'values, filters and sorts compare them by type.',
  fields: (t) => ({
    key: t.exposeString('key', {
      description: 'The key in `customAttributes`; `[a-z][a-z0-9_]*`, never changes.',
    }),
    name: t.exposeString('name', { description: 'Display name (a form label, a column title).' }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'What the attribute means.',
    }),
    type: t.field({
      type: AttributeTypeEnum,
      description: 'What values it takes.',
      resolve: (d) => d.type,
    }),
    options: t.exposeStringList('options', {
      nullable: true,
      description: 'The choices of LIST and MULTI_SELECT, in display order; null otherwise.',
    }),
    pattern: t.exposeString('pattern', {
      nullable: true,
      description: 'A regular expression (JavaScript syntax) every value must match as a whole.',
    }),
    required: t.exposeBoolean('required', {
      description:
        'Contacts having one of its profiles must have a value (checked on writes that create a ' +
        'contact or change its custom attributes or profiles).',
    }),
    position: t.exposeInt('position', { description: 'Display order (then key).' }),
    archived: t.boolean({
      description: 'Archived: values kept but hidden, not required, not writable.',
      resolve: (d) => d.archivedAt !== null,
    }),
    archivedAt: t.expose('archivedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was archived; null while active.',
    }),
    profiles: t.field({
      type: [ProfileRef],
      description: 'The profiles grouping it (default first, then by slug).',
      resolve: async (d, _args, ctx) => {
        const schema = await ctx.db.attributeSchema();
        return schema.profiles.filter((p) => schema.profileDefinitions.get(p.id)?.has(d.id));
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

ProfileRef.implement({
  description:
    'A named group of attribute definitions (e.g. `customer`, `vendor`). Every contact has the ' +
    'default profile and may adopt others; their required attributes apply to it.',
  fields: (t) => ({
    slug: t.exposeString('slug', {
      description: 'Stable name for APIs, `[a-z][a-z0-9-]*`; the default profile’s is `default`.',
    }),
    name: t.exposeString('name', { description: 'Display name.' }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'What the profile is for.',
    }),
    isDefault: t.exposeBoolean('isDefault', {
      description: 'The workspace’s default profile, which every contact has.',
    }),
    attributes: t.field({
      type: [AttributeDefinitionRef],
      description: 'The definitions it groups, by position then key.',
      args: {
        includeArchived: t.arg.boolean({
          defaultValue: false,
          description: 'Include archived definitions.',
        }),
      },
      resolve: async (p, args, ctx) => {
        const schema = await ctx.db.attributeSchema();
        const ids = schema.profileDefinitions.get(p.id);
        return schema.definitions.filter(
          (d) => ids?.has(d.id) && (args.includeArchived || d.archivedAt === null),
        );
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

const ContactAttributeRef = builder.objectRef<ContactAttributeValue>('ContactAttribute').implement({
  description: 'One custom attribute of a contact, with its definition (for forms and columns).',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The key in `customAttributes`.' }),
    definition: t.field({
      type: AttributeDefinitionRef,
      nullable: true,
      description: 'Its definition; null for an untyped key (stored without one).',
      resolve: (a) => a.definition,
    }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The stored (normalized) value; null when not set.',
      resolve: (a) => a.value,
    }),
    displayValue: t.exposeString('displayValue', {
      description:
        'The value as text for people (en-US, UTC): numbers grouped, dates spelled out, ' +
        'booleans Yes/No, selections joined with ", "; "" when not set.',
    }),
  }),
});

builder.objectFields(ContactRef, (t) => ({
  profiles: t.field({
    type: [ProfileRef],
    description: 'The contact’s profiles: the default one first, then the adopted ones by slug.',
    resolve: async (c, _args, ctx) => contactProfiles(await ctx.db.attributeSchema(), c),
  }),
  attributes: t.field({
    type: [ContactAttributeRef],
    description:
      'Typed custom attributes: every active definition of the contact’s profiles (value null ' +
      'when not set), then every other stored key (untyped ones with definition null); ordered ' +
      'by definition position, then key.',
    args: {
      includeArchived: t.arg.boolean({
        defaultValue: false,
        description: 'Also the values of archived definitions.',
      }),
    },
    resolve: async (c, args, ctx) =>
      contactAttributes(await ctx.db.attributeSchema(), c, args.includeArchived ?? false),
  }),
}));

builder.queryFields((t) => ({
  attributeDefinitions: t.field({
    type: [AttributeDefinitionRef],
    description: 'The workspace’s attribute definitions, by position then key.',
    args: {
      includeArchived: t.arg.boolean({
        defaultValue: false,
        description: 'Include archived definitions.',
      }),
    },
    resolve: async (_root, args, ctx) => {
      const schema = await ctx.db.attributeSchema();
      return schema.definitions.filter((d) => args.includeArchived || d.archivedAt === null);
    },
  }),
  attributeDefinition: t.field({
    type: AttributeDefinitionRef,
    nullable: true,
    description: 'One attribute definition by key (archived ones too); null when there is none.',
    args: { key: t.arg.string({ required: true, description: 'The attribute key.' }) },
    resolve: async (_root, args, ctx) =>
      (await ctx.db.attributeSchema()).byKey.get(args.key) ?? null,
  }),
  profiles: t.field({
    type: [ProfileRef],
    description: 'The workspace’s profiles: the default one first, then by slug.',
    resolve: async (_root, _args, ctx) => (await ctx.db.attributeSchema()).profiles,
  }),
  profile: t.field({
    type: ProfileRef,
    nullable: true,
    description: 'One profile by slug; null when there is none.',
    args: { slug: t.arg.string({ required: true, description: 'The profile’s slug.' }) },
    resolve: async (_root, args, ctx) =>
      (await ctx.db.attributeSchema()).bySlug.get(args.slug) ?? null,
  }),
}));
