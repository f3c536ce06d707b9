/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation AddComment($input: AddCommentInput!) {\n  addComment(input: $input) {\n    ... on AddCommentPayload {\n      comment {\n        id\n        body\n        visibility\n        author {\n          name\n        }\n        createdAt\n      }\n      ticket {\n        version\n      }\n    }\n    ... on ValidationError {\n      field\n      message\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.AddCommentDocument,
    "subscription Dashboard($team: ID!, $after: String) {\n  ticketEvents(\n    filter: {teamId: $team, statuses: [NOT_STARTED, TEAM_CHECKING]}\n    after: $after\n  ) {\n    cursor\n    type\n    fromStatus\n    toStatus\n    at\n    actor {\n      name\n    }\n    ticket {\n      number\n      status\n      priority\n    }\n  }\n}": typeof types.DashboardDocument,
    "query Health {\n  health\n}": typeof types.HealthDocument,
    "mutation Intake($input: CreateTicketInput!) {\n  createTicket(input: $input) {\n    ... on CreateTicketPayload {\n      ticket {\n        id\n        number\n        status\n        version\n        team {\n          name\n        }\n      }\n    }\n    ... on ValidationError {\n      field\n      message\n      issues {\n        field\n        message\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.IntakeDocument,
    "query OpenCases($team: ID!, $after: String) {\n  tickets(\n    first: 50\n    after: $after\n    orderBy: PRIORITY\n    filter: {teamId: $team, status: [NOT_STARTED, TEAM_CHECKING]}\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        number\n        title\n        priority\n        status\n        version\n        availableTransitions\n        team {\n          name\n        }\n        assignee {\n          name\n        }\n        tags\n        requester {\n          name\n          maskedContact\n        }\n        comments(last: 3) {\n          edges {\n            node {\n              body\n              author {\n                name\n              }\n              createdAt\n            }\n          }\n        }\n      }\n    }\n  }\n}": typeof types.OpenCasesDocument,
    "mutation SignIn($input: LoginInput!) {\n  login(input: $input) {\n    ... on LoginPayload {\n      token\n      user {\n        id\n        name\n        role\n      }\n    }\n    ... on InvalidCredentialsError {\n      code\n      message\n    }\n    ... on RateLimitedError {\n      code\n      message\n      retryAfterSeconds\n    }\n  }\n}": typeof types.SignInDocument,
    "subscription SlaAlerts($priorities: [Priority!]) {\n  slaAlerts(filter: {priorities: $priorities}) {\n    id\n    kind\n    target\n    dueAt\n    ticket {\n      number\n    }\n  }\n}": typeof types.SlaAlertsDocument,
    "mutation Submit($id: ID!, $version: Int!) {\n  transitionTicket(input: {id: $id, to: NOT_STARTED, expectedVersion: $version}) {\n    ... on TransitionTicketPayload {\n      ticket {\n        status\n        version\n      }\n    }\n    ... on InvalidTransitionError {\n      message\n      allowed\n    }\n    ... on VersionConflictError {\n      currentVersion\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.SubmitDocument,
};
const documents: Documents = {
    "mutation AddComment($input: AddCommentInput!) {\n  addComment(input: $input) {\n    ... on AddCommentPayload {\n      comment {\n        id\n        body\n        visibility\n        author {\n          name\n        }\n        createdAt\n      }\n      ticket {\n        version\n      }\n    }\n    ... on ValidationError {\n      field\n      message\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.AddCommentDocument,
    "subscription Dashboard($team: ID!, $after: String) {\n  ticketEvents(\n    filter: {teamId: $team, statuses: [NOT_STARTED, TEAM_CHECKING]}\n    after: $after\n  ) {\n    cursor\n    type\n    fromStatus\n    toStatus\n    at\n    actor {\n      name\n    }\n    ticket {\n      number\n      status\n      priority\n    }\n  }\n}": types.DashboardDocument,
    "query Health {\n  health\n}": types.HealthDocument,
    "mutation Intake($input: CreateTicketInput!) {\n  createTicket(input: $input) {\n    ... on CreateTicketPayload {\n      ticket {\n        id\n        number\n        status\n        version\n        team {\n          name\n        }\n      }\n    }\n    ... on ValidationError {\n      field\n      message\n      issues {\n        field\n        message\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.IntakeDocument,
    "query OpenCases($team: ID!, $after: String) {\n  tickets(\n    first: 50\n    after: $after\n    orderBy: PRIORITY\n    filter: {teamId: $team, status: [NOT_STARTED, TEAM_CHECKING]}\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        number\n        title\n        priority\n        status\n        version\n        availableTransitions\n        team {\n          name\n        }\n        assignee {\n          name\n        }\n        tags\n        requester {\n          name\n          maskedContact\n        }\n        comments(last: 3) {\n          edges {\n            node {\n              body\n              author {\n                name\n              }\n              createdAt\n            }\n          }\n        }\n      }\n    }\n  }\n}": types.OpenCasesDocument,
    "mutation SignIn($input: LoginInput!) {\n  login(input: $input) {\n    ... on LoginPayload {\n      token\n      user {\n        id\n        name\n        role\n      }\n    }\n    ... on InvalidCredentialsError {\n      code\n      message\n    }\n    ... on RateLimitedError {\n      code\n      message\n      retryAfterSeconds\n    }\n  }\n}": types.SignInDocument,
    "subscription SlaAlerts($priorities: [Priority!]) {\n  slaAlerts(filter: {priorities: $priorities}) {\n    id\n    kind\n    target\n    dueAt\n    ticket {\n      number\n    }\n  }\n}": types.SlaAlertsDocument,
    "mutation Submit($id: ID!, $version: Int!) {\n  transitionTicket(input: {id: $id, to: NOT_STARTED, expectedVersion: $version}) {\n    ... on TransitionTicketPayload {\n      ticket {\n        status\n        version\n      }\n    }\n    ... on InvalidTransitionError {\n      message\n      allowed\n    }\n    ... on VersionConflictError {\n      currentVersion\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.SubmitDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AddComment($input: AddCommentInput!) {\n  addComment(input: $input) {\n    ... on AddCommentPayload {\n      comment {\n        id\n        body\n        visibility\n        author {\n          name\n        }\n        createdAt\n      }\n      ticket {\n        version\n      }\n    }\n    ... on ValidationError {\n      field\n      message\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): (typeof documents)["mutation AddComment($input: AddCommentInput!) {\n  addComment(input: $input) {\n    ... on AddCommentPayload {\n      comment {\n        id\n        body\n        visibility\n        author {\n          name\n        }\n        createdAt\n      }\n      ticket {\n        version\n      }\n    }\n    ... on ValidationError {\n      field\n      message\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription Dashboard($team: ID!, $after: String) {\n  ticketEvents(\n    filter: {teamId: $team, statuses: [NOT_STARTED, TEAM_CHECKING]}\n    after: $after\n  ) {\n    cursor\n    type\n    fromStatus\n    toStatus\n    at\n    actor {\n      name\n    }\n    ticket {\n      number\n      status\n      priority\n    }\n  }\n}"): (typeof documents)["subscription Dashboard($team: ID!, $after: String) {\n  ticketEvents(\n    filter: {teamId: $team, statuses: [NOT_STARTED, TEAM_CHECKING]}\n    after: $after\n  ) {\n    cursor\n    type\n    fromStatus\n    toStatus\n    at\n    actor {\n      name\n    }\n    ticket {\n      number\n      status\n      priority\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Health {\n  health\n}"): (typeof documents)["query Health {\n  health\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Intake($input: CreateTicketInput!) {\n  createTicket(input: $input) {\n    ... on CreateTicketPayload {\n      ticket {\n        id\n        number\n        status\n        version\n        team {\n          name\n        }\n      }\n    }\n    ... on ValidationError {\n      field\n      message\n      issues {\n        field\n        message\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): (typeof documents)["mutation Intake($input: CreateTicketInput!) {\n  createTicket(input: $input) {\n    ... on CreateTicketPayload {\n      ticket {\n        id\n        number\n        status\n        version\n        team {\n          name\n        }\n      }\n    }\n    ... on ValidationError {\n      field\n      message\n      issues {\n        field\n        message\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OpenCases($team: ID!, $after: String) {\n  tickets(\n    first: 50\n    after: $after\n    orderBy: PRIORITY\n    filter: {teamId: $team, status: [NOT_STARTED, TEAM_CHECKING]}\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        number\n        title\n        priority\n        status\n        version\n        availableTransitions\n        team {\n          name\n        }\n        assignee {\n          name\n        }\n        tags\n        requester {\n          name\n          maskedContact\n        }\n        comments(last: 3) {\n          edges {\n            node {\n              body\n              author {\n                name\n              }\n              createdAt\n            }\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query OpenCases($team: ID!, $after: String) {\n  tickets(\n    first: 50\n    after: $after\n    orderBy: PRIORITY\n    filter: {teamId: $team, status: [NOT_STARTED, TEAM_CHECKING]}\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        number\n        title\n        priority\n        status\n        version\n        availableTransitions\n        team {\n          name\n        }\n        assignee {\n          name\n        }\n        tags\n        requester {\n          name\n          maskedContact\n        }\n        comments(last: 3) {\n          edges {\n            node {\n              body\n              author {\n                name\n              }\n              createdAt\n            }\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SignIn($input: LoginInput!) {\n  login(input: $input) {\n    ... on LoginPayload {\n      token\n      user {\n        id\n        name\n        role\n      }\n    }\n    ... on InvalidCredentialsError {\n      code\n      message\n    }\n    ... on RateLimitedError {\n      code\n      message\n      retryAfterSeconds\n    }\n  }\n}"): (typeof documents)["mutation SignIn($input: LoginInput!) {\n  login(input: $input) {\n    ... on LoginPayload {\n      token\n      user {\n        id\n        name\n        role\n      }\n    }\n    ... on InvalidCredentialsError {\n      code\n      message\n    }\n    ... on RateLimitedError {\n      code\n      message\n      retryAfterSeconds\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription SlaAlerts($priorities: [Priority!]) {\n  slaAlerts(filter: {priorities: $priorities}) {\n    id\n    kind\n    target\n    dueAt\n    ticket {\n      number\n    }\n  }\n}"): (typeof documents)["subscription SlaAlerts($priorities: [Priority!]) {\n  slaAlerts(filter: {priorities: $priorities}) {\n    id\n    kind\n    target\n    dueAt\n    ticket {\n      number\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Submit($id: ID!, $version: Int!) {\n  transitionTicket(input: {id: $id, to: NOT_STARTED, expectedVersion: $version}) {\n    ... on TransitionTicketPayload {\n      ticket {\n        status\n        version\n      }\n    }\n    ... on InvalidTransitionError {\n      message\n      allowed\n    }\n    ... on VersionConflictError {\n      currentVersion\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): (typeof documents)["mutation Submit($id: ID!, $version: Int!) {\n  transitionTicket(input: {id: $id, to: NOT_STARTED, expectedVersion: $version}) {\n    ... on TransitionTicketPayload {\n      ticket {\n        status\n        version\n      }\n    }\n    ... on InvalidTransitionError {\n      message\n      allowed\n    }\n    ... on VersionConflictError {\n      currentVersion\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;