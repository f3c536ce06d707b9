// Enumerations shared by several domains, with the meaning of each value.
import { builder } from "./builder.js";

export const TicketStatusEnum = builder.enumType("TicketStatus", {
  description: "Where a case is in the workflow. Cases move through these in order.",
  values: {
    NEW: { description: "Being written; moving on needs the mandatory fields." },
    NOT_STARTED: { description: "The owning team is notified; nobody has picked it up." },
    TEAM_CHECKING: { description: "The owning team is working on it." },
    INFORM_CUSTOMER: { description: "The team has an answer; the agent tells the customer." },
    DONE: { description: "The customer has the final answer." },
    BACKLOG: { description: "Archived." },
  } as const,
});

export const PriorityEnum = builder.enumType("Priority", {
  description: "How urgent a case is; decides its SLA targets.",
  values: {
    HIGH: { description: "The customer cannot use the product, wide impact, or regulator/media." },
    MEDIUM: { description: "The customer can still use the product; a single user's fault." },
    LOW: { description: "Suggestion, feedback or routine question." },
  } as const,
});

export const ChannelEnum = builder.enumType("Channel", {
  description: "Where the customer reached us.",
  values: {
    WEB: { description: "The web site or web chat." },
    APP: { description: "The mobile app." },
    WECHAT: { description: "WeChat official account." },
    WEIBO: { description: "Weibo." },
    MINI_PROGRAM: { description: "A WeChat mini program." },
    EMAIL: { description: "E-mail." },
    CHAT: { description: "A chat tool such as Intercom." },
    PHONE: { description: "A phone call." },
    SLACK: { description: "A Slack channel." },
    API: { description: "Another system, through the API." },
  } as const,
});

export const TicketTypeEnum = builder.enumType("TicketType", {
  description: "What kind of request a case is; routing uses it.",
  values: {
    INQUIRY: { description: "A question." },
    COMPLAINT: { description: "The customer is unhappy with something." },
    SUGGESTION: { description: "An idea or feedback for the product." },
    TECHNICAL_FAULT: { description: "Something is broken." },
  } as const,
});

export const RoleEnum = builder.enumType("Role", {
  description: "What a person may do. Each role includes the ones before it.",
  values: {
    AGENT: { description: "Front line: creates cases and talks to customers." },
    SUPERVISOR: { description: "Leads a team: reassigns, escalates, archives." },
    MANAGER: { description: "Sees all teams and reports." },
    ADMIN: { description: "Manages users, teams, tokens and policies." },
  } as const,
});

export const CommentVisibilityEnum = builder.enumType("CommentVisibility", {
  description: "Who a comment is for.",
  values: {
    INTERNAL: { description: "Staff only." },
    PUBLIC: { description: "A reply the customer sees." },
  } as const,
});

export const AvailabilityEnum = builder.enumType("Availability", {
  description: "Whether a person can take work now.",
  values: {
    AVAILABLE: { description: "Working and free to take cases." },
    BUSY: { description: "Working, but at capacity." },
    AWAY: { description: "Briefly away." },
    OFFLINE: { description: "Not working." },
  } as const,
});
