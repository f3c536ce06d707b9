// The typed errors of the API. Every member implements `Error`, so a client can ask
// for `... on Error { message code }` on any result union and refine when it cares.
import {
  type DomainError,
  ERROR_CODES,
  type FieldIssue,
  ForbiddenError,
  InvalidCredentialsError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "../errors.js";
import { builder } from "./builder.js";
import { TicketStatusEnum } from "./enums.js";

export const ErrorCodeEnum = builder.enumType("ErrorCode", {
  description: "Machine-readable kind of an expected failure.",
  values: Object.fromEntries(Object.entries(ERROR_CODES).map(([code, description]) => [code, { description }])) as {
    [K in keyof typeof ERROR_CODES]: { description: string };
  },
});

export const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
  description: "An expected failure: the operation did nothing and says why.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What went wrong, for people." }),
    code: t.field({ type: ErrorCodeEnum, description: "What went wrong, for programs.", resolve: (e) => e.code }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  description: "The object does not exist, or the viewer may not see it.",
  interfaces: [ErrorInterface],
  fields: (t) => ({ id: t.exposeString("id", { description: "The id that was looked up." }) }),
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  description: "The viewer may see the object but not do this to it.",
  interfaces: [ErrorInterface],
});

const FieldIssueRef = builder.objectRef<FieldIssue>("FieldIssue").implement({
  description: "One problem with one input field.",
  fields: (t) => ({
    field: t.exposeString("field", { description: "Input path, e.g. `input.title`." }),
    message: t.exposeString("message", { description: "What is wrong with it." }),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: "The input was refused; nothing was written.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString("field", { description: "The first offending input field." }),
    issues: t.field({ type: [FieldIssueRef], description: "Every problem found.", resolve: (e) => e.issues }),
  }),
});

builder.objectType(InvalidTransitionError, {
  name: "InvalidTransitionError",
  description: "The workflow does not allow this move.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    from: t.field({ type: TicketStatusEnum, description: "The case's status.", resolve: (e) => e.from }),
    to: t.field({ type: TicketStatusEnum, description: "The status asked for.", resolve: (e) => e.to }),
    allowed: t.field({
      type: [TicketStatusEnum],
      description: "The moves this viewer may make from here.",
      resolve: (e) => e.allowed,
    }),
  }),
});

builder.objectType(VersionConflictError, {
  name: "VersionConflictError",
  description: "Someone changed the case after the client read it; reload and retry.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    expectedVersion: t.exposeInt("expectedVersion", { description: "The version the client sent." }),
    currentVersion: t.exposeInt("currentVersion", { description: "The case's version now." }),
  }),
});

builder.objectType(InvalidCredentialsError, {
  name: "InvalidCredentialsError",
  description: "The e-mail and password do not match an active user.",
  interfaces: [ErrorInterface],
});

/** The errors any write may return. */
export const commonErrors = [ValidationError, NotFoundError, ForbiddenError];
export const ticketWriteErrors = [...commonErrors, VersionConflictError, InvalidTransitionError];
