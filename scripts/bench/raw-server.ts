// The raw-SQL ceiling of `npm run bench:compare`: a bare node:http server on a pg pool of
// DATABASE_POOL_SIZE connections that answers the benchmark's requests with hand-written
// SQL, doing the same work as caseflow and nothing more. Started as its own process:
//   DATABASE_URL=… PORT=… node --import tsx scripts/bench/raw-server.ts
// Every request first checks the bearer session in one statement (scripts/bench/peer/session.sql,
// the facts caseflow's authenticate() reads); an unknown, revoked or expired session is a 401.
//  POST /list      tickets(first: 50) with team, assignee, tags and the last 3 comments: one
//                  statement builds caseflow's exact JSON (global ids, edges/node, the comments
//                  connection) as text, written to the response unparsed.
//  POST /list-sla  the same plus each case's SLA state (the latest cycle of each target, its
//                  state computed now in business time by caseflow's own pure rules).
//  POST /move      {id, to, note?}: transitionTicket's work in one transaction: the case with its
//                  targets and SLA settings in one statement, the workflow and SLA rules of
//                  src/domain, the versioned update, the SLA starts/pauses/resumes/meets, the
//                  status automations' checks (dropped; the new status's looked up), the note as a
//                  comment, the audit event; after the commit, the event's position is read for
//                  publishing, as caseflow's outbox does.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { hashToken } from "../../src/auth/secrets.js";
import type { Viewer } from "../../src/domain/access.js";
import {
  budgetOf,
  clockState,
  latestCycles,
  meetClock,
  type PolicyTargets,
  pauseClock,
  resumeClock,
  type SlaKind,
  schedule,
  selectPolicy,
  slaEffects,
  type TargetClock,
} from "../../src/domain/sla.js";
import { assertTransition, transitionEffects } from "../../src/domain/workflow.js";
import type { TicketStatus } from "../../src/generated/prisma/enums.js";
import { calendarRules } from "../../src/resolvers/sla/clocks.js";

const SESSION_SQL = readFileSync(new URL("./peer/session.sql", import.meta.url), "utf8");
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  options: "-c jit=off",
});
// "timestamp without time zone" columns hold UTC (as Prisma writes them).
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (text) => new Date(`${text.replace(" ", "T")}Z`));

const iso = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const globalId = (type: string, column: string) => `encode(convert_to('${type}:' || ${column}, 'UTF8'), 'base64')`;

/** The page; with `sla`, each case also carries its targets' latest cycles for the state computed in Node. */
const listSql = (sla: boolean) => `
  SELECT json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
      'id', ${globalId("Ticket", "t.id::text")}, 'number', t.number, 'title', t.title, 'status', t.status, 'priority', t.priority,
      'team', (SELECT json_build_object('name', tm.name) FROM "Team" tm WHERE tm.id = t."teamId"),
      'assignee', (SELECT json_build_object('name', u.name) FROM "User" u WHERE u.id = t."assigneeId"),
      'tags', ARRAY(SELECT g.name FROM "TicketTag" tt JOIN "Tag" g ON g.id = tt."tagId" WHERE tt."ticketId" = t.id ORDER BY g.name COLLATE "C"),
      'comments', json_build_object('edges', ARRAY(
        SELECT json_build_object('node', json_build_object('id', ${globalId("Comment", "c.id::text")}, 'body', c.body, 'createdAt', ${iso('c."createdAt"')}))
        FROM (SELECT id, body, "createdAt" FROM "Comment" WHERE "ticketId" = t.id ORDER BY "createdAt" DESC, id DESC LIMIT 3) c
        ORDER BY c."createdAt", c.id))${
          sla
            ? `,
      'targets', ARRAY(
        SELECT json_build_object('kind', s.kind, 'cycle', s.cycle, 'budgetSeconds', s."budgetSeconds", 'consumedSeconds', s."consumedSeconds",
          'warningBeforeSeconds', s."warningBeforeSeconds", 'startedAt', ${iso('s."startedAt"')}, 'dueAt', ${iso('s."dueAt"')},
          'pausedAt', ${iso('s."pausedAt"')}, 'metAt', ${iso('s."metAt"')}, 'warnedAt', ${iso('s."warnedAt"')}, 'breachedAt', ${iso('s."breachedAt"')},
          'calendar', (SELECT json_build_object('timeZone', bc."timeZone", 'weeklyHours', bc."weeklyHours", 'holidays', bc.holidays)
                       FROM "BusinessCalendar" bc WHERE bc.id = s."calendarId"))
        FROM (SELECT DISTINCT ON (kind) * FROM "SlaTarget" WHERE "ticketId" = t.id ORDER BY kind, cycle DESC) s)`
            : ""
        }
    )) ORDER BY t."createdAt" DESC, t.id DESC), '[]')) AS page
  FROM (SELECT * FROM "Ticket" t WHERE $1::boolean OR t."teamId" = ANY($2::uuid[]) ORDER BY t."createdAt" DESC, t.id DESC LIMIT 50) t`;
const LIST_SQL = `SELECT page::text FROM (${listSql(false)}) p`;
const LIST_SLA_SQL = listSql(true);

type Session = { userId: string; role: string; teamIds: string[]; swarmTicketIds: string[]; canViewContact: boolean; id: string };

async function sessionOf(req: IncomingMessage): Promise<Session | null> {
  const match = /^Bearer\s+(\S+)$/i.exec((req.headers.authorization ?? "").trim());
  if (!match) return null;
  const { rows } = await pool.query(SESSION_SQL, [hashToken(match[1]!)]);
  const session = rows[0];
  if (!session || session.revokedAt || session.expiresAt <= new Date() || !session.active) return null;
  return session;
}

// The benchmark's viewer is a manager, who sees every case. Other roles are narrowed to their
// teams only, a simplification of caseflow's visibility rule that the benchmark never exercises.
const seesAll = (session: Session) => session.role === "MANAGER" || session.role === "ADMIN";

async function list(session: Session, res: ServerResponse) {
  const { rows } = await pool.query({ text: LIST_SQL, values: [seesAll(session), session.teamIds], rowMode: "array" });
  res.writeHead(200, { "content-type": "application/json" }).end(`{"data":{"tickets":${rows[0]![0]}}}`);
}

const revive = (value: string | null) => (value === null ? null : new Date(value));

async function listWithSla(session: Session, res: ServerResponse) {
  const { rows } = await pool.query(LIST_SLA_SQL, [seesAll(session), session.teamIds]);
  const now = new Date();
  for (const { node } of rows[0].page.edges) {
    type Row = TargetClock & { kind: string; cycle: number; calendar: Parameters<typeof calendarRules>[0] };
    const targets = (node.targets as Record<string, any>[]).map(
      (t): Row => ({
        ...(t as Row),
        startedAt: new Date(t.startedAt),
        dueAt: revive(t.dueAt),
        pausedAt: revive(t.pausedAt),
        metAt: revive(t.metAt),
        warnedAt: revive(t.warnedAt),
        breachedAt: revive(t.breachedAt),
      }),
    );
    node.targets = undefined;
    node.sla = {
      targets: [...latestCycles(targets).values()].map((target) => {
        const { state } = clockState(calendarRules(target.calendar), target, now);
        return { kind: target.kind, state, dueAt: target.dueAt?.toISOString() ?? null };
      }),
    };
  }
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { tickets: rows[0].page } }));
}

/** The case, its SLA targets and the settings a move may need (slaSettings' statement), in one statement. */
const MOVE_READ_SQL = `
  SELECT t.*,
    (SELECT coalesce(json_agg(s), '[]') FROM "SlaTarget" s WHERE s."ticketId" = t.id) AS "targetsJson",
    (SELECT "level" FROM "Tier" WHERE "id" = t."tierId") AS "tierLevel",
    (SELECT coalesce(json_agg(json_build_object('policy', p, 'calendar', c)), '[]'::json)
       FROM "SlaPolicy" p LEFT JOIN "BusinessCalendar" c ON c."id" = p."calendarId" WHERE p."priority" = t.priority) AS "policies",
    (SELECT row_to_json(c) FROM "Team" tm JOIN "BusinessCalendar" c ON c."id" = tm."calendarId" WHERE tm."id" = t."teamId") AS "teamCalendar",
    (SELECT row_to_json(c) FROM "BusinessCalendar" c WHERE c."isDefault" LIMIT 1) AS "defaultCalendar"
  FROM "Ticket" t WHERE t.id = $1`;
const TARGET_DATES = ["startedAt", "dueAt", "warnAt", "pausedAt", "metAt", "warnedAt", "breachedAt", "nextCheckAt"];
const EVENT_SQL = `
  WITH event AS (
    INSERT INTO "TicketEvent" ("ticketId", "type", "actorKind", "actorUserId", "actorTokenId", "before", "after", "note", "at")
    VALUES ($1::uuid, 'STATUS_CHANGED', 'USER'::"ActorKind", $2::uuid, NULL, $3::jsonb, $4::jsonb, $5, $6)
    RETURNING "seq", "ticketId")
  SELECT event."seq", t."teamId"::text AS "teamId", t."assigneeId"::text AS "assigneeId", t."status"::text AS "status",
         ARRAY(SELECT w."id"::text FROM "WebhookEndpoint" w
               WHERE w."enabled" AND t."teamId" = ANY(w."teamIds") AND $7::text = ANY(w."eventTypes")) AS "webhookEndpointIds"
  FROM event JOIN "Ticket" t ON t."id" = event."ticketId"`;

/** `UPDATE table SET "a" = $2, … WHERE id = $1` from an object of column values. */
function updateSql(table: string, id: string, data: Record<string, unknown>, extra = "") {
  const columns = Object.keys(data);
  return {
    text: `UPDATE "${table}" SET ${columns.map((c, i) => `"${c}" = $${i + 2}`).join(", ")}${extra} WHERE id = $1`,
    values: [id, ...columns.map((c) => data[c])],
  };
}

function insertSql(table: string, data: Record<string, unknown>) {
  const columns = Object.keys(data);
  return {
    text: `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
    values: columns.map((c) => data[c]),
  };
}

async function move(session: Session, request: { id: string; to: TicketStatus; note?: string }, res: ServerResponse) {
  const viewer: Viewer = {
    kind: "user",
    userId: session.userId,
    sessionId: session.id,
    role: session.role as never,
    canViewContact: session.canViewContact,
    teamIds: session.teamIds,
    swarmTicketIds: session.swarmTicketIds,
  };
  const note = request.note ?? null;
  const now = new Date();
  const client = await pool.connect();
  let seq: string;
  try {
    await client.query("BEGIN");
    const {
      rows: [ticket],
    } = await client.query(MOVE_READ_SQL, [request.id]);
    if (!ticket) throw new Error("no such case");
    assertTransition(viewer, ticket, { to: request.to, note, resolution: undefined });
    const customerReplied = ticket.status === "INFORM_CUSTOMER" && request.to === "NOT_STARTED";
    const targets = (ticket.targetsJson as Record<string, any>[]).map((t) => {
      for (const key of TARGET_DATES) if (t[key]) t[key] = new Date(`${t[key]}Z`);
      return t;
    });
    if (!customerReplied && targets.some((t) => t.breachedAt && t.breachReason === null)) throw new Error("breach reason owed");
    // saveTicket's versioned update: no row means someone else moved the case first.
    const changes = updateSql(
      "Ticket",
      ticket.id,
      { ...transitionEffects(ticket.status, request.to, now, ticket.firstRespondedAt), updatedAt: now },
      ", version = version + 1",
    );
    const update = await client.query(`${changes.text} AND version = ${Number(ticket.version)}`, changes.values);
    if (update.rowCount === 0) throw new Error("version conflict");
    const effects = slaEffects(ticket.status, request.to, targets as never[], now);
    if (effects.length) {
      const chosen = selectPolicy(
        (ticket.policies as { policy: PolicyTargets & { id: string }; calendar: any }[]).map(({ policy, calendar }) => ({
          ...policy,
          channels: policy.channels ?? [],
          calendar,
        })),
        { priority: ticket.priority, teamId: ticket.teamId, tierLevel: ticket.tierLevel, channel: ticket.channel },
      );
      const calendar = chosen?.calendar ?? ticket.teamCalendar ?? ticket.defaultCalendar;
      const rules = calendarRules(calendar);
      for (const effect of effects) {
        if (effect.op === "start") {
          if (!chosen) continue;
          const clock = {
            budgetSeconds: budgetOf(chosen, effect.kind as SlaKind),
            consumedSeconds: 0,
            warningBeforeSeconds: chosen.warningBeforeSeconds,
            startedAt: effect.at,
            warnedAt: null,
            breachedAt: null,
          };
          await client.query(
            insertSql("SlaTarget", {
              id: randomUUID(),
              ticketId: ticket.id,
              kind: effect.kind,
              cycle: effect.cycle,
              calendarId: calendar?.id ?? null,
              ...clock,
              ...schedule(rules, clock),
            }),
          );
        } else {
          const target = effect.target as TargetClock & { id: string };
          const data =
            effect.op === "pause"
              ? pauseClock(rules, target, effect.at)
              : effect.op === "resume"
                ? resumeClock(rules, target, effect.at)
                : meetClock(rules, target, effect.at);
          await client.query(updateSql("SlaTarget", target.id, data));
        }
      }
    }
    // automationsOnStatusChange: the ended stay's checks go, the new status's automations are looked up.
    const automations = await client.query(
      `WITH dropped AS (DELETE FROM "AutomationCheck" WHERE "ticketId" = $1)
       SELECT id FROM "StatusAutomation" WHERE enabled AND status = $2::"TicketStatus"`,
      [ticket.id, request.to],
    );
    if (automations.rowCount) throw new Error("the raw transaction schedules no automations; the benchmark's database has none");
    if (note) {
      await client.query(
        insertSql("Comment", {
          id: randomUUID(),
          ticketId: ticket.id,
          body: note,
          visibility: customerReplied ? "PUBLIC" : "INTERNAL",
          kind: customerReplied ? "CUSTOMER_REPLY" : "NOTE",
          swarmId: null,
          createdAt: now,
          authorId: session.userId,
          authorTokenId: null,
        }),
      );
    }
    const event = await client.query(EVENT_SQL, [
      ticket.id,
      session.userId,
      JSON.stringify({ status: ticket.status }),
      JSON.stringify({ status: request.to }),
      note,
      now,
      "TICKET_STATUS_CHANGED", // the webhook event a status change is sent as
    ]);
    seq = event.rows[0].seq;
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
  // The commit gave the event its position; caseflow reads it back for publishing too.
  await pool.query(`SELECT "seq", "position" FROM "TicketEvent" WHERE "seq" = ANY($1::bigint[])`, [[seq]]);
  res.writeHead(200, { "content-type": "application/json" }).end(`{"ok":true}`);
}

const server = createServer(async (req, res) => {
  try {
    let body = "";
    for await (const chunk of req) body += chunk;
    const session = await sessionOf(req);
    if (!session) return void res.writeHead(401).end();
    if (req.url === "/list") await list(session, res);
    else if (req.url === "/list-sla") await listWithSla(session, res);
    else if (req.url === "/move") await move(session, JSON.parse(body), res);
    else res.writeHead(404).end();
  } catch (error) {
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : address}`);
});
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
