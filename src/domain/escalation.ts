// Escalations caseflow makes by itself. The policy, in one place:
//   - a HIGH case whose RESOLUTION target breaches goes up one tier (from the SLA monitor);
//   - a new COMPLAINT from an account that complained before goes up one tier (on creation).
// Neither goes past the top tier. Escalating by hand is escalateStep's (src/resolvers/tickets/escalate.ts).
import type { Priority, TicketType } from "../generated/prisma/enums.js";
import type { SlaKind } from "./sla.js";

/** The highest support tier (L4: experts and vendors); nothing escalates past it by itself. */
export const TOP_TIER = 4;

/** What happened that may make the system escalate a case. */
export type EscalationTrigger =
  | { kind: "slaBreach"; target: SlaKind; priority: Priority }
  /** A case was created; `earlierOfType` counts the account's earlier cases of the same type. */
  | { kind: "created"; type: TicketType; earlierOfType: number };

export interface Escalation {
  /** Levels to go up (always one today). */
  levels: number;
  /** The audit trail's reason. */
  reason: string;
}

/** Whether the system escalates the case, which stands at `tierLevel` (null: no tier), and why. */
export function escalationFor(trigger: EscalationTrigger, tierLevel: number | null): Escalation | null {
  if ((tierLevel ?? 0) >= TOP_TIER) return null;
  if (trigger.kind === "slaBreach" && trigger.target === "RESOLUTION" && trigger.priority === "HIGH") {
    return { levels: 1, reason: "Automatic: a HIGH case missed its resolution target" };
  }
  if (trigger.kind === "created" && trigger.type === "COMPLAINT" && trigger.earlierOfType > 0) {
    return { levels: 1, reason: "Automatic: a repeat complaint from this customer" };
  }
  return null;
}
