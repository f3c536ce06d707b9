/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A note or reply. */
export type AddCommentInput = {
  /** Text, up to 10,000 characters. */
  body: string;
  /** The case. */
  ticketId: string | number;
  /** INTERNAL (default) or PUBLIC. */
  visibility?: CommentVisibility | null | undefined;
};

/** Metadata of a file stored elsewhere. */
export type AttachmentInput = {
  /** Media type, e.g. image/png. */
  kind: string;
  /** File name. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Where the file can be fetched. */
  url?: string | null | undefined;
};

/** Where the customer reached us. */
export type Channel =
  /** Another system, through the API. */
  | 'API'
  /** The mobile app. */
  | 'APP'
  /** A chat tool such as Intercom. */
  | 'CHAT'
  /** E-mail. */
  | 'EMAIL'
  /** A WeChat mini program. */
  | 'MINI_PROGRAM'
  /** A phone call. */
  | 'PHONE'
  /** A Slack channel. */
  | 'SLACK'
  /** The web site or web chat. */
  | 'WEB'
  /** WeChat official account. */
  | 'WECHAT'
  /** Weibo. */
  | 'WEIBO';

/** Who a comment is for. */
export type CommentVisibility =
  /** Staff only. */
  | 'INTERNAL'
  /** A reply the customer sees. */
  | 'PUBLIC';

/** A new case. It starts in NEW; moving on needs accountId, externalRef, description, details and a team. */
export type CreateTicketInput = {
  /** The customer's account ID. */
  accountId: string;
  /** A member of the owning team. */
  assigneeId?: string | number | null | undefined;
  /** Files attached. */
  attachments?: Array<AttachmentInput> | null | undefined;
  /** Where the customer reached us. */
  channel: Channel;
  /** Brief statement with keywords (≤ 2,000 characters). */
  description?: string | null | undefined;
  /** Everything the customer tried and said (≤ 20,000 characters). */
  details?: string | null | undefined;
  /** When the customer must have an answer. */
  dueAt?: string | null | undefined;
  /** The front-line ticket in the chat or e-mail tool. */
  externalRef?: string | null | undefined;
  /** A retry with the same key returns the case the first attempt created. */
  idempotencyKey?: string | null | undefined;
  /** A practice case for training: fully workable, never counted in reports, SLA attainment, live metrics, exports or webhooks. Fixed at creation. */
  practice?: boolean | null | undefined;
  /** Urgency. */
  priority: Priority;
  /** The customer. */
  requester?: RequesterInput | null | undefined;
  /** Incident severity 0-4. */
  severity?: number | null | undefined;
  /** Finer kind, e.g. refund. */
  subcategory?: string | null | undefined;
  /** Tags; new names are created. */
  tags?: Array<string> | null | undefined;
  /** Owning team; routing rules pick one when omitted. */
  teamId?: string | number | null | undefined;
  /** Must contain the account ID, plus a short statement. */
  title: string;
  /** Kind of request; routes the case when no team is given. */
  type: TicketType;
};

/** Machine-readable kind of an expected failure. */
export type ErrorCode =
  /** The viewer may not do this. */
  | 'FORBIDDEN'
  /** Wrong e-mail or password. */
  | 'INVALID_CREDENTIALS'
  /** The workflow does not allow this status change. */
  | 'INVALID_TRANSITION'
  /** The object does not exist or is hidden from the viewer. */
  | 'NOT_FOUND'
  /** Too many attempts; `retryAfterSeconds` says when to try again. */
  | 'RATE_LIMITED'
  /** The survey link is wrong, expired or already used. */
  | 'SURVEY_UNAVAILABLE'
  /** The input was refused; `field` names what to fix. */
  | 'VALIDATION'
  /** The case changed since the client read it. */
  | 'VERSION_CONFLICT';

/** Credentials of a person. */
export type LoginInput = {
  /** Sign-in e-mail address. */
  email: string;
  /** Password. */
  password: string;
};

/** How urgent a case is; decides its SLA targets. */
export type Priority =
  /** The customer cannot use the product, wide impact, or regulator/media. */
  | 'HIGH'
  /** Suggestion, feedback or routine question. */
  | 'LOW'
  /** The customer can still use the product; a single user's fault. */
  | 'MEDIUM';

/** The customer. */
export type RequesterInput = {
  /** Phone number or e-mail; stored encrypted, shown masked. */
  contact?: string | null | undefined;
  /** Nickname or name. */
  name?: string | null | undefined;
};

/** What a person may do. Each role includes the ones before it. */
export type Role =
  /** Manages users, teams, tokens and policies. */
  | 'ADMIN'
  /** Front line: creates cases and talks to customers. */
  | 'AGENT'
  /** Sees all teams and reports. */
  | 'MANAGER'
  /** Leads a team: reassigns, escalates, archives. */
  | 'SUPERVISOR';

/** What an SLA alert announces. */
export type SlaAlertKind =
  /** The target was missed. */
  | 'BREACH'
  /** The target is due soon. */
  | 'WARNING';

/** Which promise a target measures. */
export type SlaTargetKind =
  /** The owning team picks the case up or replies publicly. */
  | 'FIRST_RESPONSE'
  /** While waiting on the customer, someone contacts them at least this often. */
  | 'FOLLOW_UP'
  /** The customer gets an answer; paused while waiting on the customer. */
  | 'RESOLUTION';

/** What kind of change an audit event records. */
export type TicketEventType =
  /** The assignee changed. */
  | 'ASSIGNED'
  /** A comment or reply was added. */
  | 'COMMENTED'
  /** The case was created. */
  | 'CREATED'
  /** The case moved to another support tier. */
  | 'ESCALATED'
  /** The case was imported from a CSV file, with its original creation time, status and number when kept. */
  | 'IMPORTED'
  /** The case was linked to an incident. */
  | 'INCIDENT_LINKED'
  /** A macro was applied; its changes follow as their own events. */
  | 'MACRO_APPLIED'
  /** A held reply was approved and sent to the customer (a COMMENTED event follows). */
  | 'REPLY_APPROVED'
  /** A public reply of someone under review was held for their mentor; the customer does not see it yet. */
  | 'REPLY_HELD'
  /** A held reply was sent back to its author; the reason is the note. */
  | 'REPLY_REJECTED'
  /** A routing rule, tag trigger or time-in-status automation changed the case. */
  | 'RULE_FIRED'
  /** A rule that would undo another rule's change was stopped. */
  | 'RULE_LOOP_STOPPED'
  /** An SLA target was missed. */
  | 'SLA_BREACHED'
  /** An SLA target is about to be missed. */
  | 'SLA_WARNING'
  /** The case moved in the workflow. */
  | 'STATUS_CHANGED'
  /** The customer answered the satisfaction survey. */
  | 'SURVEY_ANSWERED'
  /** The case's swarm was closed. */
  | 'SWARM_CLOSED'
  /** A swarm was opened on the case. */
  | 'SWARM_STARTED'
  /** Tags were added or removed. */
  | 'TAGGED'
  /** Fields of the case changed. */
  | 'UPDATED';

/** Where a case is in the workflow. Cases move through these in order. */
export type TicketStatus =
  /** Archived. */
  | 'BACKLOG'
  /** The customer has the final answer. */
  | 'DONE'
  /** The team has an answer; the agent tells the customer. */
  | 'INFORM_CUSTOMER'
  /** Being written; moving on needs the mandatory fields. */
  | 'NEW'
  /** The owning team is notified; nobody has picked it up. */
  | 'NOT_STARTED'
  /** The owning team is working on it. */
  | 'TEAM_CHECKING';

/** What kind of request a case is; routing uses it. */
export type TicketType =
  /** The customer is unhappy with something. */
  | 'COMPLAINT'
  /** A question. */
  | 'INQUIRY'
  /** An idea or feedback for the product. */
  | 'SUGGESTION'
  /** Something is broken. */
  | 'TECHNICAL_FAULT';

export type AddCommentMutationVariables = Exact<{
  input: AddCommentInput;
}>;


export type AddCommentMutation = { addComment:
    | { comment: { id: string, body: string, visibility: CommentVisibility, createdAt: string, author: { name: string } }, ticket: { version: number } }
    | { code: ErrorCode, message: string }
    | { code: ErrorCode, message: string }
    | { code: ErrorCode, message: string }
    | { field: string, message: string, code: ErrorCode }
    | { code: ErrorCode, message: string }
   };

export type DashboardSubscriptionVariables = Exact<{
  team: string | number;
  after?: string | null | undefined;
}>;


export type DashboardSubscription = { ticketEvents: { cursor: string, type: TicketEventType, fromStatus: TicketStatus | null, toStatus: TicketStatus | null, at: string, actor: { name: string }, ticket: { number: string, status: TicketStatus, priority: Priority } } };

export type HealthQueryVariables = Exact<{ [key: string]: never; }>;


export type HealthQuery = { health: string };

export type IntakeMutationVariables = Exact<{
  input: CreateTicketInput;
}>;


export type IntakeMutation = { createTicket:
    | { ticket: { id: string, number: string, status: TicketStatus, version: number, team: { name: string } | null } }
    | { code: ErrorCode, message: string }
    | { code: ErrorCode, message: string }
    | { code: ErrorCode, message: string }
    | { field: string, message: string, code: ErrorCode, issues: Array<{ field: string, message: string }> }
    | { code: ErrorCode, message: string }
   };

export type OpenCasesQueryVariables = Exact<{
  team: string | number;
  after?: string | null | undefined;
}>;


export type OpenCasesQuery = { tickets: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, number: string, title: string, priority: Priority, status: TicketStatus, version: number, availableTransitions: Array<TicketStatus>, tags: Array<string>, team: { name: string } | null, assignee: { name: string } | null, requester: { name: string | null, maskedContact: string | null } | null, comments: { edges: Array<{ node: { body: string, createdAt: string, author: { name: string } } }> } } }> } };

export type SignInMutationVariables = Exact<{
  input: LoginInput;
}>;


export type SignInMutation = { login:
    | { code: ErrorCode, message: string }
    | { token: string, user: { id: string, name: string, role: Role } }
    | { code: ErrorCode, message: string, retryAfterSeconds: number }
   };

export type SlaAlertsSubscriptionVariables = Exact<{
  priorities?: Array<Priority> | Priority | null | undefined;
}>;


export type SlaAlertsSubscription = { slaAlerts: { id: string, kind: SlaAlertKind, target: SlaTargetKind, dueAt: string, ticket: { number: string } } };

export type SubmitMutationVariables = Exact<{
  id: string | number;
  version: number;
}>;


export type SubmitMutation = { transitionTicket:
    | { code: ErrorCode, message: string }
    | { message: string, allowed: Array<TicketStatus>, code: ErrorCode }
    | { code: ErrorCode, message: string }
    | { ticket: { status: TicketStatus, version: number } }
    | { code: ErrorCode, message: string }
    | { currentVersion: number, code: ErrorCode, message: string }
   };


export const AddCommentDocument = {"__meta__":{"hash":"sha256:1a28acd215b6bd8ddfbe73b17ef45fccb7a4960c54f524e52d7f04ae4711f0c7"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddComment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddCommentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addComment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AddCommentPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"comment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"visibility"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ticket"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AddCommentMutation, AddCommentMutationVariables>;
export const DashboardDocument = {"__meta__":{"hash":"sha256:a1428d101e8cebedef9c9ad3f4e9fe6dff977bc9de403142d5e0053c42eaf466"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"Dashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"team"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticketEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"teamId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"team"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"statuses"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"NOT_STARTED"},{"kind":"EnumValue","value":"TEAM_CHECKING"}]}}]}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"fromStatus"}},{"kind":"Field","name":{"kind":"Name","value":"toStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ticket"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardSubscription, DashboardSubscriptionVariables>;
export const HealthDocument = {"__meta__":{"hash":"sha256:63035b806592cc090294da79083bfd1e4a2a95ce3b552c61f6c4d0d4665f52ed"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"health"}}]}}]} as unknown as DocumentNode<HealthQuery, HealthQueryVariables>;
export const IntakeDocument = {"__meta__":{"hash":"sha256:1d1cba451bbc40a1c0a00b9dba84fb09ab8fef8c05525d84e020665ab2aed99e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Intake"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateTicketInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createTicket"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateTicketPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticket"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"team"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"issues"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<IntakeMutation, IntakeMutationVariables>;
export const OpenCasesDocument = {"__meta__":{"hash":"sha256:a91c7ded0ecdf266dce71644d85cb5e5291cd3d7a5e9460d8078b25b10ffae29"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OpenCases"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"team"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tickets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"EnumValue","value":"PRIORITY"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"teamId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"team"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"NOT_STARTED"},{"kind":"EnumValue","value":"TEAM_CHECKING"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"availableTransitions"}},{"kind":"Field","name":{"kind":"Name","value":"team"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maskedContact"}}]}},{"kind":"Field","name":{"kind":"Name","value":"comments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<OpenCasesQuery, OpenCasesQueryVariables>;
export const SignInDocument = {"__meta__":{"hash":"sha256:ea7a28cc22bf2ee9805be17aa649be875223f7f59c5acc0c6c0750932947d11a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoginPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidCredentialsError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RateLimitedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const SlaAlertsDocument = {"__meta__":{"hash":"sha256:972d7697e4e5216aa6fc9aaa65a18a2a066a95953d1ec4314d044d2f455ad23f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"SlaAlerts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"priorities"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Priority"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slaAlerts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"priorities"},"value":{"kind":"Variable","name":{"kind":"Name","value":"priorities"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"target"}},{"kind":"Field","name":{"kind":"Name","value":"dueAt"}},{"kind":"Field","name":{"kind":"Name","value":"ticket"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}}]}}]}}]}}]} as unknown as DocumentNode<SlaAlertsSubscription, SlaAlertsSubscriptionVariables>;
export const SubmitDocument = {"__meta__":{"hash":"sha256:70a39c339edb5a530a8b456d27d35456498f95368267468ba0b6f550ba9fce4f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Submit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"transitionTicket"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"to"},"value":{"kind":"EnumValue","value":"NOT_STARTED"}},{"kind":"ObjectField","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TransitionTicketPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticket"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidTransitionError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"allowed"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VersionConflictError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"currentVersion"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SubmitMutation, SubmitMutationVariables>;