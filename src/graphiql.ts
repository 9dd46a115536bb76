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
      { attributes: [{ key: "lifetimeValue", gte: 5000 }] }
    ]
    not: { blocked: true }
    createdAt: { gte: "2020-01-01T00:00:00Z" }
  }) {
    totalCount
    edges { node { name customAttributes } }
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
`;
