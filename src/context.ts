// Everything a resolver may use for one request (or one subscription): who is asking,
// the database, the clock, per-request loaders and the event bus.
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import type { LoginThrottle } from "./auth/login-throttle.js";
import type { ContactCipher } from "./auth/secrets.js";
import type { Clock } from "./clock.js";
import type { Viewer } from "./domain/access.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import type { CredentialWatch } from "./realtime/credentials.js";
import type { LiveMetrics } from "./realtime/live-metrics.js";
import type { Realtime } from "./realtime/pubsub.js";

/** Long-lived parts of the app that every request shares. */
export interface AppServices {
  prisma: PrismaClient;
  clock: Clock;
  cipher: ContactCipher;
  realtime: Realtime;
  /** Ends live streams when their credentials are revoked or expire. */
  credentialWatch: CredentialWatch;
  /** Failed-login counters per account and address, shared through Redis when configured. */
  loginThrottle: LoginThrottle;
  /** Open/at-risk/breached counts per team for live dashboards. */
  liveMetrics: LiveMetrics;
  sessionTtlSeconds: number;
  survey: { delaySeconds: number; ttlSeconds: number };
  /** IANA zone in which ticket numbers take their date. */
  numberingTimeZone: string;
  /** How long a webhook endpoint's old secret still signs after a rotation. */
  webhookSecretOverlapMs: number;
  /** Whether endpoint URLs may name loopback, private or link-local hosts (WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
  webhookAllowPrivateNetworks: boolean;
  /** The Slack bridge's settings the resolvers need; null when Slack is off (no SLACK_BOT_TOKEN). */
  slack: { caseLinkTemplate: string | null } | null;
  logger: Logger;
}

export interface Context extends AppServices {
  viewer: Viewer | null;
  /** The client's network address (HTTP peer or WebSocket peer), for per-address limits. */
  clientAddress: string;
  /** When the viewer's session or token expires (null: never); live streams end then. */
  credentialsExpireAt: Date | null;
  /**
   * The operation's execution timeout (set by useExecutionTimeout): a write commits only
   * by claiming it, so an operation answered TIMEOUT has committed nothing.
   */
  deadline: Deadline | null;
  /** The error to throw when a field needs a signed-in viewer and there is none. */
  unauthenticated(): GraphQLError;
}

export function unauthenticatedError(message = "Sign in or send an API token"): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });
}

export function createContext(
  services: AppServices,
  viewer: Viewer | null,
  clientAddress = "unknown",
  credentialsExpireAt: Date | null = null,
): Context {
  return { ...services, viewer, clientAddress, credentialsExpireAt, deadline: null, unauthenticated: () => unauthenticatedError() };
}

/**
 * One operation's choice between answering TIMEOUT and committing. Whichever comes first
 * wins, and JavaScript runs each call to the end, so the two never both happen: a write
 * that claims its commit before the timeout makes the operation answer with its real
 * outcome (the timeout then waits for it), and once the timeout has answered TIMEOUT no
 * write of the operation may commit any more.
 *
 * An operation with several mutations commits each in its own transaction. Once one has
 * committed, answering TIMEOUT for the whole would hide a change that happened, so the
 * timeout waits and the answer shows each mutation's outcome: those that committed, and
 * those that reached their commit after the deadline, refused with their own TIMEOUT error.
 * After the deadline no new commit is granted, so the wait ends with the write under way.
 */
export class Deadline {
  private claims = 0;
  private expired = false;

  constructor(
    /** Epoch milliseconds. */
    readonly at: number,
  ) {}

  /** Whether a write starting now could still commit. */
  get open(): boolean {
    return !this.expired && Date.now() < this.at;
  }

  /**
   * Called by a write at the last moment before its commit: true grants the commit (the
   * operation's answer will then wait for it); false means TIMEOUT is or may be answered,
   * and the write must roll back.
   */
  claimCommit(): boolean {
    if (!this.open) {
      this.expired = true;
      return false;
    }
    this.claims++;
    return true;
  }

  /**
   * Called when the time is up: no commit is granted from now on. Returns whether the
   * operation may answer TIMEOUT, that is, whether none of its writes committed or is
   * committing.
   */
  expire(): boolean {
    this.expired = true;
    return this.claims === 0;
  }
}
