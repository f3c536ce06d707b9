// `npm run seed:demo -- --cases 100000`: fills the configured database (PGlite folder,
// or DATABASE_URL) with a realistic history for reports and benchmarks: cases over the
// last 90 days across teams, channels and types, with tags, SLA targets, surveys and
// audit events. Inserts in batches; shows progress on stderr.
import { randomUUID } from "node:crypto";
import { ConfigError, loadConfig } from "../src/config.js";
import { createDb } from "../src/db.js";
import { seedDefaults } from "../src/db/seed.js";
import { formatTicketNumber } from "../src/domain/numbering.js";
import { Channel, Priority, TicketStatus, TicketType } from "../src/generated/prisma/enums.js";

const args = process.argv.slice(2);
const casesArg = args[args.indexOf("--cases") + 1];
const total = args.includes("--cases") ? Number(casesArg) : 10_000;
if (!Number.isInteger(total) || total < 1 || total > 5_000_000) {
  console.error("Usage: npm run seed:demo -- --cases <1..5000000>");
  process.exit(1);
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

const db = await createDb(config.database);
await db.migrate();
await seedDefaults(db.prisma);
const prisma = db.prisma;

// A fixed pseudo-random sequence: the same command gives the same data set.
let seed = 42;
const random = () => ((seed = (seed * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32);
const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;

const teamNames = ["CS-Payment", "CS-Risk-Collaboration", "Customer-Service-Department", "Tech-Support", "Complaints-Desk"];
const teams = [];
for (const name of teamNames) teams.push(await prisma.team.upsert({ where: { name }, create: { name }, update: {} }));
const agents = [];
for (let i = 0; i < 40; i++) {
  const team = teams[i % teams.length]!;
  agents.push(
    await prisma.user.upsert({
      where: { email: `demo-agent-${i}@example.com` },
      create: { email: `demo-agent-${i}@example.com`, name: `Demo Agent ${i}`, passwordHash: "demo-unusable", memberships: { create: { teamId: team.id } } },
      update: {},
    }),
  );
}
const tagNames = ["refund", "payment_failed", "login", "system_crash", "at_risk", "vip", "shipping", "kyc", "chargeback", "app_bug"];
await prisma.tag.createMany({ data: tagNames.map((name) => ({ name })), skipDuplicates: true });
const tags = await prisma.tag.findMany({ where: { name: { in: tagNames } } });
const tier1 = await prisma.tier.findUniqueOrThrow({ where: { level: 1 } });

const now = Date.now();
const DAY = 86_400_000;
const batchSize = 2000;
const started = Date.now();
const runId = randomUUID().slice(0, 6).toUpperCase();

function progress(done: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = done / Math.max(1, (Date.now() - started) / 1000);
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done.toLocaleString("en")}/${total.toLocaleString("en")} cases  ${Math.round(rate).toLocaleString("en")}/s `);
}

for (let offset = 0; offset < total; offset += batchSize) {
  const count = Math.min(batchSize, total - offset);
  const tickets = [];
  const ticketTags = [];
  const targets = [];
  const surveys = [];
  const events = [];
  for (let i = 0; i < count; i++) {
    const n = offset + i;
    const id = randomUUID();
    const createdAt = new Date(now - random() * 90 * DAY);
    const status = pick(Object.values(TicketStatus));
    const team = pick(teams);
    const done = status === "DONE" || status === "BACKLOG";
    const doneAt = done ? new Date(createdAt.getTime() + random() * 3 * DAY) : null;
    const accountId = `DEMO-${runId}-${n % 20_000}`;
    const channel = pick(Object.values(Channel));
    tickets.push({
      id,
      // Demo numbers carry the run instead of a date, so several runs never collide.
      number: formatTicketNumber(channel, `D${runId}`, n + 1),
      title: `${accountId} demo case ${n}`,
      accountId,
      channel,
      type: pick(Object.values(TicketType)),
      subcategory: pick(["refund", "login", "delivery", "billing", null]),
      priority: pick(Object.values(Priority)),
      status,
      teamId: team.id,
      tierId: tier1.id,
      assigneeId: status === "NEW" ? null : pick(agents).id,
      createdAt,
      updatedAt: doneAt ?? createdAt,
      doneAt,
      firstRespondedAt: status === "NEW" || status === "NOT_STARTED" ? null : new Date(createdAt.getTime() + random() * 7200_000),
      reopenCount: random() < 0.05 ? 1 : 0,
    });
    for (const tag of new Set([pick(tags), pick(tags)])) ticketTags.push({ ticketId: id, tagId: tag.id });
    if (status !== "NEW") {
      const firstResponse = Math.round(random() * 7200);
      targets.push({ ticketId: id, kind: "FIRST_RESPONSE" as const, budgetSeconds: 3600, startedAt: createdAt, metAt: new Date(createdAt.getTime() + firstResponse * 1000), elapsedSeconds: firstResponse, breachedAt: firstResponse > 3600 ? new Date(createdAt.getTime() + 3600_000) : null });
    }
    if (doneAt) {
      const resolution = Math.round((doneAt.getTime() - createdAt.getTime()) / 1000);
      targets.push({ ticketId: id, kind: "RESOLUTION" as const, budgetSeconds: 172_800, startedAt: createdAt, metAt: doneAt, elapsedSeconds: resolution, breachedAt: resolution > 172_800 ? new Date(createdAt.getTime() + 172_800_000) : null });
      events.push({ ticketId: id, type: "STATUS_CHANGED", actorKind: "SYSTEM" as const, before: { status: "INFORM_CUSTOMER" }, after: { status: "DONE" }, at: doneAt });
      if (random() < 0.4) {
        surveys.push({ ticketId: id, tokenHash: `demo-${id}`, sendAt: doneAt, expiresAt: new Date(doneAt.getTime() + 7 * DAY), rating: pick(["SATISFIED", "SATISFIED", "NEUTRAL", "UNSATISFIED"] as const), answeredAt: new Date(doneAt.getTime() + DAY) });
      }
    }
  }
  await prisma.ticket.createMany({ data: tickets });
  await prisma.ticketTag.createMany({ data: ticketTags });
  await prisma.slaTarget.createMany({ data: targets });
  await prisma.survey.createMany({ data: surveys });
  await prisma.ticketEvent.createMany({ data: events });
  progress(offset + count);
}
process.stderr.write("\n");
// Fresh statistics, so the planner sees 100,000 cases rather than the empty tables it last looked at.
await db.prisma.$executeRawUnsafe("ANALYZE");
console.log(`Seeded ${total.toLocaleString("en")} demo cases into ${db.location} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
await db.close();
