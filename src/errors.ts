// Expected failures. Resolvers throw these; the schema turns each into a typed member
// of the mutation's result union. Anything else is unexpected and stays masked.
import type { TicketStatus } from "./generated/prisma/enums.js";

export const ERROR_CODES = {
  NOT_FOUND: "The object does not exist or is hidden from the viewer.",
  FORBIDDEN: "The viewer may not do this.",
  VALIDATION: "The input was refused; `field` names what to fix.",
  INVALID_TRANSITION: "The workflow does not allow this status change.",
  VERSION_CONFLICT: "The case changed since the client read it.",
  INVALID_CREDENTIALS: "Wrong e-mail or password.",
  SURVEY_UNAVAILABLE: "The survey link is wrong, expired or already used.",
  RATE_LIMITED: "Too many attempts; `retryAfterSeconds` says when to try again.",
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
}

export class NotFoundError extends DomainError {
  readonly code = "NOT_FOUND";
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} was not found`);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = "FORBIDDEN";
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** Bad input. `field` names the first offending input path; `issues` lists all of them. */
export class ValidationError extends DomainError {
  readonly code = "VALIDATION";
  readonly field: string;
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join("; "));
    this.field = issues[0]?.field ?? "input";
  }
  static of(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class InvalidTransitionError extends DomainError {
  readonly code = "INVALID_TRANSITION";
  constructor(
    readonly from: TicketStatus,
    readonly to: TicketStatus,
    readonly allowed: TicketStatus[],
    reason?: string,
  ) {
    super(
      `${reason ?? `Cannot move a case from ${from} to ${to}`}. ` +
        (allowed.length ? `Allowed next states: ${allowed.join(", ")}` : "No move is allowed from here"),
    );
  }
}

export class VersionConflictError extends DomainError {
  readonly code = "VERSION_CONFLICT";
  constructor(
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`The case changed meanwhile: you sent version ${expectedVersion}, it is now at ${currentVersion}. Reload and retry`);
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly code = "INVALID_CREDENTIALS";
  constructor() {
    super("Wrong e-mail or password");
  }
}

/** Too many failed attempts (logins) for now; nothing was checked. */
export class RateLimitedError extends DomainError {
  readonly code = "RATE_LIMITED";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed attempts; try again in ${retryAfterSeconds} s`);
  }
}

/** A survey link that is unknown, expired or already used; `message` says which. */
export class SurveyUnavailableError extends DomainError {
  readonly code = "SURVEY_UNAVAILABLE";
}
