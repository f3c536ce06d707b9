// The Slack bridge's rules: which case and incident events a team's channel hears of,
// what a message shows (Block Kit), how a slash command reads, how Slack's request
// signature is checked, and who routes a team's events. Pure: no database, no network.
// Slack's own descriptions: https://api.slack.com/reference/block-kit,
// https://api.slack.com/authentication/verifying-requests-from-slack.
import { createHmac, timingSafeEqual } from "node:crypto";
import { tokenReachesTeam, type Viewer } from "./access.js";
import { countsInProduction } from "./training.js";

export const SLACK_EVENT_TYPES = {
  TICKET_CREATED: "A case arrived in the team's queue.",
  TICKET_STATUS_CHANGED: "A case of the team moved in the workflow (any move).",
  INFORM_CUSTOMER: "A case moved to INFORM_CUSTOMER; the message mentions the agent who submitted it.",
  TICKET_ASSIGNED: "A case's assignee changed.",
  TICKET_ESCALATED: "A case moved to another support tier.",
  SLA_WARNING: "An SLA target of a case is about to be missed.",
  SLA_BREACH: "An SLA target of a case was missed.",
  SURVEY_UNSATISFIED: "The customer answered a case's survey unsatisfied (the case needs review).",
  INCIDENT_DECLARED: "An incident of severity 3 or more was declared for the team.",
  INCIDENT_RESOLVED: "An incident of severity 3 or more of the team was resolved.",
} as const;
export type SlackEventType = keyof typeof SLACK_EVENT_TYPES;
export const SLACK_EVENT_TYPE_NAMES = Object.keys(SLACK_EVENT_TYPES) as SlackEventType[];

/** What a channel hears of when its route names no event types. */
export const DEFAULT_SLACK_EVENT_TYPES: readonly SlackEventType[] = [
  "TICKET_CREATED",
  "INFORM_CUSTOMER",
  "SLA_WARNING",
  "SLA_BREACH",
  "INCIDENT_DECLARED",
  "SURVEY_UNSATISFIED",
];

/** Incidents below this severity stay out of team channels (the severity that alerts managers). */
export const SLACK_INCIDENT_SEVERITY = 3;

/**
 * The Slack event types an audit event (resolvers/audit.ts) counts as, most specific
 * first; a channel routing any of them gets one message. Empty when Slack is not told.
 */
export function slackEventsOfTicketEvent(type: string, after: unknown): SlackEventType[] {
  const fields = (after && typeof after === "object" ? after : {}) as Record<string, unknown>;
  switch (type) {
    case "CREATED":
      return ["TICKET_CREATED"];
    case "STATUS_CHANGED":
      return fields.status === "INFORM_CUSTOMER" ? ["INFORM_CUSTOMER", "TICKET_STATUS_CHANGED"] : ["TICKET_STATUS_CHANGED"];
    case "ASSIGNED":
      return ["TICKET_ASSIGNED"];
    case "ESCALATED":
      return ["TICKET_ESCALATED"];
    case "SLA_WARNING":
      return ["SLA_WARNING"];
    case "SLA_BREACHED":
      return ["SLA_BREACH"];
    case "SURVEY_ANSWERED":
      return fields.needsReview === true ? ["SURVEY_UNSATISFIED"] : [];
    default:
      return [];
  }
}

const SLA_TARGET_NAMES: Record<string, string> = {
  FIRST_RESPONSE: "First response",
  RESOLUTION: "Resolution",
  FOLLOW_UP: "Follow-up",
};

/**
 * The line a case event's message adds below the case: for an SLA warning or breach,
 * which target and when it is (was) due, since a case has several; otherwise the
 * event's own note (a move's comment), if any.
 */
export function slackNoteOfTicketEvent(type: string, after: unknown, note: string | null | undefined): string | null {
  if (type === "SLA_WARNING" || type === "SLA_BREACHED") {
    const fields = (after && typeof after === "object" ? after : {}) as Record<string, unknown>;
    const target = typeof fields.target === "string" ? (SLA_TARGET_NAMES[fields.target] ?? fields.target) : "A target";
    const due = typeof fields.dueAt === "string" ? ` ${type === "SLA_WARNING" ? "due" : "was due"} ${fields.dueAt}` : "";
    return `${target}${due}`;
  }
  return note ?? null;
}

/** The Slack event an incident timeline entry is, or null (minor incidents and other entries). */
export function slackEventOfIncidentUpdate(kind: string, severity: number): SlackEventType | null {
  if (severity < SLACK_INCIDENT_SEVERITY) return null;
  if (kind === "DECLARED") return "INCIDENT_DECLARED";
  if (kind === "RESOLVED") return "INCIDENT_RESOLVED";
  return null;
}

/** The first of `candidates` that a channel routing `routed` hears of, or null. */
export function routedEvent(candidates: readonly SlackEventType[], routed: readonly string[]): SlackEventType | null {
  return candidates.find((type) => routed.includes(type)) ?? null;
}

// ─── who routes a team's events ─────────────────────────────────────────────

/**
 * Administrators (and `admin` tokens) for any team, an `admin` token limited to teams for
 * those teams only; a supervisor or manager for a team they belong to.
 */
export function mayManageSlackChannel(viewer: Viewer | null, teamId: string): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") return viewer.scopes.includes("admin") && tokenReachesTeam(viewer, teamId);
  if (viewer.role === "ADMIN") return true;
  return (viewer.role === "SUPERVISOR" || viewer.role === "MANAGER") && viewer.teamIds.includes(teamId);
}

/** Whether the viewer may list some team's routes at all (the list is then narrowed per team). */
export function mayManageSomeSlackChannel(viewer: Viewer | null): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") return viewer.scopes.includes("admin");
  return viewer.role === "ADMIN" || viewer.role === "SUPERVISOR" || viewer.role === "MANAGER";
}

// ─── identifiers ────────────────────────────────────────────────────────────

/** Why a channel cannot be routed to, or null: a channel id (C…, G…) as Slack shows it in the channel's details. */
export function slackChannelProblem(channel: string): string | null {
  return /^[CG][A-Z0-9]{6,20}$/.test(channel) ? null : "must be a Slack channel id such as C0123ABCDEF (channel details → About)";
}

/** Why a Slack user id is not one, or null: U… or W… as in the member's profile (⋯ → Copy member ID). */
export function slackUserIdProblem(id: string): string | null {
  return /^[UW][A-Z0-9]{6,20}$/.test(id) ? null : "must be a Slack member id such as U0123ABCDEF";
}

// ─── messages ───────────────────────────────────────────────────────────────

/** Slack's mrkdwn control characters, escaped as Slack asks, so user text cannot mention or link. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Someone as a message shows them: a mention when their Slack account is linked, else their name. */
export interface SlackPerson {
  name: string;
  slackUserId: string | null;
}

const personText = (person: SlackPerson | null) =>
  person ? (person.slackUserId ? `<@${person.slackUserId}>` : escapeMrkdwn(person.name)) : "_nobody yet_";

/** A case as a Slack message tells of it: the contact only masked. */
export interface SlackCase {
  /** The API's global id; the buttons carry it. */
  id: string;
  number: string;
  title: string;
  status: string;
  priority: string;
  team: string | null;
  assignee: SlackPerson | null;
  submittedBy: SlackPerson | null;
  /** Customer.contactMasked, never the contact itself. */
  contactMasked: string | null;
  /** The earliest running SLA target's due time (ISO 8601), if any. */
  slaDueAt: string | null;
  /** The comment the 👀 / ✅ markers go on (the case's latest), or null: no marker buttons. */
  markerCommentId: string | null;
  /** Ticket.practice: a training case, marked in every view of it (markPractice). */
  practice: boolean;
}

/** A Block Kit message: the `text` is the notification and screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** The link to a case when CASE_LINK_TEMPLATE is set (`{number}` replaced), else null. */
export function caseLink(template: string | null, number: string): string | null {
  return template ? template.replaceAll("{number}", encodeURIComponent(number)) : null;
}

/** What every Slack view of a practice case says of it, first in its blocks and in its notification text. */
export const PRACTICE_MARK = "🎓 Practice case";

/**
 * A view of a case (a channel message, the `/case` answer, a swarm's summary), marked when
 * the case is practice (domain/training.ts countsInProduction): a context block above
 * everything else and the mark before the notification text, so nobody in Slack takes a
 * training case for a real customer's. Every view of a case is drawn through here.
 */
export function markPractice(c: Pick<SlackCase, "practice">, message: SlackMessage): SlackMessage {
  if (countsInProduction(c)) return message;
  return {
    text: `${PRACTICE_MARK}: ${message.text}`,
    blocks: [
      {
        type: "context",
        block_id: "practice",
        elements: [{ type: "mrkdwn", text: `${PRACTICE_MARK}: training, no real customer; it counts in no report or metric` }],
      },
      ...message.blocks,
    ],
  };
}

const numberText = (number: string, link: string | null) => (link ? `<${link}|${number}>` : number);

const HEADLINES: Record<SlackEventType, string> = {
  TICKET_CREATED: ":inbox_tray: New case in the queue",
  TICKET_STATUS_CHANGED: ":arrow_right: Case moved",
  INFORM_CUSTOMER: ":speech_balloon: Ready to inform the customer",
  TICKET_ASSIGNED: ":bust_in_silhouette: Case assigned",
  TICKET_ESCALATED: ":arrow_double_up: Case escalated",
  SLA_WARNING: ":hourglass_flowing_sand: SLA about to be missed",
  SLA_BREACH: ":rotating_light: SLA missed",
  SURVEY_UNSATISFIED: ":disappointed: Customer unsatisfied",
  INCIDENT_DECLARED: ":fire: Incident declared",
  INCIDENT_RESOLVED: ":white_check_mark: Incident resolved",
};

/** The button actions Slack sends back to /integrations/slack/interactions. */
export const SLACK_ACTIONS = { take: "case_take", onIt: "case_marker_on_it", resolved: "case_marker_resolved" } as const;

/** What a marker button puts on the comment (src/resolvers/reactions.ts MARKERS). */
export const MARKER_OF_ACTION: Record<string, string> = { [SLACK_ACTIONS.onIt]: "👀", [SLACK_ACTIONS.resolved]: "✅" };

const dateText = (iso: string | null) => (iso ? `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time}|${iso}>` : "none");

function caseFields(c: SlackCase) {
  return [
    { type: "mrkdwn", text: `*Priority*\n${c.priority}` },
    { type: "mrkdwn", text: `*Status*\n${c.status}` },
    { type: "mrkdwn", text: `*Who*\n${personText(c.assignee)}` },
    { type: "mrkdwn", text: `*SLA due*\n${dateText(c.slaDueAt)}` },
  ];
}

function caseButtons(c: SlackCase) {
  const elements: Record<string, unknown>[] = [
    { type: "button", action_id: SLACK_ACTIONS.take, text: { type: "plain_text", text: "Take it" }, style: "primary", value: c.id },
  ];
  if (c.markerCommentId) {
    const value = JSON.stringify({ ticketId: c.id, commentId: c.markerCommentId });
    elements.push(
      { type: "button", action_id: SLACK_ACTIONS.onIt, text: { type: "plain_text", text: "👀 on it", emoji: true }, value },
      { type: "button", action_id: SLACK_ACTIONS.resolved, text: { type: "plain_text", text: "✅ resolved", emoji: true }, value },
    );
  }
  return { type: "actions", block_id: "case_actions", elements };
}

/**
 * The channel message of a case event: headline, number (linked when a case link is
 * configured), title, priority, status, who works it, SLA due, the masked contact, and
 * the buttons. INFORM_CUSTOMER mentions the agent who submitted the case.
 */
export function caseEventMessage(
  event: SlackEventType,
  c: SlackCase,
  options: { link: string | null; note?: string | null },
): SlackMessage {
  const title = escapeMrkdwn(c.title);
  let headline = HEADLINES[event];
  if (event === "INFORM_CUSTOMER" && c.submittedBy) headline += ` — ${personText(c.submittedBy)}, you opened this case`;
  const context = [
    c.team ? `Team ${escapeMrkdwn(c.team)}` : null,
    c.contactMasked ? `Contact ${escapeMrkdwn(c.contactMasked)}` : null,
    options.note ? escapeMrkdwn(options.note.slice(0, 300)) : null,
  ].filter((part): part is string => part !== null);
  return markPractice(c, {
    text: `${c.number} ${c.title}: ${HEADLINES[event].replace(/^:[a-z_]+: /, "")}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${headline}\n*${numberText(c.number, options.link)}* ${title}` } },
      { type: "section", fields: caseFields(c) },
      ...(context.length ? [{ type: "context", elements: context.map((text) => ({ type: "mrkdwn", text })) }] : []),
      caseButtons(c),
    ],
  });
}

/** A case shown to one person (`/case <number>`): the same facts, no buttons, no headline. */
export function caseViewMessage(c: SlackCase, link: string | null): SlackMessage {
  return markPractice(c, {
    text: `${c.number} ${c.title}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${numberText(c.number, link)}* ${escapeMrkdwn(c.title)}` } },
      { type: "section", fields: caseFields(c) },
      ...(c.contactMasked || c.team
        ? [
            {
              type: "context",
              elements: [
                c.team ? `Team ${escapeMrkdwn(c.team)}` : null,
                c.contactMasked ? `Contact ${escapeMrkdwn(c.contactMasked)}` : null,
              ]
                .filter((text): text is string => text !== null)
                .map((text) => ({ type: "mrkdwn", text })),
            },
          ]
        : []),
    ],
  });
}

export interface SlackIncident {
  title: string;
  severity: number;
  status: string;
  teams: string[];
}

export function incidentMessage(event: SlackEventType, incident: SlackIncident, entry: string): SlackMessage {
  const title = escapeMrkdwn(incident.title);
  return {
    text: `${HEADLINES[event].replace(/^:[a-z_]+: /, "")}: ${incident.title} (severity ${incident.severity})`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${HEADLINES[event]}\n*${title}* · severity ${incident.severity}` } },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: `Status ${incident.status}` },
          { type: "mrkdwn", text: `Teams ${escapeMrkdwn(incident.teams.join(", "))}` },
          ...(entry ? [{ type: "mrkdwn", text: escapeMrkdwn(entry.slice(0, 300)) }] : []),
        ],
      },
    ],
  };
}

/** What a Slack delivery in the outbox carries: where it goes, and what to draw, as it was at the commit. */
export type SlackPayload =
  | {
      kind: "case";
      event: SlackEventType;
      /** Slack's channel id. */
      channel: string;
      /** The case (database id) whose thread in the channel it belongs to. */
      ticketId: string;
      /** This message starts the case's thread in the channel. */
      startsThread: boolean;
      case: SlackCase;
      note: string | null;
    }
  | { kind: "incident"; event: SlackEventType; channel: string; incident: SlackIncident; entry: string }
  | SlackRoomPayload;

/**
 * A step in the life of a swarm's or incident's own channel (SlackRoom, keyed by `room`):
 * open (create, invite, post the summary), invite, post, close (post, then archive when
 * asked). Every step but the first waits for the channel to exist.
 */
export type SlackRoomPayload =
  | { kind: "room-open"; event: "ROOM_OPENED"; room: string; name: string; users: string[]; message: SlackMessage }
  | { kind: "room-invite"; event: "ROOM_INVITE"; room: string; users: string[] }
  | { kind: "room-post"; event: "ROOM_MESSAGE"; room: string; message: SlackMessage }
  | { kind: "room-close"; event: "ROOM_CLOSED"; room: string; message: SlackMessage; archive: boolean };

/** The Block Kit message of an outbox delivery; the case link is drawn with today's configuration. */
export function slackMessage(payload: Extract<SlackPayload, { kind: "case" | "incident" }>, caseLinkTemplate: string | null): SlackMessage {
  if (payload.kind === "incident") return incidentMessage(payload.event, payload.incident, payload.entry);
  // A message queued before cases carried `practice` is a real case's: practice cases were never queued.
  const shown: SlackCase = { ...payload.case, practice: payload.case.practice ?? false };
  return caseEventMessage(payload.event, shown, { link: caseLink(caseLinkTemplate, payload.case.number), note: payload.note });
}

// ─── Slack's refusals ───────────────────────────────────────────────────────

/**
 * What a Slack Web API error code means for a message that got it, as Slack documents the
 * codes (https://api.slack.com/methods/chat.postMessage#errors and the errors every
 * method shares): `channel` — the channel is gone, archived, or closed to the app, so
 * the team's supervisors must act; `credentials` — the bot token is invalid, revoked,
 * of a deactivated app or lacks a scope, so an administrator must act; `message` — Slack
 * refuses this message as written. None of these is mended by trying again, so the
 * message fails at once. Anything else (`ratelimited`, `internal_error`,
 * `service_unavailable`, `fatal_error`, `request_timeout`, codes Slack adds later) is
 * retried.
 */
export type SlackRefusal = "channel" | "credentials" | "message";

const SLACK_REFUSALS: Record<string, SlackRefusal> = {
  channel_not_found: "channel",
  not_in_channel: "channel",
  is_archived: "channel",
  channel_is_archived: "channel",
  restricted_action: "channel",
  restricted_action_read_only_channel: "channel",
  restricted_action_thread_only_channel: "channel",
  restricted_action_non_threadable_channel: "channel",
  team_access_not_granted: "channel",
  ekm_access_denied: "channel",
  invalid_auth: "credentials",
  not_authed: "credentials",
  account_inactive: "credentials",
  token_revoked: "credentials",
  token_expired: "credentials",
  missing_scope: "credentials",
  no_permission: "credentials",
  not_allowed_token_type: "credentials",
  access_denied: "credentials",
  org_login_required: "credentials",
  enterprise_is_restricted: "credentials",
  two_factor_setup_required: "credentials",
  invalid_blocks: "message",
  invalid_blocks_format: "message",
  msg_too_long: "message",
  no_text: "message",
  too_many_attachments: "message",
  cannot_reply_to_message: "message",
  restricted_action_thread_locked: "message",
  invalid_arguments: "message",
  invalid_arg_name: "message",
  invalid_array_arg: "message",
  invalid_charset: "message",
  invalid_form_data: "message",
  invalid_post_type: "message",
  missing_post_type: "message",
  method_deprecated: "message",
  deprecated_endpoint: "message",
};

/** Whether (and why) a Slack error code fails a message for good; null when trying again may work. */
export function slackRefusal(errorCode: string): SlackRefusal | null {
  return Object.hasOwn(SLACK_REFUSALS, errorCode) ? SLACK_REFUSALS[errorCode]! : null;
}

/**
 * How far past the end of its retry window a message may still be posted: the window's
 * last retry is due at its very end and goes out with the next scan (or, after a crash,
 * when its lease ends), so a few minutes late is that retry, not a stale message.
 */
export const SLACK_LATE_GRACE_MS = 10 * 60_000;

/**
 * Whether a message is too old to post: its retry window (24 h from the change) ended
 * more than SLACK_LATE_GRACE_MS ago, because no instance could send it meanwhile (Slack
 * was not configured, or no dispatcher ran). A channel is told of what happens now, not
 * of yesterday's queue; such a message is failed instead.
 */
export function slackMessageTooLate(now: Date, expiresAt: Date): boolean {
  return now.getTime() - expiresAt.getTime() > SLACK_LATE_GRACE_MS;
}

// ─── swarm and incident channels ────────────────────────────────────────────

/** A Slack channel name: lower case letters, digits and hyphens, at most 80 characters. */
function channelSlug(text: string, max: number): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
}

/** A swarm's channel: `swarm-` and the case number, e.g. `swarm-wx-20231025-001`; the case's second swarm `…-2`. */
export function swarmChannelName(caseNumber: string, nth = 1): string {
  return `swarm-${channelSlug(caseNumber, 70)}${nth > 1 ? `-${nth}` : ""}`;
}

/**
 * A major incident's channel: `inc-`, the first eight characters of its id (so two
 * incidents of the same title differ), and its title, e.g. `inc-3f2a9c1b-payments-down`.
 */
export function incidentChannelName(incidentId: string, title: string): string {
  const id = incidentId.replaceAll("-", "").slice(0, 8).toLowerCase();
  const slug = channelSlug(title, 80 - 5 - id.length - 1);
  return slug ? `inc-${id}-${slug}` : `inc-${id}`;
}

/** The first message of a swarm's channel: the case, why, which skills. */
export function swarmOpenedMessage(c: SlackCase, reason: string, skills: readonly string[], link: string | null): SlackMessage {
  return markPractice(c, {
    text: `Swarm on ${c.number} ${c.title}: ${reason}`,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `:busts_in_silhouette: Swarm on *${numberText(c.number, link)}* ${escapeMrkdwn(c.title)}` },
      },
      { type: "section", fields: caseFields(c) },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: `Why: ${escapeMrkdwn(reason)}` },
          { type: "mrkdwn", text: `Skills: ${escapeMrkdwn(skills.join(", "))}` },
          ...(c.contactMasked ? [{ type: "mrkdwn", text: `Contact ${escapeMrkdwn(c.contactMasked)}` }] : []),
        ],
      },
    ],
  });
}

/** A message of the swarm's thread or an incident's timeline, mirrored to its channel. */
export function roomPostMessage(author: string, body: string): SlackMessage {
  return {
    text: `${author}: ${body.slice(0, 200)}`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(author)}*\n${escapeMrkdwn(body.slice(0, 2900))}` } }],
  };
}

/** The last message of a swarm's channel before it is archived. */
export function swarmClosedMessage(caseNumber: string, summary: string | null): SlackMessage {
  const text = summary ? `Swarm on ${caseNumber} closed: ${summary.slice(0, 200)}` : `Swarm on ${caseNumber} closed.`;
  return {
    text,
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `:checkered_flag: Swarm on *${escapeMrkdwn(caseNumber)}* closed${summary ? `\n${escapeMrkdwn(summary.slice(0, 2900))}` : "."}`,
        },
      },
    ],
  };
}

// ─── the slash command ──────────────────────────────────────────────────────

export type SlashCommand =
  | { kind: "help" }
  | { kind: "new"; accountId: string; title: string; details: string | null }
  | { kind: "show"; number: string }
  | { kind: "invalid"; message: string };

/** `/case new ACC-1 refund missing | the customer tried twice`, `/case WX-20231025-001`, `/case help`. */
export const SLASH_HELP = [
  "*/case new <account> <title> | <details>* opens a case for this channel's team; the title starts with the customer's account id, e.g. `/case new ACC-1042 refund not received | tried the app twice`",
  "*/case <number>* shows you a case you may read, e.g. `/case WX-20231025-001`",
  "*/case help* shows this",
].join("\n");

const CASE_NUMBER = /^[A-Z]{2,4}-\d{8}-\d{3,}$/;

export function parseSlashCommand(raw: string): SlashCommand {
  const text = raw.trim();
  if (text === "" || /^help$/i.test(text)) return { kind: "help" };
  const created = /^new(?:\s+([\s\S]*))?$/i.exec(text);
  if (created) {
    const rest = (created[1] ?? "").trim();
    const bar = rest.indexOf("|");
    const title = (bar === -1 ? rest : rest.slice(0, bar)).trim();
    const details = bar === -1 ? "" : rest.slice(bar + 1).trim();
    if (!title) return { kind: "invalid", message: "Give a title: `/case new <account> <title> | <details>`" };
    const accountId = title.split(/\s+/)[0]!;
    return { kind: "new", accountId, title, details: details || null };
  }
  const number = text.toUpperCase();
  if (CASE_NUMBER.test(number)) return { kind: "show", number };
  return { kind: "invalid", message: `Unknown command "${text.slice(0, 40)}". Try \`/case help\`.` };
}

// ─── request signatures ─────────────────────────────────────────────────────

/**
 * How long the slash command and a click may wait for Slack's users.info (linking a member
 * by e-mail) before answering "not linked": Slack shows its own error when a command is not
 * answered within 3 s, so the lookup gets 2 s of them, not SLACK_TIMEOUT_MS (meant for the
 * outbox, whose waits nobody watches), and the rest is left for the database and the answer.
 */
export const SLACK_LOOKUP_TIMEOUT_MS = 2_000;

/** The users.info lookup's timeout given SLACK_TIMEOUT_MS: never past SLACK_LOOKUP_TIMEOUT_MS. */
export function slackLookupTimeoutMs(slackTimeoutMs: number): number {
  return Math.min(slackTimeoutMs, SLACK_LOOKUP_TIMEOUT_MS);
}

/** Slack's replay window: a request signed more than this far from now is refused. */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 5 * 60;

/**
 * Checks Slack's `X-Slack-Signature` (`v0=` and the hex HMAC-SHA256 of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>` keyed with the signing secret) and that the
 * timestamp is within five minutes of `now`, either side. Returns null when the request is
 * Slack's, else why not. The comparison takes the same time whatever the bytes.
 */
export function slackSignatureProblem(args: {
  signingSecret: string;
  timestamp: string | null;
  signature: string | null;
  body: string | Buffer;
  now: Date;
}): string | null {
  const { timestamp, signature } = args;
  if (!timestamp || !signature) return "unsigned";
  if (!/^\d{1,12}$/.test(timestamp)) return "malformed timestamp";
  if (Math.abs(args.now.getTime() / 1000 - Number(timestamp)) > SLACK_SIGNATURE_WINDOW_SECONDS) return "stale";
  const expected = Buffer.from(
    `v0=${createHmac("sha256", args.signingSecret).update(`v0:${timestamp}:`).update(args.body).digest("hex")}`,
    "utf8",
  );
  const given = Buffer.from(signature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "bad signature";
  return null;
}

// ─── answering a click ──────────────────────────────────────────────────────

/** Where Slack's `response_url`s point (https://api.slack.com/interactivity/handling#message_responses). */
export const SLACK_RESPONSE_URL_ORIGIN = "https://hooks.slack.com";

/** Whether a click's `response_url` is called, and where it may resolve to. */
export type ResponseUrlCall = { problem: string } | { problem: null; allowPrivateNetworks: boolean };

const isSlackHost = (hostname: string) => hostname === "slack.com" || hostname.endsWith(".slack.com");

/**
 * Whether a click's `response_url` is called. caseflow POSTs to it from inside its network,
 * so only Slack's own origin is called (or, for a stand-in or proxy, the origin of the
 * configured SLACK_API_URL): a signed payload naming any other address would otherwise make
 * caseflow reach wherever it says. Slack's own hosts must resolve to public addresses; a
 * stand-in or proxy the operator configured (off slack.com) may be local.
 */
export function slackResponseUrlCall(value: string, apiUrl: string): ResponseUrlCall {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: "is not a URL" };
  }
  if (url.username || url.password) return { problem: "carries credentials" };
  if (url.origin !== SLACK_RESPONSE_URL_ORIGIN && url.origin !== new URL(apiUrl).origin) {
    return { problem: `is not on ${SLACK_RESPONSE_URL_ORIGIN}` };
  }
  return { problem: null, allowPrivateNetworks: !isSlackHost(url.hostname) };
}
