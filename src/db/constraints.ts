/**
 * PostgreSQL constraint violations, read in one place. Unique indexes and foreign keys are the
 * race-free arbiters of conflicts and references; callers turn these into typed errors.
 */
export type Violation =
  | { kind: 'unique'; constraint: string; field: string }
  | { kind: 'reference'; constraint: string; field: string };

const UNIQUE_FIELDS: Record<string, string> = {
  contacts_external_id_unique: 'externalId',
  contacts_email_unique: 'email',
  contacts_phone_unique: 'phone',
  organizations_name_unique: 'name',
  organizations_domain_unique: 'domain',
  labels_name_unique: 'name',
  segments_name_unique: 'name',
  attribute_definitions_workspace_id_key_key: 'key',
  profiles_workspace_id_slug_key: 'slug',
};

const REFERENCE_FIELDS: Record<string, string> = {
  contacts_workspace_id_organization_id_fkey: 'organizationId',
  contact_labels_workspace_id_label_id_fkey: 'labelIds',
  contact_labels_workspace_id_contact_id_fkey: 'contactId',
  conversations_workspace_id_contact_id_fkey: 'contactId',
};

export function violationOf(error: unknown): Violation | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (typeof constraint !== 'string') return undefined;
  if (code === '23505' && UNIQUE_FIELDS[constraint]) {
    return { kind: 'unique', constraint, field: UNIQUE_FIELDS[constraint] };
  }
  if (code === '23503' && REFERENCE_FIELDS[constraint]) {
    return { kind: 'reference', constraint, field: REFERENCE_FIELDS[constraint] };
  }
  return undefined;
}
