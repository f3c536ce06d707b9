// What a new installation starts with, straight from the domain's tables.
import type { Priority, TicketType } from "../generated/prisma/enums.js";

export const DEFAULT_TIERS = [
  { level: 1, name: "L1", description: "Simple questions, answered in minutes by the front line." },
  { level: 2, name: "L2", description: "Needs a specialist of the owning team." },
  { level: 3, name: "L3", description: "Needs engineering or the product owner." },
  { level: 4, name: "L4", description: "Experts and vendors; no committed time." },
];

const HOUR = 3600;

/** Targets per priority in seconds: first response, resolution, follow-up while waiting. */
export const DEFAULT_SLA_POLICIES: {
  priority: Priority;
  firstResponseSeconds: number;
  resolutionSeconds: number;
  followUpSeconds: number;
  warningBeforeSeconds: number;
}[] = [
  { priority: "HIGH", firstResponseSeconds: HOUR / 2, resolutionSeconds: 24 * HOUR, followUpSeconds: 24 * HOUR, warningBeforeSeconds: 600 },
  {
    priority: "MEDIUM",
    firstResponseSeconds: 2 * HOUR,
    resolutionSeconds: 48 * HOUR,
    followUpSeconds: 24 * HOUR,
    warningBeforeSeconds: 1800,
  },
  {
    priority: "LOW",
    firstResponseSeconds: 24 * HOUR,
    resolutionSeconds: 72 * HOUR,
    followUpSeconds: 24 * HOUR,
    warningBeforeSeconds: 3600,
  },
];

export const DEFAULT_CALENDAR = { name: "24/7", timeZone: "UTC" };

/** The routing desks of the domain and the case type each one receives. */
export const DEFAULT_ROUTES: { team: string; description: string; type: TicketType }[] = [
  { team: "Tech-Support", description: "Technical faults.", type: "TECHNICAL_FAULT" },
  { team: "Complaints-Desk", description: "Customer complaints.", type: "COMPLAINT" },
  { team: "Answer-Desk", description: "Questions and inquiries.", type: "INQUIRY" },
  { team: "Product", description: "Suggestions and product feedback.", type: "SUGGESTION" },
];

/** Tag triggers every installation starts with (docs/domain.md): crashes go to L2, churn risks to the supervisor. */
export const DEFAULT_TRIGGERS = [
  {
    name: "Crash reports go to tier 2",
    position: 100,
    runsOn: ["CREATED", "UPDATED"],
    conditions: { tags: ["system_crash"] },
    actions: { tierLevel: 2 },
  },
  {
    name: "At-risk customers alert the supervisor",
    position: 110,
    runsOn: ["CREATED", "UPDATED"],
    conditions: { tags: ["at_risk"] },
    actions: { atRisk: true, alertSupervisors: true },
  },
];
