import { describe, expect, it } from "vitest";
import {
  administersEverything,
  type Grant,
  HIDDEN_CASE_ENTRY,
  mayAssign,
  mayDelegate,
  type TokenScope,
  timelineBody,
  tokenReachesTeam,
  type Viewer,
} from "../../src/domain/access.js";
import type { Role } from "../../src/generated/prisma/enums.js";

const token = (scopes: TokenScope[], teamIds: string[] = []): Viewer => ({ kind: "token", tokenId: "t", scopes, teamIds });
const person = (role: Role, teamIds: string[] = [], canViewContact = false): Viewer => ({
  kind: "user",
  userId: "u",
  sessionId: "s",
  role,
  teamIds,
  canViewContact,
});
const newToken = (scopes: TokenScope[], teamIds: string[] = []): Grant => ({ kind: "token", scopes, teamIds });
const newPerson = (role: Role, teamIds: string[] = [], canViewContact = false): Grant => ({ kind: "user", role, teamIds, canViewContact });
const fields = (viewer: Viewer, grant: Grant) => mayDelegate(viewer, grant).map((r) => r.field);

describe("mayDelegate: tokens made by tokens", () => {
  it("lets an unlimited admin token grant any scope for any teams", () => {
    expect(fields(token(["admin"]), newToken(["admin"]))).toEqual([]);
    expect(fields(token(["admin"]), newToken(["contacts:read", "reports:read"], ["B"]))).toEqual([]);
  });

  it("keeps a team-limited token's creations inside its teams", () => {
    const limited = token(["admin"], ["A", "C"]);
    expect(fields(limited, newToken(["tickets:read"]))).toEqual(["teamIds"]);
    expect(fields(limited, newToken(["tickets:read"], ["B"]))).toEqual(["teamIds"]);
    expect(fields(limited, newToken(["tickets:read"], ["A", "B"]))).toEqual(["teamIds"]);
    expect(fields(limited, newToken(["admin"], ["A", "C"]))).toEqual([]);
    expect(fields(limited, newToken(["tickets:write"], ["C"]))).toEqual([]);
  });

  it("grants only scopes the creator holds, counting implied ones", () => {
    expect(fields(token(["tickets:write"]), newToken(["tickets:read", "comments:write"]))).toEqual([]);
    expect(fields(token(["tickets:write"]), newToken(["contacts:read"]))).toEqual(["scopes"]);
    expect(fields(token(["comments:write"]), newToken(["tickets:write"]))).toEqual(["scopes"]);
    expect(mayDelegate(token(["tickets:read"]), newToken(["admin"]))[0]!.message).toContain('"admin"');
  });
});

describe("mayDelegate: people made or changed by tokens", () => {
  const limited = token(["admin"], ["A"]);

  it("refuses roles that see every team to a team-limited token, naming the role", () => {
    expect(fields(limited, newPerson("MANAGER", ["A"]))).toEqual(["role"]);
    expect(fields(limited, newPerson("ADMIN", ["A"]))).toEqual(["role"]);
    expect(fields(token(["admin"]), newPerson("ADMIN", [], true))).toEqual([]);
  });

  it("keeps people in the token's teams", () => {
    expect(fields(limited, newPerson("SUPERVISOR", ["A"], true))).toEqual([]);
    expect(fields(limited, newPerson("AGENT", []))).toEqual([]);
    expect(fields(limited, newPerson("AGENT", ["A", "B"]))).toEqual(["teamIds"]);
  });

  it("needs the admin scope for any role, and contacts:read to grant contact access", () => {
    const reader = token(["tickets:write", "reports:read"]);
    expect(fields(reader, newPerson("AGENT"))).toEqual(["role"]);
    expect(fields(token(["admin"]), newPerson("AGENT", [], true))).toEqual([]);
  });
});

describe("mayDelegate: what people may hand out", () => {
  it("bounds an administrator's tokens by the administrator's contact permission", () => {
    expect(fields(person("ADMIN"), newToken(["contacts:read"]))).toEqual(["scopes"]);
    expect(fields(person("ADMIN", [], true), newToken(["contacts:read", "admin"]))).toEqual([]);
    expect(fields(person("ADMIN"), newPerson("AGENT", [], true))).toEqual(["canViewContact"]);
  });

  it("bounds by role: never above one's own, and team-bound roles stay in their teams", () => {
    expect(fields(person("MANAGER", [], true), newPerson("ADMIN"))).toEqual(["role"]);
    expect(fields(person("MANAGER"), newToken(["admin"]))).toEqual(["scopes"]);
    expect(fields(person("MANAGER"), newPerson("MANAGER", ["X"]))).toEqual([]);
    expect(fields(person("SUPERVISOR", ["A"]), newToken(["tickets:read"]))).toEqual(["teamIds"]);
    expect(fields(person("SUPERVISOR", ["A"]), newToken(["reports:read"], ["A"]))).toEqual([]);
    expect(fields(person("AGENT", ["A"]), newToken(["reports:read"], ["A"]))).toEqual(["scopes"]);
    expect(fields(person("SUPERVISOR", ["A"]), newPerson("MANAGER", ["A"]))).toEqual(["role"]);
  });

  it("says why, one refusal per field", () => {
    const refusals = mayDelegate(token(["admin"], ["A"]), newPerson("ADMIN", ["B"]));
    expect(refusals).toEqual([{ field: "role", message: expect.stringContaining("every team") }]);
    expect(mayDelegate(token(["tickets:read"], ["A"]), newToken(["tickets:write"], ["B"]))).toEqual([
      { field: "scopes", message: expect.stringContaining("tickets:write") },
      { field: "teamIds", message: "names a team outside your own" },
    ]);
  });
});

describe("administersEverything", () => {
  it("is ADMIN people (whatever their teams) and unlimited admin tokens, nobody else", () => {
    expect(administersEverything(person("ADMIN"))).toBe(true);
    expect(administersEverything(person("ADMIN", ["a"]))).toBe(true);
    expect(administersEverything(token(["admin"]))).toBe(true);
    expect(administersEverything(token(["admin"], ["a"]))).toBe(false);
    expect(administersEverything(person("MANAGER"))).toBe(false);
    expect(administersEverything(token(["tickets:write", "webhooks:manage", "reports:read"]))).toBe(false);
    expect(administersEverything(null)).toBe(false);
  });
});

describe("tokenReachesTeam", () => {
  it("is every team for a token limited to none, its own teams only for a limited one, and never a case without a team for the latter", () => {
    expect(tokenReachesTeam({ teamIds: [] }, "a")).toBe(true);
    expect(tokenReachesTeam({ teamIds: [] }, null)).toBe(true);
    expect(tokenReachesTeam({ teamIds: ["a", "b"] }, "b")).toBe(true);
    expect(tokenReachesTeam({ teamIds: ["a"] }, "b")).toBe(false);
    expect(tokenReachesTeam({ teamIds: ["a"] }, null)).toBe(false);
  });
});

describe("timelineBody", () => {
  const ticket = { id: "t1", teamId: "B", assigneeId: null, submittedById: null };
  const entry = { body: "WX-20261202-001 linked", ticket };

  it("names a linked case only to those who may see it", () => {
    expect(timelineBody(person("AGENT", ["B"]), entry)).toBe("WX-20261202-001 linked");
    expect(timelineBody(person("MANAGER"), entry)).toBe("WX-20261202-001 linked");
    expect(timelineBody(person("AGENT", ["A"]), entry)).toBe(HIDDEN_CASE_ENTRY);
    expect(timelineBody(token(["tickets:read"], ["A"]), entry)).toBe(HIDDEN_CASE_ENTRY);
    expect(timelineBody({ ...(person("AGENT", ["A"]) as Viewer & { kind: "user" }), swarmTicketIds: ["t1"] }, entry)).toBe(
      "WX-20261202-001 linked",
    );
  });

  it("leaves entries about no case as written", () => {
    expect(timelineBody(person("AGENT", ["A"]), { body: "Vendor confirmed the fault", ticket: null })).toBe("Vendor confirmed the fault");
  });
});

describe("mayAssign", () => {
  const me = (role: Role, teamIds: string[] = ["A"]): Viewer => ({
    kind: "user",
    userId: "me",
    sessionId: "s",
    role,
    teamIds,
    canViewContact: false,
  });
  const unassigned = { teamId: "A", assigneeId: null };
  const mine = { teamId: "A", assigneeId: "me" };
  const theirs = { teamId: "A", assigneeId: "other" };

  it("lets an agent of the owning team take a case and drop it while it is theirs, nothing else", () => {
    const agent = me("AGENT");
    expect(mayAssign(agent, unassigned, { assigneeId: "me" })).toBe(true);
    expect(mayAssign(agent, theirs, { assigneeId: "me" })).toBe(true);
    expect(mayAssign(agent, mine, { assigneeId: null })).toBe(true);
    expect(mayAssign(agent, theirs, { assigneeId: null })).toBe(false);
    expect(mayAssign(agent, unassigned, { assigneeId: "other" })).toBe(false);
    expect(mayAssign(agent, mine, { assigneeId: "other" })).toBe(false);
    expect(mayAssign(agent, unassigned, { byStrategy: true })).toBe(false);
  });

  it("refuses an agent outside the owning team even their own taking", () => {
    expect(mayAssign(me("AGENT", ["B"]), unassigned, { assigneeId: "me" })).toBe(false);
    expect(mayAssign(me("AGENT", ["B"]), mine, { assigneeId: null })).toBe(false);
  });

  it("lets supervisors and up hand any case to anyone, and by strategy", () => {
    for (const role of ["SUPERVISOR", "MANAGER", "ADMIN"] as Role[]) {
      expect(mayAssign(me(role, []), theirs, { assigneeId: "third" })).toBe(true);
      expect(mayAssign(me(role, []), theirs, { assigneeId: null })).toBe(true);
      expect(mayAssign(me(role, []), unassigned, { byStrategy: true })).toBe(true);
    }
  });

  it("lets a token hand out cases of its teams only, and an unlimited token any", () => {
    expect(mayAssign(token(["tickets:write"], ["A"]), theirs, { assigneeId: "third" })).toBe(true);
    expect(mayAssign(token(["tickets:write"], ["A"]), unassigned, { byStrategy: true })).toBe(true);
    expect(mayAssign(token(["tickets:write"], ["B"]), theirs, { assigneeId: "third" })).toBe(false);
    expect(mayAssign(token(["tickets:write"], ["B"]), unassigned, { byStrategy: true })).toBe(false);
    expect(mayAssign(token(["tickets:write"]), unassigned, { byStrategy: true })).toBe(true);
  });

  it("refuses the anonymous", () => {
    expect(mayAssign(null, unassigned, { assigneeId: null })).toBe(false);
  });
});
