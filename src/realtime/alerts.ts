// Alerts: the live "someone senior should look at this" messages (an unhappy customer,
// a churn risk, an automatic escalation, a major incident). Raised inside the write's
// transaction and published once it commits.
import { randomUUID } from "node:crypto";
import { publishAfterCommit, type Tx } from "../db/transaction.js";
import type { AlertAudience, AlertMessage } from "./pubsub.js";

export const ALERT_KINDS = {
  SURVEY_UNSATISFIED: "A customer answered UNSATISFIED; the case needs review.",
  AT_RISK: "A rule flagged the customer as a churn risk.",
  RULE_ALERT: "A rule asked for the supervisors' attention.",
  AUTO_ESCALATED: "caseflow escalated a case by itself (repeat complaint, HIGH resolution breach).",
  RULE_LOOP: "Rules undid each other on a case; the loop was stopped.",
  MAJOR_INCIDENT: "An incident of severity 3 or 4 was declared.",
  WEBHOOK_DISABLED: "A webhook endpoint of the team failed for too long and was disabled.",
  SLACK_CHANNEL_REFUSED:
    "Slack refused the team's channel for good (gone, archived, or the app not in it); its messages fail until it is fixed.",
  AUTOMATION_ALERT: "A case held a status longer than a time-in-status automation allows.",
  REPLY_AWAITING_REVIEW: "A public reply of someone under review waits for their mentor (or the team's supervisors).",
  REPLY_APPROVED: "Your reply was approved and sent to the customer.",
  REPLY_REJECTED: "Your reply was sent back for a new one; the reason is in the message.",
} as const;
export type AlertKind = keyof typeof ALERT_KINDS;

export interface Alert {
  kind: AlertKind;
  audience: AlertAudience;
  teamIds: readonly (string | null)[];
  /** For ASSIGNEE and PEOPLE: the people it is for. */
  userIds?: readonly string[];
  ticketId?: string;
  incidentId?: string;
  message: string;
  at: Date;
}

export function raiseAlert(tx: Tx, alert: Alert) {
  const message: AlertMessage = {
    id: randomUUID(),
    kind: alert.kind,
    audience: alert.audience,
    teamIds: alert.teamIds.filter((id): id is string => id !== null),
    ...(alert.userIds ? { userIds: [...alert.userIds] } : {}),
    ticketId: alert.ticketId ?? null,
    incidentId: alert.incidentId ?? null,
    message: alert.message,
    at: alert.at.toISOString(),
  };
  publishAfterCommit(tx, (realtime) => realtime.pubsub.publish("alert", message));
}
