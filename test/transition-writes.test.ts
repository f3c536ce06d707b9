// How a move reaches the database: one statement reads the case with what its move needs,
// one writes the case (versioned) with its SLA clocks, automation checks, note and audit
// event; a move that loses to a concurrent change at that write leaves nothing behind.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { createTicketVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let agent: TestUser;
let teamGid: string;

beforeAll(async () => {
  // No background scans, so every statement counted is the move's own.
  app = await createTestApp({ slaMonitor: false, reportFoldIntervalMs: 0, webhooks: { ...testConfig().webhooks, dispatcher: false } });
  const team = await seedTeam(app);
  teamGid = team.gid;
  agent = await seedUser(app, "AGENT", [team.id]);
});
afterAll(() => app?.close());

const MOVE = `mutation($i: TransitionTicketInput!) {
  transitionTicket(input: $i) { __typename ... on Error { code } ... on VersionConflictError { expectedVersion currentVersion } }
}`;
const move = async (input: Record<string, unknown>) => (await app.gql(MOVE, { i: input }, { token: agent.token })).data.transitionTicket;

/** The statements of the case's rows a move wrote: its version, targets, comments and events. */
async function rowsOf(ticketId: string) {
  const id = Buffer.from(ticketId, "base64").toString().split(":")[1]!;
  const prisma = app.db.prisma;
  return {
    version: (await prisma.ticket.findUniqueOrThrow({ where: { id } })).version,
    targets: await prisma.slaTarget.findMany({ where: { ticketId: id }, orderBy: [{ kind: "asc" }, { cycle: "asc" }] }),
    comments: await prisma.comment.count({ where: { ticketId: id } }),
    events: await prisma.ticketEvent.count({ where: { ticketId: id } }),
  };
}

describe("a move's statements", () => {
  it("are the session, one read, one write carrying the audit event, the commit and the positions, whatever the move does", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: teamGid });
    const steps = [
      { to: "NOT_STARTED" }, // starts two targets
      { to: "TEAM_CHECKING" }, // meets the first response
      { to: "INFORM_CUSTOMER", note: "Refund sent" }, // pauses resolution, starts a follow-up, keeps the note
      { to: "NOT_STARTED", note: "Customer: not received" }, // meets the follow-up, resumes resolution, keeps the reply
    ];
    for (const step of steps) {
      app.queries.length = 0;
      expect(await move({ id: ticket.id, ...step })).toMatchObject({ __typename: "TransitionTicketPayload" });
      // The commit is logged by the driver (its text differs between PGlite and PostgreSQL).
      const kinds = app.queries.filter((sql) => !/COMMIT/.test(sql)).map((sql) => sql.trim().split(/\s+/)[0]!.toUpperCase());
      expect(kinds, app.queries.join("\n")).toEqual(["SELECT", "SELECT", "WITH", "SELECT"]);
      expect(app.queries.length).toBe(5);
    }
    const rows = await rowsOf(ticket.id);
    expect(rows.targets.map((t) => [t.kind, t.cycle, t.metAt !== null, t.pausedAt !== null])).toEqual([
      ["FIRST_RESPONSE", 1, true, false],
      ["RESOLUTION", 1, false, false],
      ["FOLLOW_UP", 1, true, false],
    ]);
    expect(rows.comments).toBe(2);
    expect(rows.events).toBe(5); // CREATED and four moves
  });
});

// PGlite runs one transaction at a time, so a move cannot lose at its write there.
const postgres = process.env.DATABASE_URL !== undefined;
describe.runIf(postgres)("a move losing at its write on PostgreSQL", () => {
  it("answers VERSION_CONFLICT and leaves no target, comment, event or version behind", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: teamGid });
    expect(await move({ id: ticket.id, to: "NOT_STARTED" })).toMatchObject({ __typename: "TransitionTicketPayload" });
    const id = Buffer.from(ticket.id, "base64").toString().split(":")[1]!;
    const before = await rowsOf(ticket.id);
    // Another writer holds the case's row with a newer version, not yet committed: the move
    // reads the committed version, passes its checks and waits at its write for the row.
    const url = app.config.database.kind === "postgres" ? app.config.database.url : "";
    const other = new pg.Client({ connectionString: url, application_name: "concurrent_writer" });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`UPDATE "Ticket" SET "version" = "version" + 1 WHERE "id" = $1`, [id]);
      let settled = false;
      const moving = move({ id: ticket.id, to: "TEAM_CHECKING", note: "Checking with payments", expectedVersion: before.version });
      void moving.finally(() => (settled = true));
      // Until the move's write waits for that writer (pg_blocking_pids names it), or
      // the move has answered (then the assertion below shows how).
      for (;;) {
        const { rows } = await other.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))`,
        );
        if (rows[0].n > 0 || settled) break;
      }
      await other.query("COMMIT");
      expect(await moving).toMatchObject({
        __typename: "VersionConflictError",
        expectedVersion: before.version,
        currentVersion: before.version + 1,
      });
    } finally {
      await other.end();
    }
    const after = await rowsOf(ticket.id);
    expect(after).toEqual({ ...before, version: before.version + 1 });
  });
});
