// `npm run bench:compare [-- --cases 20000 --seed 42 --rounds 3 --seconds 10 --pool 10]`:
// caseflow beside a raw-SQL ceiling and PostGraphile 5, three server processes on one
// PostgreSQL database, loaded by autocannon from processes of their own.
//  1. Builds caseflow the way npm start does, from the committed HEAD exported to
//     /tmp/caseflow-bench-build-<commit> (`--build tree`: the working tree as it is).
//  2. Creates the database caseflow_bench_<pid> on 127.0.0.1:5432 (or BENCH_ADMIN_URL), seeds it
//     with seed:demo's generator (--cases, default 100,000; --seed; --until), adds a fixed set of
//     comments (seed:demo writes none), creates a manager with a bearer session; drops it at the
//     end (`--keep` leaves it, `--reuse <name>` runs on a kept one without seeding).
//  3. Installs scripts/bench/peer with `npm ci --prefix` when its lockfile is newer than its
//     node_modules, starts caseflow (`node scripts/start.mjs`), the raw ceiling
//     (scripts/bench/raw-server.ts) and PostGraphile (scripts/bench/peer/server.mjs) with the same
//     pool size, each with its own PGAPPNAME so its PostgreSQL backends can be told apart.
//  4. Checks that one case-list answer of the raw ceiling and of PostGraphile is the same data in
//     the same shape as caseflow's (ordering normalised, PostGraphile's field names mapped), and
//     that three moves leave the same rows through transitionTicket and the raw transaction;
//     any difference fails the run.
//  5. Rounds interleaved A B C A B C … after a 3 s warm-up each, one autocannon process per round
//     (scripts/bench/peer/load.mjs; 32 connections for lists, 16 for transitions); around each
//     round it reads the CPU time of the server process and of its PostgreSQL backends
//     (pg_stat_activity by application name) from /proc/<pid>/stat.
//     `--only list,list-sla,transitions` picks workloads.
// Prints a Markdown report on stdout (and --json <file> writes every round's figures).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";
import pg from "pg";
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import { cpuTicks, TICK_MS } from "./cpu.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const peer = path.join(root, "scripts/bench/peer");
const { values: opts } = parseArgs({
  options: {
    cases: { type: "string", default: "100000" },
    seed: { type: "string", default: "42" },
    until: { type: "string", default: "2026-12-01" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    pool: { type: "string", default: "10" },
    only: { type: "string" },
    json: { type: "string" },
    keep: { type: "boolean", default: false },
    reuse: { type: "string" },
    build: { type: "string", default: "head" },
    "skip-build": { type: "boolean", default: false },
  },
});
const CASES = Number(opts.cases);
const ROUNDS = Number(opts.rounds);
const SECONDS = Number(opts.seconds);
const POOL = Number(opts.pool);
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = opts.reuse ?? `caseflow_bench_${process.pid}`;
if (!/^caseflow_bench_\w+$/.test(database)) throw new Error("the database's name must start with caseflow_bench_");
const DATABASE_URL = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
const log = (message: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`);

// ─── processes ─────────────────────────────────────────────────────────────
const children: ChildProcess[] = [];
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")} exited ${code}\n${out}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Server {
  name: string;
  label: string;
  process: ChildProcess;
  url: string;
}

async function startServer(
  name: string,
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  path_ = "/graphql",
  cwd = root,
) {
  const port = await freePort();
  const child = spawn(command, args, {
    cwd,
    env: {
      ...process.env,
      ...env,
      DATABASE_URL,
      DATABASE_POOL_SIZE: String(POOL),
      PORT: String(port),
      NODE_ENV: "production",
      PGAPPNAME: `bench_${name}`,
      TZ: "UTC",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return { name, label, process: child, url: `http://127.0.0.1:${port}${path_}` } satisfies Server;
}

// ─── the database ──────────────────────────────────────────────────────────
const admin = new pg.Client({ connectionString: ADMIN_URL, application_name: "bench_orchestrator" });
await admin.connect();
let db: pg.Client | undefined;
const servers: Server[] = [];

async function cleanUp() {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once("exit", r)) : null)));
  await db?.end().catch(() => {});
  if (!opts.keep && !opts.reuse) {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    log(`dropped ${database}`);
  }
  await admin.end();
}
process.on("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

try {
  // caseflow as committed (--build head, the default: HEAD exported to a folder of its own, so
  // others' unfinished edits in the working tree are not measured) or the working tree itself
  // (--build tree); either way built and started the way npm start does it.
  const head = (await run("git", ["rev-parse", "HEAD"])).trim();
  const caseflowDir = opts.build === "tree" ? root : `/tmp/caseflow-bench-build-${head.slice(0, 12)}`;
  if (opts.build !== "tree" && !existsSync(path.join(caseflowDir, "dist/main.js"))) {
    log(`exporting ${head.slice(0, 12)} to ${caseflowDir}`);
    await run("sh", ["-c", `rm -rf "${caseflowDir}" && mkdir -p "${caseflowDir}" && git archive HEAD | tar -x -C "${caseflowDir}"`]);
    symlinkSync(path.join(root, "node_modules"), path.join(caseflowDir, "node_modules"));
  }
  if (opts.build !== "tree") {
    // The raw ceiling uses the same rules (src/domain) as the caseflow it is measured against.
    mkdirSync(path.join(caseflowDir, "scripts/bench/peer"), { recursive: true });
    for (const file of ["scripts/bench/raw-server.ts", "scripts/bench/peer/session.sql"])
      copyFileSync(path.join(root, file), path.join(caseflowDir, file));
  }
  if (!opts["skip-build"]) {
    log("building dist/ if stale (npm start's own check)");
    await run("node", ["scripts/start.mjs", "--build-only"], {}, caseflowDir);
  }
  const seedStarted = Date.now();
  if (!opts.reuse) {
    await admin.query(`CREATE DATABASE "${database}"`);
    log(`seeding ${CASES.toLocaleString("en")} cases into ${database} (seed ${opts.seed}, until ${opts.until})`);
    await run(
      "npx",
      ["tsx", "scripts/seed-demo.ts", "--cases", String(CASES), "--seed", opts.seed!, "--until", opts.until!],
      {
        DATABASE_URL,
        LOG_LEVEL: "warn",
      },
      caseflowDir,
    );
  }
  db = new pg.Client({ connectionString: DATABASE_URL, application_name: "bench_orchestrator" });
  await db.connect();
  if (!opts.reuse) {
    // seed:demo writes no comments; 0-5 notes per case, fixed by the case's number, one hour apart.
    await db.query(`
      INSERT INTO "Comment" (id, "ticketId", "authorId", body, visibility, kind, "createdAt")
      SELECT gen_random_uuid(), t.id, t."assigneeId", 'Note ' || k || ' on ' || t.number || ': customer called back about it',
             'INTERNAL', 'NOTE', t."createdAt" + k * interval '1 hour'
      FROM "Ticket" t, generate_series(1, abs(hashtext(t.number)) % 6) k`);
    await db.query("ANALYZE");
  }
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  const facts = (await db.query(`SELECT (SELECT count(*) FROM "Ticket")::int AS cases, (SELECT count(*) FROM "Comment")::int AS comments`))
    .rows[0] as { cases: number; comments: number };
  log(`${facts.cases} cases, ${facts.comments} comments (${seedSeconds.toFixed(0)} s)`);

  // A manager (sees every case) with a bearer session, as bench:api uses.
  const token = newBearerToken("session");
  const {
    rows: [manager],
  } = await db.query(
    `INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt") VALUES (gen_random_uuid(), 'bench-manager@example.com', 'Bench', 'MANAGER', 'x', now())
     ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
  );
  await db.query(
    `INSERT INTO "Session" (id, "userId", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, now() + interval '1 day')`,
    [manager.id, hashToken(token)],
  );
  const headers = { authorization: `Bearer ${token}` };

  // ─── the three servers ───────────────────────────────────────────────────
  const lock = path.join(peer, "package-lock.json");
  const installed = path.join(peer, "node_modules/.package-lock.json");
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
    log("installing the peer: npm ci --prefix scripts/bench/peer");
    await run("npm", ["ci", "--prefix", peer, "--no-audit", "--no-fund", "--ignore-scripts"]);
  }
  servers.push(
    await startServer(
      "caseflow",
      "caseflow",
      "node",
      [opts["skip-build"] ? "dist/main.js" : "scripts/start.mjs"],
      {
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        SLA_MONITOR: "false",
        MIGRATE_ON_START: "false",
        RATE_LIMIT_PER_MINUTE: "1000000",
        CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      },
      "/graphql",
      caseflowDir,
    ),
    await startServer("raw", "raw SQL", "node", ["--import", "tsx", "scripts/bench/raw-server.ts"], {}, "", caseflowDir),
    await startServer(
      "postgraphile",
      "PostGraphile",
      "node",
      ["--import", "./scripts/bench/peer/polyfill.mjs", "scripts/bench/peer/server.mjs"],
      {},
    ),
  );
  const [caseflow, raw, postgraphile] = servers as [Server, Server, Server];

  // ─── requests ────────────────────────────────────────────────────────────
  const COMMENTS = "comments(last: 3) { edges { node { id body createdAt } } }";
  const LIST = `{ tickets(first: 50) { edges { node { id number title status priority team { name } assignee { name } tags ${COMMENTS} } } } }`;
  const LIST_SLA = LIST.replace(`${COMMENTS} }`, `${COMMENTS} sla { targets { kind state dueAt } } }`);
  const PG_LIST = `{ tickets(first: 50, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { edges { node { rowId number title status priority
    team { name } assignee { name } ticketTags { nodes { tag { name } } }
    comments(last: 3, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { edges { node { rowId body createdAt } } } } } } }`;
  const workloads = {
    list: {
      caseflow: JSON.stringify({ query: LIST }),
      raw: "{}",
      postgraphile: JSON.stringify({ query: PG_LIST }),
    },
    listSla: { caseflow: JSON.stringify({ query: LIST_SLA }), raw: "{}" },
  };
  const paths: Record<string, Record<string, string>> = { list: { raw: "/list" }, listSla: { raw: "/list-sla" } };
  const urlOf = (server: Server, workload: string) => server.url + (paths[workload]?.[server.name] ?? "");

  async function post(url: string, body: string) {
    const response = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body });
    const text = await response.text();
    if (!response.ok || text.includes('"errors"')) throw new Error(`${url}: ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text);
  }

  for (const server of servers) {
    const body = (workloads.list as Record<string, string>)[server.name]!;
    for (let attempt = 0; ; attempt++) {
      if (server.process.exitCode !== null) throw new Error(`${server.name} exited ${server.process.exitCode}`);
      try {
        await post(urlOf(server, "list"), body);
        break;
      } catch (error) {
        if (attempt > 240) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  log("all three answer");

  // ─── same data, same shape ───────────────────────────────────────────────
  const decode = (id: string) => Buffer.from(id, "base64").toString();
  type Node = Record<string, any>;
  const normalise = (page: { edges: { node: Node }[] }) =>
    page.edges.map(({ node }) => ({
      ...node,
      id: decode(node.id),
      comments: { edges: node.comments.edges.map(({ node: c }: { node: Node }) => ({ node: { ...c, id: decode(c.id) } })) },
      ...(node.sla ? { sla: { targets: [...node.sla.targets].sort((a: Node, b: Node) => a.kind.localeCompare(b.kind)) } } : {}),
    }));
  /** PostGraphile's answer in caseflow's names: row ids as global ids, tags as sorted names, ISO instants. */
  const fromPostGraphile = (page: { edges: { node: Node }[] }) => ({
    edges: page.edges.map(({ node: { rowId, ticketTags, comments, ...node } }) => ({
      node: {
        id: Buffer.from(`Ticket:${rowId}`).toString("base64"),
        ...node,
        tags: ticketTags.nodes.map((n: Node) => n.tag.name).sort(),
        comments: {
          edges: comments.edges.map(({ node: { rowId: commentId, createdAt, ...c } }: { node: Node }) => ({
            node: { id: Buffer.from(`Comment:${commentId}`).toString("base64"), ...c, createdAt: new Date(`${createdAt}Z`).toISOString() },
          })),
        },
      },
    })),
  });
  const sameAs = (name: string, expected: unknown, actual: unknown) => {
    if (isDeepStrictEqual(expected, actual)) return;
    writeFileSync(`/tmp/bench-compare-${name}.json`, JSON.stringify({ expected, actual }, null, 1));
    throw new Error(`${name} differs from caseflow's answer (both in /tmp/bench-compare-${name}.json)`);
  };
  const reference = normalise((await post(urlOf(caseflow, "list"), workloads.list.caseflow)).data.tickets);
  sameAs("raw-list", reference, normalise((await post(urlOf(raw, "list"), workloads.list.raw)).data.tickets));
  sameAs(
    "postgraphile-list",
    reference,
    normalise(fromPostGraphile((await post(urlOf(postgraphile, "list"), workloads.list.postgraphile)).data.tickets)),
  );
  sameAs(
    "raw-list-sla",
    normalise((await post(urlOf(caseflow, "listSla"), workloads.listSla.caseflow)).data.tickets),
    normalise((await post(urlOf(raw, "listSla"), workloads.listSla.raw)).data.tickets),
  );
  const withComments = reference.filter((n) => n.comments.edges.length).length;
  log(`answers agree (50 cases, ${withComments} with comments)`);

  // ─── rounds ──────────────────────────────────────────────────────────────
  async function backendPids(server: Server): Promise<number[]> {
    const { rows } = await db!.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [`bench_${server.name}`]);
    return rows.map((r) => r.pid);
  }
  interface Round {
    workload: string;
    server: string;
    round: number;
    requests: number;
    perSecond: number;
    p50: number;
    p99: number;
    failures: number;
    nodeMsPerRequest: number;
    pgMsPerRequest: number;
    backends: number;
    load1: number;
  }
  const rounds: Round[] = [];

  async function round(workload: string, server: Server, index: number, load: Record<string, unknown>, seconds = SECONDS) {
    // CPU time is read when the load process opens and closes its measuring window (load.mjs).
    let before: { node: number; pg: Map<number, number> } | undefined;
    let pgTicks = 0;
    let nodeTicks = 0;
    const sampled: Promise<void>[] = [];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn("node", [path.join(peer, "load.mjs"), JSON.stringify({ seconds, headers, ...load })], {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let text = "";
      child.stdout.on("data", (chunk) => {
        text += chunk;
        if (!before && text.includes("start\n")) {
          const node = cpuTicks(server.process.pid!);
          before = { node, pg: new Map() };
          const opened = before;
          sampled.push(
            backendPids(server).then((pids) => {
              for (const pid of pids) opened.pg.set(pid, cpuTicks(pid));
            }),
          );
        }
        if (before && !nodeTicks && text.includes("stop\n")) {
          nodeTicks = cpuTicks(server.process.pid!) - before.node;
          const opened = before;
          sampled.push(
            Promise.all(sampled).then(async () => {
              for (const pid of await backendPids(server)) pgTicks += cpuTicks(pid) - (opened.pg.get(pid) ?? 0);
            }),
          );
        }
      });
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`load.mjs exited ${code}\n${text}`))));
    });
    await Promise.all(sampled); // both lines were read before the process exited
    if (!before || !nodeTicks) throw new Error("the load process never opened and closed its window");
    const backends = await backendPids(server);
    const result = JSON.parse(out.trim().split("\n").pop()!);
    const requests = Math.max(1, result.requests);
    const entry: Round = {
      workload,
      server: server.name,
      round: index,
      requests: result.requests,
      perSecond: result.perSecond,
      p50: result.p50,
      p99: result.p99,
      failures: result.failures + result.errors + result.timeouts,
      nodeMsPerRequest: (nodeTicks * TICK_MS) / requests,
      pgMsPerRequest: (pgTicks * TICK_MS) / requests,
      backends: backends.length,
      load1: loadavg()[0]!,
    };
    if (index >= 0) rounds.push(entry);
    log(
      `${workload} ${server.name} #${index}: ${entry.perSecond.toFixed(0)}/s p50 ${entry.p50} ms p99 ${entry.p99} ms, node ${entry.nodeMsPerRequest.toFixed(2)} ms, pg ${entry.pgMsPerRequest.toFixed(2)} ms/req, ${entry.failures} failed${result.failed.length ? ` ${result.failed[0]}` : ""}`,
    );
    if (result.failures) throw new Error(`${workload} ${server.name}: ${result.failures} answers failed, e.g. ${result.failed[0]}`);
  }

  async function interleaved(workload: "list" | "listSla", members: Server[]) {
    const table = workloads[workload] as Record<string, string>;
    const loadOf = (server: Server) => ({ url: urlOf(server, workload), connections: 32, body: table[server.name], expect: '"data"' });
    for (const server of members) await round(workload, server, -1, loadOf(server), 3); // warm-up, not counted
    for (let i = 0; i < ROUNDS; i++) for (const server of members) await round(workload, server, i, loadOf(server));
  }

  const only = opts.only?.split(",");
  if (!only || only.includes("list")) await interleaved("list", [caseflow, raw, postgraphile]);
  if (!only || only.includes("list-sla")) await interleaved("listSla", [caseflow, raw]);

  // ─── transitions ─────────────────────────────────────────────────────────
  if (!only || only.includes("transitions")) {
    const {
      rows: [team],
    } = await db.query(
      `INSERT INTO "Team" (id, name, "updatedAt") VALUES (gen_random_uuid(), 'Bench-Transitions', now()) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    );
    await db.query(`INSERT INTO "TeamMember" ("teamId", "userId") VALUES ($1, $2) ON CONFLICT DO NOTHING`, [team.id, manager.id]);
    const caseflowUrl = urlOf(caseflow, "list");
    const newCase = async (n: number) => {
      const created = await post(
        caseflowUrl,
        JSON.stringify({
          query: `mutation($i: CreateTicketInput!) { createTicket(input: $i) { ... on CreateTicketPayload { ticket { id } } } }`,
          variables: {
            i: {
              title: `BENCH-1 transition ${n}`,
              accountId: "BENCH-1",
              externalRef: `bench-${process.pid}-${n}`,
              channel: "API",
              type: "INQUIRY",
              priority: "LOW",
              teamId: Buffer.from(`Team:${team.id}`).toString("base64"),
              description: "d",
              details: "d",
            },
          },
        }),
      );
      const id: string = created.data.createTicket.ticket.id;
      await post(
        caseflowUrl,
        JSON.stringify({
          query: `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename } }`,
          variables: { i: { id, to: "NOT_STARTED" } },
        }),
      );
      return id;
    };
    const STEPS = [
      { to: "TEAM_CHECKING" },
      { to: "INFORM_CUSTOMER", note: "Refund sent" },
      { to: "NOT_STARTED", note: "Customer: not received" },
    ];
    const ids = [await newCase(0), await newCase(1)];
    const rowId = (id: string) => decode(id).split(":")[1]!;

    // Equal work: the same three moves on one case each leave the same rows behind (consumed
    // business seconds aside, which depend on how long each took).
    const footprint = async (id: string) =>
      (
        await db!.query(
          `SELECT t.status, t.version, t."firstRespondedAt" IS NOT NULL AS responded,
          (SELECT json_agg(json_build_object('kind', kind, 'cycle', cycle, 'paused', "pausedAt" IS NOT NULL, 'met', "metAt" IS NOT NULL,
                   'budget', "budgetSeconds", 'due', "dueAt" IS NOT NULL, 'check', "nextCheckAt" IS NOT NULL)
                   ORDER BY kind, cycle) FROM "SlaTarget" WHERE "ticketId" = t.id) AS targets,
          (SELECT json_agg(json_build_object('body', body, 'kind', kind, 'visibility', visibility, 'author', "authorId") ORDER BY "createdAt")
             FROM "Comment" WHERE "ticketId" = t.id) AS comments,
          (SELECT json_agg(json_build_object('type', type, 'before', before, 'after', after, 'note', note, 'actor', "actorUserId") ORDER BY seq)
             FROM "TicketEvent" WHERE "ticketId" = t.id AND type <> 'CREATED') AS events
         FROM "Ticket" t WHERE t.id = $1`,
          [rowId(id)],
        )
      ).rows[0];
    const [checkCaseflow, checkRaw] = [ids.pop()!, ids.pop()!];
    for (const step of STEPS) {
      await post(
        caseflowUrl,
        JSON.stringify({
          query: `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename } }`,
          variables: { i: { id: checkCaseflow, ...step } },
        }),
      );
      const response = await fetch(`${raw.url}/move`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ id: rowId(checkRaw), ...step }),
      });
      if (!response.ok) throw new Error(`raw move: ${response.status} ${await response.text()}`);
    }
    const [left, right] = [await footprint(checkCaseflow), await footprint(checkRaw)];
    if (!isDeepStrictEqual(left, right)) {
      writeFileSync("/tmp/bench-compare-moves.json", JSON.stringify({ caseflow: left, raw: right }, null, 1));
      throw new Error("the raw transaction leaves different rows than transitionTicket (/tmp/bench-compare-moves.json)");
    }
    log(
      `three moves leave the same rows on both (${left.targets.length} targets, ${left.comments.length} comments, ${left.events.length} events)`,
    );

    // Each round moves 32 fresh cases (NOT_STARTED) on 16 connections, each case round and round the cycle.
    const MOVE = `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename ... on Error { message } } }`;
    let created = 0;
    const fresh = async () => {
      const list: string[] = [];
      for (let n = 0; n < 32; n++) list.push(await newCase(100 + created++));
      return list;
    };
    const moveRound = async (name: "caseflow" | "raw", index: number, seconds = SECONDS) => {
      const cases = await fresh();
      const load =
        name === "caseflow"
          ? { url: caseflowUrl, expect: "TransitionTicketPayload", template: JSON.stringify({ query: MOVE, variables: { i: "$STEP" } }) }
          : { url: `${raw.url}/move`, expect: '"ok"', template: '"$STEP"' };
      await round(
        "transitions",
        name === "caseflow" ? caseflow : raw,
        index,
        {
          connections: 16,
          url: load.url,
          expect: load.expect,
          moves: { cases: name === "caseflow" ? cases : cases.map(rowId), steps: STEPS, template: load.template },
        },
        seconds,
      );
    };
    for (const name of ["caseflow", "raw"] as const) await moveRound(name, -1, 3);
    for (let i = 0; i < ROUNDS; i++) for (const name of ["caseflow", "raw"] as const) await moveRound(name, i);
  }

  // ─── report ──────────────────────────────────────────────────────────────
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted[sorted.length - 1]! };
  };
  const mmm = (values: number[], digits = 0) => {
    const s = stats(values);
    return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  };
  const dirty = (await run("git", ["status", "--porcelain", "--", "src"])).split("\n").filter(Boolean).length;
  const lines = [
    `caseflow built from ${head.slice(0, 7)}${opts.build === "tree" && dirty ? ` plus ${dirty} uncommitted files under src/ (the working tree)` : ""}.`,
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
      `${facts.cases.toLocaleString("en")} cases (seed ${opts.seed}, until ${opts.until}), ${facts.comments.toLocaleString("en")} comments; ` +
      `${ROUNDS} rounds of ${SECONDS} s per server, interleaved; pool ${POOL}; load average (1 min) during rounds ${mmm(
        rounds.map((r) => r.load1),
        1,
      )}.`,
    "",
    "| workload | server | req/s median (min–max) | p50 ms | p99 ms | Node CPU ms/req | PostgreSQL CPU ms/req | backends |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const byWorkload = new Map<string, Map<string, Round[]>>();
  for (const r of rounds) {
    const servers_ = byWorkload.get(r.workload) ?? new Map<string, Round[]>();
    servers_.set(r.server, [...(servers_.get(r.server) ?? []), r]);
    byWorkload.set(r.workload, servers_);
  }
  const ratios: string[] = [];
  for (const [workload, members] of byWorkload) {
    for (const [name, list] of members) {
      lines.push(
        `| ${workload} | ${servers.find((s) => s.name === name)!.label} | ${mmm(list.map((r) => r.perSecond))} | ${mmm(list.map((r) => r.p50))} | ${mmm(
          list.map((r) => r.p99),
        )} | ${mmm(
          list.map((r) => r.nodeMsPerRequest),
          2,
        )} | ${mmm(
          list.map((r) => r.pgMsPerRequest),
          2,
        )} | ${Math.max(...list.map((r) => r.backends))} |`,
      );
    }
    const median = (name: string) => stats((members.get(name) ?? []).map((r) => r.perSecond)).median;
    for (const other of ["raw", "postgraphile"])
      if (members.has(other))
        ratios.push(
          `${workload}: caseflow / ${other} = ${((100 * median("caseflow")) / median(other)).toFixed(0)} % (medians of the same run)`,
        );
  }
  console.log([...lines, "", ...ratios].join("\n"));
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ facts, seedSeconds, rounds }, null, 1));
} finally {
  await cleanUp();
}
