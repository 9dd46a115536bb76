import type { Workspace } from '../db/schema.js';
import { builder } from './builder.js';

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
