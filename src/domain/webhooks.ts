// Outgoing webhooks as the Standard Webhooks specification describes them
// (https://www.standardwebhooks.com): which audit events become which webhook events,
// what a message carries, how it is signed, when a failed attempt is tried again, and
// which addresses a delivery may never reach. Pure: no database, no network.
import { createHmac } from "node:crypto";
import ipaddr from "ipaddr.js";
import { tokenReachesTeam, type Viewer } from "./access.js";

export const WEBHOOK_EVENT_TYPES = {
  TICKET_CREATED: "A case was created.",
  TICKET_STATUS_CHANGED: "A case moved in the workflow.",
  TICKET_ASSIGNED: "A case's assignee changed.",
  TICKET_ESCALATED: "A case moved to another support tier.",
  COMMENT_ADDED: "A comment or reply was added to a case.",
  SLA_WARNING: "An SLA target of a case is about to be missed.",
  SLA_BREACH: "An SLA target of a case was missed.",
  SURVEY_ANSWERED: "The customer answered a case's satisfaction survey.",
  INCIDENT_DECLARED: "An incident was declared for the endpoint's teams.",
  INCIDENT_RESOLVED: "An incident of the endpoint's teams was resolved.",
} as const;
export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WEBHOOK_EVENT_TYPE_NAMES = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventType[];

/** The audit trail's event types (resolvers/audit.ts) that are also webhook events. */
const FROM_TICKET_EVENT: Record<string, WebhookEventType> = {
  CREATED: "TICKET_CREATED",
  STATUS_CHANGED: "TICKET_STATUS_CHANGED",
  ASSIGNED: "TICKET_ASSIGNED",
  ESCALATED: "TICKET_ESCALATED",
  COMMENTED: "COMMENT_ADDED",
  SLA_WARNING: "SLA_WARNING",
  SLA_BREACHED: "SLA_BREACH",
  SURVEY_ANSWERED: "SURVEY_ANSWERED",
};

/** The webhook event an audit event is sent as, or null when integrators are not told of it. */
export function webhookEventOfTicketEvent(type: string): WebhookEventType | null {
  return FROM_TICKET_EVENT[type] ?? null;
}

/** The webhook event an incident timeline entry is sent as, or null. */
export function webhookEventOfIncidentUpdate(kind: string): WebhookEventType | null {
  if (kind === "DECLARED") return "INCIDENT_DECLARED";
  if (kind === "RESOLVED") return "INCIDENT_RESOLVED";
  return null;
}

// ─── who manages endpoints ──────────────────────────────────────────────────

/** Administrators, and tokens with `webhooks:manage` (or `admin`). */
export function mayManageWebhooks(viewer: Viewer | null): boolean {
  if (!viewer) return false;
  if (viewer.kind === "user") return viewer.role === "ADMIN";
  return viewer.scopes.includes("admin") || viewer.scopes.includes("webhooks:manage");
}

/** Whether the viewer may create or see an endpoint of these teams: a team-limited token only within its teams. */
export function managesWebhookTeams(viewer: Viewer, teamIds: readonly string[]): boolean {
  if (!mayManageWebhooks(viewer)) return false;
  if (viewer.kind === "user") return true;
  return teamIds.every((id) => tokenReachesTeam(viewer, id));
}

// ─── messages ───────────────────────────────────────────────────────────────

/** The JSON body of every request: `{ type, timestamp, data }`. */
export interface WebhookMessage {
  type: WebhookEventType;
  /** When the change happened (ISO 8601). */
  timestamp: string;
  data: Record<string, unknown>;
}

/** A case as a webhook tells of it: ids are the API's global ids, the contact only masked. */
export interface TicketSnapshot {
  id: string;
  number: string;
  title: string;
  status: string;
  priority: string;
  channel: string;
  type: string;
  tierLevel: number | null;
  team: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  /** Customer.contactMasked: masked when it was stored (privacy.maskContact); never the contact itself. */
  contactMasked: string | null;
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function ticketMessage(
  type: WebhookEventType,
  at: Date,
  ticket: TicketSnapshot,
  change: { actor: string; before?: unknown; after?: unknown; note?: string | null },
): WebhookMessage {
  return {
    type,
    timestamp: at.toISOString(),
    data: {
      ticket: {
        id: ticket.id,
        number: ticket.number,
        title: ticket.title,
        status: ticket.status,
        priority: ticket.priority,
        channel: ticket.channel,
        type: ticket.type,
        tierLevel: ticket.tierLevel,
        team: ticket.team,
        assignee: ticket.assignee,
        contact: ticket.contactMasked,
        dueAt: ticket.dueAt?.toISOString() ?? null,
        createdAt: ticket.createdAt.toISOString(),
        updatedAt: ticket.updatedAt.toISOString(),
      },
      change: { actor: change.actor, before: change.before ?? null, after: change.after ?? null, note: change.note ?? null },
    },
  };
}

export interface IncidentSnapshot {
  id: string;
  title: string;
  severity: number;
  status: string;
  teams: { id: string; name: string }[];
  createdAt: Date;
  resolvedAt: Date | null;
}

export function incidentMessage(type: WebhookEventType, at: Date, incident: IncidentSnapshot, entry: string): WebhookMessage {
  return {
    type,
    timestamp: at.toISOString(),
    data: {
      incident: {
        id: incident.id,
        title: incident.title,
        severity: incident.severity,
        status: incident.status,
        teams: incident.teams,
        createdAt: incident.createdAt.toISOString(),
        resolvedAt: incident.resolvedAt?.toISOString() ?? null,
      },
      entry,
    },
  };
}

// ─── signatures ─────────────────────────────────────────────────────────────

const SECRET_PREFIX = "whsec_";

/** A signing secret as shown to integrators: `whsec_` and the base64 of the key bytes. */
export function formatSecret(key: Buffer): string {
  return SECRET_PREFIX + key.toString("base64");
}

function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

/** What is signed: `<webhook-id>.<webhook-timestamp>.<body>`. */
export function signatureBase(messageId: string, timestampSeconds: number, body: string): string {
  return `${messageId}.${timestampSeconds}.${body}`;
}

/** The `webhook-signature` header: one `v1,<base64 HMAC-SHA256>` per secret, space-separated. */
export function signatureHeader(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string {
  const base = signatureBase(messageId, timestampSeconds, body);
  return secrets.map((secret) => `v1,${createHmac("sha256", secretKey(secret)).update(base).digest("base64")}`).join(" ");
}

/** The secrets that sign now: the current one, and the previous one until its overlap ends. */
export function signingSecrets(current: string, previous: string | null, previousExpiresAt: Date | null, now: Date): string[] {
  return previous && previousExpiresAt && previousExpiresAt > now ? [current, previous] : [current];
}

// ─── retries ────────────────────────────────────────────────────────────────

/** A message is retried for this long after it was written, at least. */
export const RETRY_WINDOW_MS = 24 * 3600_000;
const FIRST_RETRY_MS = 10_000;
const LONGEST_RETRY_MS = 4 * 3600_000;

/**
 * How long to wait after failed attempt number `attempt` (1 for the first): doubling
 * from 10 s up to 4 h, each spread by ±20 % (`random` in [0, 1)) so that receivers coming
 * back from an outage are not hit by every instance's retries at the same moment.
 */
export function retryDelayMs(attempt: number, random: number): number {
  const base = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

/** A `Retry-After` header (seconds or an HTTP date) as milliseconds from `now`, or null. */
export function retryAfterMs(header: string | null | undefined, now: Date): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}

/**
 * When to try a failed message again, or null to give up: after the receiver's
 * Retry-After when it sent one (at least a second), otherwise after the backoff; a
 * retry that would fall past the end of the window is made at its end, once.
 */
export function nextAttemptAt(args: {
  now: Date;
  attempt: number;
  expiresAt: Date;
  retryAfterMs: number | null;
  random: number;
}): Date | null {
  const { now, expiresAt } = args;
  if (now >= expiresAt) return null;
  const wait = args.retryAfterMs !== null ? Math.max(1000, args.retryAfterMs) : retryDelayMs(args.attempt, args.random);
  return new Date(Math.min(now.getTime() + wait, expiresAt.getTime()));
}

/** Whether an endpoint failing since `failingSince` has failed long enough to be disabled. */
export function failedTooLong(failingSince: Date | null, now: Date, disableAfterMs: number): boolean {
  return failingSince !== null && now.getTime() - failingSince.getTime() >= disableAfterMs;
}

// ─── where deliveries may go ────────────────────────────────────────────────

/**
 * Why a URL cannot be an endpoint, or null. Only http(s), no user info; unless private
 * networks are allowed, no host that is this machine or an inside address by its very
 * name: `localhost` (and `*.localhost`) or a literal loopback, private, link-local or
 * metadata address. (A name that resolves inside is refused at delivery time, after DNS,
 * by src/integrations/webhooks/post.ts.)
 */
export function endpointUrlProblem(value: string, allowPrivateNetworks = false): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http or https URL";
  if (url.username || url.password) return "must not carry a user name or password";
  if (value.length > 2000) return "must be at most 2000 characters";
  if (!allowPrivateNetworks) {
    // The URL parser has already turned 0x7f.1, 2130706433 and the like into dotted form.
    const host = url.hostname
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "")
      .toLowerCase();
    if (host === "localhost" || host.endsWith(".localhost")) return "must not point at this machine (localhost)";
    if (ipaddr.isValid(host)) {
      const kind = nonPublicAddressKind(host);
      if (kind) return `must not be a ${kind} address (${host}); only public addresses are called`;
    }
  }
  return null;
}

/**
 * The kind of a non-public address (loopback, private, linkLocal — which holds the cloud
 * metadata address 169.254.169.254 —, carrierGradeNat, multicast, uniqueLocal, …), or
 * null for an ordinary public unicast address. IPv4-mapped IPv6 addresses are judged as
 * the IPv4 address they carry. Anything unparseable counts as not public.
 */
export function nonPublicAddressKind(address: string): string | null {
  if (!ipaddr.isValid(address)) return "unparseable";
  const range = ipaddr.process(address).range();
  return range === "unicast" ? null : range;
}
