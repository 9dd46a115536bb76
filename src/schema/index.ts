import { builder } from './builder.js';
import './errors.js';
import './contact.js';
import './contact-mutations.js';
import './conversation.js';
import './label.js';
import './organization.js';
import './viewer.js';

/** The whole GraphQL schema; each domain file adds its types and root fields. */
export const schema = builder.toSchema({ sortSchema: true });
