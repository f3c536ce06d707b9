// Time-in-status automations: "a case waiting on the customer for 48 hours reminds the
// team". Administrators configure them (StatusAutomation rows); this module decides, as
// pure functions, when one falls due for a stay, whether it applies to the case then, and
// what it does.
//
// The rules:
//  1. A stay begins when a case is created (in NEW) or enters a status (a move by anyone). Every enabled
//     automation of that status is scheduled for the stay, due `afterSeconds` later in
//     business time of the case's calendar (the team's, else the default) or in calendar
//     time. Leaving the status cancels what is still pending; entering it again is a new
//     stay and re-arms them. An automation saved while a case already sits in its status
//     applies from that case's next stay.
//  2. At the due instant the conditions (teams, priorities, types, tags) are read on the
//     case as it is then; when they do not hold, the automation does nothing for this stay.
//  3. It fires at most once per stay, across any number of instances (claimed by a
//     conditional UPDATE), and is audited as RULE_FIRED with its name.
//  4. Its actions only ever add: tags are added (within MAX_TAGS, the rest left off),
//     the priority is only raised, the tier only goes up one level (never past TOP_TIER),
//     a note is only posted. So no automation can undo another's or a routing rule's
//     change, and firing once per stay means none can repeat itself: the loop checks of
//     routing rules have nothing to find here. What automations change does not run the
//     routing rules (a rule reacting to an automation's tag would otherwise be a chain
//     no one saved together).
import type { Priority, TicketStatus, TicketType } from "../generated/prisma/enums.js";
import { addBusinessSeconds, type CalendarRules } from "./business-time.js";
import { TOP_TIER } from "./escalation.js";
import { tagChange } from "./tags.js";
import { type Placeholder, renderTemplate, unknownPlaceholders } from "./templates.js";

/** The longest wait an automation may name: a year, as for SLA budgets. */
export const MAX_AUTOMATION_SECONDS = 365 * 86400;

/** Every status a case can stay in: NEW (created, not yet submitted) to BACKLOG. */
export const AUTOMATION_STATUSES = ["NEW", "NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER", "DONE", "BACKLOG"] as const;

export interface AutomationConditions {
  teamIds?: string[];
  priorities?: Priority[];
  types?: TicketType[];
  /** The case carries any of these tags. */
  tags?: string[];
}

export interface AutomationActions {
  /** Alert the case's assignee (the `alerts` subscription); nothing when it has none. */
  alertAssignee?: boolean;
  /** Alert the owning team's supervisors (the `alerts` subscription). */
  alertSupervisors?: boolean;
  addTags?: string[];
  /** Raise the priority to this one; a case already at it or higher keeps its own. */
  raisePriority?: Priority;
  /** Escalate one tier up (a case at the top tier stays there). */
  escalateTier?: boolean;
  /** An internal note posted on the case, a message template (`{{ticket.number}}` …). */
  note?: string;
}

export interface Automation {
  id: string;
  name: string;
  status: TicketStatus;
  afterSeconds: number;
  businessTime: boolean;
  enabled: boolean;
  conditions: AutomationConditions;
  actions: AutomationActions;
}

/** When an automation falls due for a stay that began at `enteredAt`. */
export function automationDueAt(
  automation: Pick<Automation, "afterSeconds" | "businessTime">,
  rules: CalendarRules,
  enteredAt: Date,
): Date {
  return automation.businessTime
    ? addBusinessSeconds(rules, enteredAt, automation.afterSeconds)
    : new Date(enteredAt.getTime() + automation.afterSeconds * 1000);
}

/** The automations a stay in `status` schedules. */
export function automationsFor<A extends Pick<Automation, "status" | "enabled">>(automations: readonly A[], status: TicketStatus): A[] {
  return automations.filter((a) => a.enabled && a.status === status);
}

export interface AutomationFacts {
  status: TicketStatus;
  teamId: string | null;
  priority: Priority;
  type: TicketType;
  tags: readonly string[];
  tierLevel: number;
}

/** Every listed condition holds on the case (a list holds when the case has any of its values), and it is still in the status. */
export function automationApplies(automation: Pick<Automation, "status" | "conditions">, facts: AutomationFacts): boolean {
  const c = automation.conditions;
  const within = <T>(allowed: readonly T[] | undefined, value: T) => !allowed?.length || allowed.includes(value);
  return (
    facts.status === automation.status &&
    within(c.priorities, facts.priority) &&
    within(c.types, facts.type) &&
    (!c.teamIds?.length || (facts.teamId !== null && c.teamIds.includes(facts.teamId))) &&
    (!c.tags?.length || c.tags.some((tag) => facts.tags.includes(tag)))
  );
}

const PRIORITY_RANK: Record<Priority, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

export interface AutomationOutcome {
  /** The fields it changes, before and after (only what actually changes). */
  changes: { field: "priority" | "tierLevel" | "tags"; before: unknown; after: unknown }[];
  tags: string[];
  priority: Priority;
  tierLevel: number;
  /** Tags that did not fit under MAX_TAGS. */
  tagsLeftOff: string[];
  /** The internal note to post, rendered. */
  note: string | null;
  alertSupervisors: boolean;
  alertAssignee: boolean;
}

/** What firing the automation does to the case, given its facts and the values its note template may name. */
export function automationOutcome(
  actions: AutomationActions,
  facts: AutomationFacts,
  placeholders: Partial<Record<Placeholder, string | null>> = {},
): AutomationOutcome {
  const changes: AutomationOutcome["changes"] = [];
  const tagEdit = tagChange(facts.tags, actions.addTags ?? []);
  if (tagEdit.added.length) changes.push({ field: "tags", before: [...facts.tags].sort(), after: [...tagEdit.tags].sort() });
  const priority =
    actions.raisePriority && PRIORITY_RANK[actions.raisePriority] > PRIORITY_RANK[facts.priority] ? actions.raisePriority : facts.priority;
  if (priority !== facts.priority) changes.push({ field: "priority", before: facts.priority, after: priority });
  const tierLevel = actions.escalateTier && facts.tierLevel < TOP_TIER ? facts.tierLevel + 1 : facts.tierLevel;
  if (tierLevel !== facts.tierLevel) changes.push({ field: "tierLevel", before: facts.tierLevel, after: tierLevel });
  return {
    changes,
    tags: tagEdit.tags,
    priority,
    tierLevel,
    tagsLeftOff: tagEdit.leftOff,
    note: actions.note
      ? renderTemplate(actions.note, { "ticket.status": facts.status, "ticket.priority": priority, ...placeholders })
      : null,
    alertSupervisors: Boolean(actions.alertSupervisors),
    alertAssignee: Boolean(actions.alertAssignee),
  };
}

/** What is wrong with an automation's actions, as field (under `actions`) and message; empty when nothing. */
export function actionProblems(actions: AutomationActions): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const any =
    actions.alertAssignee ||
    actions.alertSupervisors ||
    actions.addTags?.length ||
    actions.raisePriority ||
    actions.escalateTier ||
    actions.note?.trim();
  if (!any) problems.push({ field: "actions", message: "name at least one action" });
  if (actions.raisePriority === "LOW")
    problems.push({ field: "actions.raisePriority", message: "LOW is the lowest priority; nothing is raised to it" });
  const unknown = actions.note ? unknownPlaceholders(actions.note) : [];
  if (unknown.length) problems.push({ field: "actions.note", message: `unknown placeholders: ${unknown.join(", ")}` });
  return problems;
}
