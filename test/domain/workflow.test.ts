import { describe, expect, it } from "vitest";
import type { Viewer } from "../../src/domain/access.js";
import {
  assertTransition,
  availableTransitions,
  dropsAssignee,
  isFirstResponse,
  isWorkflowMove,
  titleProblem,
  transitionEffects,
  type WorkflowFacts,
} from "../../src/domain/workflow.js";
import { InvalidTransitionError, ValidationError } from "../../src/errors.js";

const TEAM = "team-payments";
const agent = (teamIds: string[] = [TEAM]): Viewer => ({
  kind: "user",
  userId: "u1",
  sessionId: "s",
  role: "AGENT",
  teamIds,
  canViewContact: false,
});
const supervisor: Viewer = { kind: "user", userId: "u2", sessionId: "s", role: "SUPERVISOR", teamIds: [], canViewContact: false };
const manager: Viewer = { kind: "user", userId: "u3", sessionId: "s", role: "MANAGER", teamIds: [], canViewContact: false };
const bot = (scopes: any[], teamIds: string[] = []): Viewer => ({ kind: "token", tokenId: "t", scopes, teamIds });

const complete: WorkflowFacts = {
  status: "NEW",
  teamId: TEAM,
  assigneeId: null,
  submittedById: "u9",
  accountId: "ACC-1",
  externalRef: "INT-1",
  priority: "HIGH",
  channel: "WECHAT",
  description: "refund missing",
  details: "customer tried twice",
};
const at = (status: WorkflowFacts["status"]) => ({ ...complete, status });

function refusedWith(fn: () => void) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
}

describe("workflow", () => {
  it("moves through the states in order and names the allowed moves", () => {
    expect(availableTransitions(agent(), at("NEW"))).toEqual(["NOT_STARTED"]);
    expect(availableTransitions(agent(), at("NOT_STARTED"))).toEqual(["TEAM_CHECKING"]);
    expect(availableTransitions(agent(), at("TEAM_CHECKING"))).toEqual(["INFORM_CUSTOMER"]);
    expect(availableTransitions(agent(), at("INFORM_CUSTOMER"))).toEqual(["DONE", "NOT_STARTED"]);
    expect(availableTransitions(agent(), at("DONE"))).toEqual(["NOT_STARTED"]);
    expect(availableTransitions(supervisor, at("DONE"))).toEqual(["BACKLOG", "NOT_STARTED"]);
    expect(availableTransitions(manager, at("BACKLOG"))).toEqual([]);
  });

  it("refuses skipping a state and lists what is allowed", () => {
    const error = refusedWith(() => assertTransition(agent(), at("NOT_STARTED"), { to: "DONE" })) as InvalidTransitionError;
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(error.allowed).toEqual(["TEAM_CHECKING"]);
    expect(error.message).toMatch(/Allowed next states: TEAM_CHECKING/);
  });

  it("requires every mandatory field before a case leaves NEW", () => {
    const error = refusedWith(() =>
      assertTransition(agent(), { ...complete, externalRef: " ", details: null, teamId: null }, { to: "NOT_STARTED" }),
    ) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(["externalRef", "details", "teamId"]);
  });

  it("lets only the owning team or supervisors+ take a case into TEAM_CHECKING", () => {
    expect(() => assertTransition(agent(["other"]), at("NOT_STARTED"), { to: "TEAM_CHECKING" })).toThrow(/owning team/);
    expect(() => assertTransition(agent(), at("NOT_STARTED"), { to: "TEAM_CHECKING" })).not.toThrow();
    expect(() => assertTransition(supervisor, at("NOT_STARTED"), { to: "TEAM_CHECKING" })).not.toThrow();
    expect(() => assertTransition(bot(["tickets:write"], [TEAM]), at("NOT_STARTED"), { to: "TEAM_CHECKING" })).not.toThrow();
    expect(() => assertTransition(bot(["tickets:write"], ["other"]), at("NOT_STARTED"), { to: "TEAM_CHECKING" })).toThrow(
      InvalidTransitionError,
    );
  });

  it("needs the team's answer to inform the customer, and a resolution to close", () => {
    expect(() => assertTransition(agent(), at("TEAM_CHECKING"), { to: "INFORM_CUSTOMER" })).toThrow(/input.note/);
    expect(() => assertTransition(agent(), at("TEAM_CHECKING"), { to: "INFORM_CUSTOMER", note: "refund sent" })).not.toThrow();
    expect(() => assertTransition(agent(), at("INFORM_CUSTOMER"), { to: "DONE", resolution: "  " })).toThrow(/input.resolution/);
    expect(() => assertTransition(agent(), at("INFORM_CUSTOMER"), { to: "DONE", resolution: "refunded" })).not.toThrow();
  });

  it("archives only by supervisors and managers", () => {
    const error = refusedWith(() => assertTransition(agent(), at("DONE"), { to: "BACKLOG" })) as InvalidTransitionError;
    expect(error.message).toMatch(/supervisors and managers/);
    expect(error.allowed).toEqual(["NOT_STARTED"]);
    expect(() => assertTransition(manager, at("DONE"), { to: "BACKLOG" })).not.toThrow();
    expect(() => assertTransition(bot(["tickets:write"]), at("DONE"), { to: "BACKLOG" })).toThrow(InvalidTransitionError);
  });

  it("stamps milestones and counts reopenings", () => {
    const now = new Date("2024-01-01T00:00:00Z");
    expect(transitionEffects("NOT_STARTED", "TEAM_CHECKING", now, null)).toMatchObject({ firstRespondedAt: now });
    expect(transitionEffects("NOT_STARTED", "TEAM_CHECKING", now, new Date(0))).not.toHaveProperty("firstRespondedAt");
    expect(transitionEffects("DONE", "NOT_STARTED", now, null)).toMatchObject({ reopenCount: { increment: 1 }, doneAt: null });
    expect(transitionEffects("INFORM_CUSTOMER", "NOT_STARTED", now, null)).not.toHaveProperty("reopenCount");
  });
});

describe("dropsAssignee", () => {
  const assigned = { teamId: "payments", assigneeId: "u1" };
  it("drops the assignee only when the case really moves to another team", () => {
    expect(dropsAssignee(assigned, "risk")).toBe(true);
    expect(dropsAssignee(assigned, "payments")).toBe(false);
    expect(dropsAssignee(assigned, undefined)).toBe(false);
    expect(dropsAssignee(assigned, null)).toBe(false);
    expect(dropsAssignee({ teamId: "payments", assigneeId: null }, "risk")).toBe(false);
    expect(dropsAssignee({ teamId: null, assigneeId: "u1" }, "risk")).toBe(true);
  });
});

describe("titleProblem", () => {
  it("asks the title to name the account, exactly as written", () => {
    expect(titleProblem("ACC-1001 refund not received", "ACC-1001")).toBeNull();
    expect(titleProblem("refund not received", "ACC-1001")).toBe("must contain the account ID (ACC-1001)");
    expect(titleProblem("acc-1001 refund", "ACC-1001")).not.toBeNull();
  });
});

describe("isFirstResponse", () => {
  const STATUSES = ["NEW", "NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER", "DONE", "BACKLOG"] as const;
  it("is taking the case into TEAM_CHECKING, and no other move, while nothing responded before", () => {
    for (const to of STATUSES) {
      expect(isFirstResponse({ kind: "move", to }, false)).toBe(to === "TEAM_CHECKING");
      expect(isFirstResponse({ kind: "move", to }, true)).toBe(false);
    }
  });
  it("is a public reply by someone acting for the owning team, while nothing responded before", () => {
    expect(isFirstResponse({ kind: "publicReply", byOwningTeam: true }, false)).toBe(true);
    expect(isFirstResponse({ kind: "publicReply", byOwningTeam: false }, false)).toBe(false);
    expect(isFirstResponse({ kind: "publicReply", byOwningTeam: true }, true)).toBe(false);
  });
  it("sets the case's firstRespondedAt through transitionEffects, once", () => {
    const now = new Date("2026-03-02T10:00:00Z");
    for (const to of STATUSES) {
      expect("firstRespondedAt" in transitionEffects("NOT_STARTED", to, now, null)).toBe(to === "TEAM_CHECKING");
    }
  });
});

describe("isWorkflowMove", () => {
  it("knows exactly the arrows of the workflow", () => {
    const STATUSES = ["NEW", "NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER", "DONE", "BACKLOG"] as const;
    const arrows = STATUSES.flatMap((from) => STATUSES.filter((to) => isWorkflowMove(from, to)).map((to) => `${from}>${to}`));
    expect(arrows).toEqual([
      "NEW>NOT_STARTED",
      "NOT_STARTED>TEAM_CHECKING",
      "TEAM_CHECKING>INFORM_CUSTOMER",
      "INFORM_CUSTOMER>NOT_STARTED",
      "INFORM_CUSTOMER>DONE",
      "DONE>NOT_STARTED",
      "DONE>BACKLOG",
    ]);
  });
});
