// Everything a resolver may use for one request (or one subscription): who is asking,
// the database, the clock, per-request loaders and the event bus.
import { GraphQLError } from "graphql";
import type { LoginThrottle } from "./auth/login-throttle.js";
import type { ContactCipher } from "./auth/secrets.js";
import type { Logger } from "pino";
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
  logger: Logger;
}

export interface Context extends AppServices {
  viewer: Viewer | null;
  /** The client's network address (HTTP peer or WebSocket peer), for per-address limits. */
  clientAddress: string;
  /** When the viewer's session or token expires (null: never); live streams end then. */
  credentialsExpireAt: Date | null;
  /**
   * When the operation must have finished (epoch ms), set by the execution timeout: a
   * write's transaction is rolled back rather than committed after it.
   */
  deadline: number | null;
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
