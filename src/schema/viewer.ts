import type { Workspace } from '../db/schema.js';
import { updateWorkspace } from '../resolvers/workspace-mutations.js';
import { UnknownAttributesPolicyEnum } from './attributes.js';
import { builder } from './builder.js';
import { ValidationError } from './errors.js';

const Scope = builder.enumType('ApiKeyScope', {
  description: 'What an API key may do. `write` includes `read`; `admin` includes both.',
  values: {
    READ: { description: 'Read contacts and everything around them.' },
    WRITE: { description: 'Create, change and delete.' },
    ADMIN: { description: 'Manage the workspace itself.' },
  },
});

const WorkspaceRef = builder.objectRef<Workspace>('Workspace').implement({
  description: 'The tenant: everything belongs to exactly one workspace.',
  fields: (t) => ({
    id: t.globalID({
      description: 'Global ID of the workspace.',
      resolve: (w) => ({ type: 'Workspace', id: w.id }),
    }),
    name: t.exposeString('name', { description: 'Display name.' }),
    defaultPhoneRegion: t.exposeString('defaultPhoneRegion', {
      nullable: true,
      description: 'ISO country code used to read phone numbers written without a country code.',
    }),
    unknownAttributes: t.field({
      type: UnknownAttributesPolicyEnum,
      description: 'What contact writes do with custom attribute keys that have no definition.',
      resolve: (w) => w.unknownAttributes,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
  }),
});

const ViewerRef = builder
  .objectRef<{ workspace: Workspace; scopes: string[] }>('Viewer')
  .implement({
    description: 'Who is calling: the API key’s workspace and scopes.',
    fields: (t) => ({
      workspace: t.field({
        type: WorkspaceRef,
        description: 'The key’s workspace.',
        resolve: (v) => v.workspace,
      }),
      scopes: t.field({
        type: [Scope],
        description: 'The key’s scopes.',
        resolve: (v) => v.scopes.map((s) => s.toUpperCase() as 'READ' | 'WRITE' | 'ADMIN'),
      }),
    }),
  });

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'The workspace of the API key making the request.',
    resolve: async (_root, _args, ctx) => {
      const workspace = await ctx.db.workspace();
      if (!workspace) throw new Error('The key’s workspace no longer exists');
      return { workspace, scopes: [...ctx.principal.scopes] };
    },
  }),
);

const UpdateWorkspaceInput = builder.inputType('UpdateWorkspaceInput', {
  description: 'Changes to the caller’s workspace: fields left out stay.',
  fields: (t) => ({
    name: t.string({ description: 'Display name, 1-200 characters.' }),
    defaultPhoneRegion: t.string({
      description:
        'ISO country code (e.g. FR) for phone numbers written without a country code; null removes it.',
    }),
    unknownAttributes: t.field({
      type: UnknownAttributesPolicyEnum,
      description:
        'STORE keeps custom attribute keys without a definition as untyped JSON; REJECT refuses them.',
    }),
  }),
});

const UpdateWorkspaceSuccess = builder
  .objectRef<{ workspace: Workspace }>('UpdateWorkspaceSuccess')
  .implement({
    description: 'The workspace after the change.',
    fields: (t) => ({
      workspace: t.field({
        type: WorkspaceRef,
        description: 'The workspace.',
        resolve: (p) => p.workspace,
      }),
    }),
  });

builder.mutationField('updateWorkspace', (t) =>
  t.field({
    type: UpdateWorkspaceSuccess,
    description: 'Changes the workspace of the API key; needs the `admin` scope.',
    authScopes: { admin: true },
    errors: {
      types: [ValidationError],
      directResult: true,
      union: { name: 'UpdateWorkspaceResult', description: 'What updateWorkspace did.' },
    },
    args: {
      input: t.arg({ type: UpdateWorkspaceInput, required: true, description: 'What to change.' }),
    },
    resolve: (_root, { input }, ctx) => updateWorkspace(ctx, input),
  }),
);
