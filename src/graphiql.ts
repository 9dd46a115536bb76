/** GraphiQL's first tab: a tour of the read API and the event stream, runnable on the demo data. */
export const EXAMPLE_OPERATIONS = /* GraphQL */ `# Welcome to contactgraph. Every request needs the header
#   Authorization: Bearer <your API key>
# (prefilled below when you opened the link printed by \`npm start\`).
# Pick an operation with the ▶ button.

query Viewer {
  viewer { workspace { name } scopes }
}

# A searchable, sortable contact table with organization and labels.
query ContactTable($after: String) {
  contacts(first: 20, after: $after, search: "an", orderBy: [{ field: LAST_ACTIVITY_AT, direction: DESC }]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id name email phone type lastActivityAt
        organization { name domain }
        labels { name color }
      }
    }
  }
}

# A contact card: the contact, its organization, labels and latest conversations.
query ContactCard {
  contacts(first: 1, filter: { email: { isNull: false }, organizationId: { isNull: false } }) {
    edges {
      node {
        id name email phone customAttributes createdAt
        organization { name domain }
        labels { name }
        conversations(first: 5) { totalCount edges { node { channel status subject lastActivityAt } } }
      }
    }
  }
}

# Filters compose: label sets, attributes, dates, and/or/not.
query Filtered {
  contacts(first: 10, filter: {
    or: [
      { attributes: [{ key: "plan", eq: "enterprise" }] }
      { attributes: [{ key: "lifetime_value", gte: 5000 }] }
    ]
    not: { blocked: true }
    createdAt: { gte: "2020-01-01T00:00:00Z" }
  }) {
    totalCount
    edges { node { name customAttributes } }
  }
}

# The workspace's attribute schema: typed definitions grouped into profiles.
query AttributeSchema {
  attributeDefinitions { key name type options required profiles { slug } }
  profiles { slug name attributes { key } }
}

# Typed filters and sorts: numbers compare as numbers, dates as dates.
query TopCustomers {
  contacts(first: 10,
    filter: { attributes: [{ key: "plan", in: ["pro", "enterprise"] }, { key: "signup_date", gte: "2025-01-01" }] }
    orderBy: [{ field: CUSTOM_ATTRIBUTE, attributeKey: "lifetime_value", direction: DESC }]) {
    edges { node { name attributes { key displayValue } } }
  }
}

# Segments are saved filters: live audiences with their members and count.
query Segments {
  segments(first: 10) {
    edges { node { name description filter count contacts(first: 5) { edges { node { name } } } } }
  }
}

# Render a message template against a contact (typed formatting; unknown placeholders are
# errors). Set $contactId in the Variables pane to an id from ContactTable.
query Template($contactId: ID!) {
  renderTemplate(contactId: $contactId,
    template: "Hi {{contact.name}}, your {{contact.attr.plan}} plan renews soon.") {
    __typename
    ... on RenderTemplateSuccess { text }
    ... on ValidationError { fieldErrors { path message } }
  }
}

query Organizations {
  organizations(first: 5, orderBy: [{ field: NAME, direction: ASC }]) {
    edges { node { name domain contacts(first: 3) { totalCount edges { node { name } } } } }
  }
}

query Labels {
  labels(first: 20) { edges { node { id name color contacts(first: 0) { totalCount } } } }
}

query OpenConversations {
  conversations(first: 10, filter: { status: [OPEN, PENDING] }) {
    edges { node { channel status subject contact { name email } } }
  }
}

# The contact event stream, newest page; headCursor is where the stream stands now.
query RecentEvents {
  contactEvents(last: 10) {
    headCursor
    edges { cursor node { type occurredAt contactId changes { field before after } } }
  }
}

# Live events: run it, then change a contact (another tab, or the CLI). To resume after a
# disconnect, pass the last cursor you received as $after: nothing is missed or repeated.
subscription ContactEvents($after: String) {
  contactEvents(after: $after, fields: ["name", "email", "phone"]) {
    cursor type contactId changes { field before after } contact { name email }
  }
}

# Audience sync: the events of one segment's contacts, and which segments a change moved the
# contact into or out of. Take the segment's id from the Segments query.
subscription SegmentAudience($segmentId: ID!, $after: String) {
  contactEvents(segmentId: $segmentId, after: $after) {
    cursor type contactId segmentsEntered { name } segmentsLeft { name }
  }
}
`;
