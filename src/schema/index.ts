import { builder } from './builder.js';
import './errors.js';
import './attributes.js';
import './attribute-mutations.js';
import './contact.js';
import './contact-mutations.js';
import './contact-batch.js';
import './contact-event.js';
import './contact-bulk-actions.js';
import './conversation.js';
import './conversation-mutations.js';
import './label.js';
import './label-mutations.js';
import './message.js';
import './organization.js';
import './organization-mutations.js';
import './segment.js';
import './segment-mutations.js';
import './template.js';
import './viewer.js';

/** The whole GraphQL schema; each domain file adds its types and root fields. */
export const schema = builder.toSchema({ sortSchema: true });
