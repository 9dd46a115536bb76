import type { Kysely } from 'kysely';
import type {
  ContactSeed,
  ConversationSeed,
  LabelSeed,
  OrganizationSeed,
} from '../demo/generate.js';
import type { Database } from './schema.js';

export type GraphRows = {
  organizations: OrganizationSeed[];
  labels: LabelSeed[];
  contacts: ContactSeed[];
  conversations: ConversationSeed[];
};

const BATCH = 500;

function chunks<T>(rows: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Writes a generated graph into one workspace with multi-row INSERTs. Run it inside a
 * transaction (all or nothing). Fine for demo-sized data on either database.
 */
export async function insertGraph(
  tx: Kysely<Database>,
  workspaceId: string,
  graph: GraphRows,
): Promise<void> {
  {
    const orgIds: string[] = [];
    for (const batch of chunks(graph.organizations)) {
      const rows = await tx
        .insertInto('organizations')
        .values(
          batch.map((o) => ({
            workspaceId,
            name: o.name,
            domain: o.domain,
            customAttributes: JSON.stringify(o.customAttributes),
          })),
        )
        .returning('id')
        .execute();
      orgIds.push(...rows.map((r) => r.id));
    }
    const labelIds: string[] = [];
    for (const batch of chunks(graph.labels)) {
      const rows = await tx
        .insertInto('labels')
        .values(
          batch.map((l) => ({
            workspaceId,
            name: l.name,
            color: l.color,
            description: l.description,
          })),
        )
        .returning('id')
        .execute();
      labelIds.push(...rows.map((r) => r.id));
    }
    const contactIds: string[] = [];
    for (const batch of chunks(graph.contacts)) {
      const rows = await tx
        .insertInto('contacts')
        .values(
          batch.map((c) => ({
            workspaceId,
            externalId: c.externalId,
            name: c.name,
            givenName: c.givenName,
            lastName: c.lastName,
            email: c.email,
            phone: c.phone,
            avatarUrl: c.avatarUrl,
            timezone: c.timezone,
            location: c.location,
            countryCode: c.countryCode,
            blocked: c.blocked,
            organizationId: c.organization === null ? null : (orgIds[c.organization] ?? null),
            customAttributes: JSON.stringify(c.customAttributes),
            createdAt: c.createdAt,
            updatedAt: c.updatedAt,
            lastActivityAt: c.lastActivityAt,
          })),
        )
        .returning('id')
        .execute();
      contactIds.push(...rows.map((r) => r.id));
    }
    const links = graph.contacts.flatMap((c, i) =>
      c.labels.map((l) => ({
        workspaceId,
        contactId: contactIds[i] as string,
        labelId: labelIds[l] as string,
      })),
    );
    for (const batch of chunks(links)) await tx.insertInto('contactLabels').values(batch).execute();
    for (const batch of chunks(graph.conversations)) {
      await tx
        .insertInto('conversations')
        .values(
          batch.map((c) => ({
            workspaceId,
            contactId: contactIds[c.contact] as string,
            channel: c.channel,
            status: c.status,
            subject: c.subject,
            createdAt: c.createdAt,
            updatedAt: c.lastActivityAt,
            lastActivityAt: c.lastActivityAt,
            resolvedAt: c.status === 'RESOLVED' ? c.lastActivityAt : null,
          })),
        )
        .execute();
    }
  }
}
