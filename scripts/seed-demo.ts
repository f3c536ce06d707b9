// `npm run seed:demo -- --cases 100000 [--seed 42] [--until 2026-12-01]`: fills the
// configured database (PGlite folder, or DATABASE_URL) with a realistic history for
// reports and benchmarks: cases over the 90 days before --until (default: today, UTC)
// across teams, channels and types, with tags, SLA targets, surveys and audit events.
// The same seed and day give the same cases (numbers, titles, dates, states; only the
// rows' ids differ). Numbers follow the documented format <PREFIX>-<YYYYMMDD>-<NNN>,
// the day of creation in TICKET_NUMBER_TIME_ZONE, continuing the database's counters so
// they never collide with earlier cases or runs. Inserts in batches; progress on stderr.
import { randomUUID } from "node:crypto";
import { type Config, ConfigError, loadConfig } from "../src/config.js";
import { seedDefaults } from "../src/db/seed.js";
import { createDb } from "../src/db.js";
import { formatTicketNumber, numberingDay } from "../src/domain/numbering.js";
import { Channel, Priority, TicketStatus, TicketType } from "../src/generated/prisma/enums.js";

const USAGE = "Usage: npm run seed:demo -- [--cases <1..5000000>] [--seed <0..4294967295>] [--until <YYYY-MM-DD>]";
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const total = Number(option("--cases") ?? 10_000);
const seedArg = Number(option("--seed") ?? 42);
const untilArg = option("--until") ?? new Date().toISOString().slice(0, 10);
const until = /^\d{4}-\d{2}-\d{2}$/.test(untilArg) ? Date.parse(`${untilArg}T00:00:00Z`) : NaN;
const problems = [
  ...(Number.isInteger(total) && total >= 1 && total <= 5_000_000 ? [] : ["--cases must be a whole number from 1 to 5000000"]),
  ...(Number.isInteger(seedArg) && seedArg >= 0 && seedArg < 2 ** 32 ? [] : ["--seed must be a whole number from 0 to 4294967295"]),
  ...(Number.isFinite(until) ? [] : ["--until must be a date, YYYY-MM-DD"]),
];
if (problems.length) {
  console.error([...problems, USAGE].join("\n"));
  process.exit(1);
}

let config: Config;
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

// A pseudo-random sequence fixed by --seed: the same seed gives the same data set.
let seed = seedArg;
const random = () => {
  seed = (seed * 1664525 + 1013904223) % 2 ** 32;
  return seed / 2 ** 32;
};
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
      create: {
        email: `demo-agent-${i}@example.com`,
        name: `Demo Agent ${i}`,
        passwordHash: "demo-unusable",
        memberships: { create: { teamId: team.id } },
      },
      update: {},
    }),
  );
}
const tagNames = ["refund", "payment_failed", "login", "system_crash", "at_risk", "vip", "shipping", "kyc", "chargeback", "app_bug"];
await prisma.tag.createMany({ data: tagNames.map((name) => ({ name })), skipDuplicates: true });
const tags = await prisma.tag.findMany({ where: { name: { in: tagNames } } });
const tier1 = await prisma.tier.findUniqueOrThrow({ where: { level: 1 } });

// The end of the --until day: the history covers the 90 days before it.
const DAY = 86_400_000;
const now = until + DAY - 1;
const batchSize = 2000;
const started = Date.now();

// Each channel and day continues the database's own counter, as a created case would.
const counters = new Map((await prisma.ticketSequence.findMany()).map((row) => [`${row.channel}:${row.day}`, row.last]));
function nextNumber(channel: Channel, createdAt: Date): string {
  const day = numberingDay(createdAt, config.numberingTimeZone);
  const key = `${channel}:${day}`;
  const last = (counters.get(key) ?? 0) + 1;
  counters.set(key, last);
  return formatTicketNumber(channel, day, last);
}

function progress(done: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = done / Math.max(1, (Date.now() - started) / 1000);
  process.stderr.write(
    `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done.toLocaleString("en")}/${total.toLocaleString("en")} cases  ${Math.round(rate).toLocaleString("en")}/s `,
  );
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
    // Spread evenly over the 90 days in order of n, so a day's numbers follow creation order.
    const createdAt = new Date(now - 90 * DAY + ((n + random()) * 90 * DAY) / total);
    const status = pick(Object.values(TicketStatus));
    const team = pick(teams);
    const done = status === "DONE" || status === "BACKLOG";
    const doneAt = done ? new Date(createdAt.getTime() + random() * 3 * DAY) : null;
    const accountId = `DEMO-${n % 20_000}`;
    const channel = pick(Object.values(Channel));
    tickets.push({
      id,
      number: nextNumber(channel, createdAt),
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
      targets.push({
        ticketId: id,
        kind: "FIRST_RESPONSE" as const,
        budgetSeconds: 3600,
        startedAt: createdAt,
        metAt: new Date(createdAt.getTime() + firstResponse * 1000),
        elapsedSeconds: firstResponse,
        breachedAt: firstResponse > 3600 ? new Date(createdAt.getTime() + 3600_000) : null,
      });
    }
    if (doneAt) {
      const resolution = Math.round((doneAt.getTime() - createdAt.getTime()) / 1000);
      targets.push({
        ticketId: id,
        kind: "RESOLUTION" as const,
        budgetSeconds: 172_800,
        startedAt: createdAt,
        metAt: doneAt,
        elapsedSeconds: resolution,
        breachedAt: resolution > 172_800 ? new Date(createdAt.getTime() + 172_800_000) : null,
      });
      events.push({
        ticketId: id,
        type: "STATUS_CHANGED",
        actorKind: "SYSTEM" as const,
        before: { status: "INFORM_CUSTOMER" },
        after: { status: "DONE" },
        at: doneAt,
      });
      if (random() < 0.4) {
        surveys.push({
          ticketId: id,
          tokenHash: `demo-${id}`,
          sendAt: doneAt,
          expiresAt: new Date(doneAt.getTime() + 7 * DAY),
          rating: pick(["SATISFIED", "SATISFIED", "NEUTRAL", "UNSATISFIED"] as const),
          answeredAt: new Date(doneAt.getTime() + DAY),
        });
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
// The counters move past the demo cases, so cases created later never repeat a number.
for (const [key, last] of counters) {
  const [channel, day] = key.split(":") as [Channel, string];
  await prisma.ticketSequence.upsert({ where: { channel_day: { channel, day } }, create: { channel, day, last }, update: { last } });
}
// Fresh statistics, so the planner sees 100,000 cases rather than the empty tables it last looked at.
await db.prisma.$executeRawUnsafe("ANALYZE");
console.log(`Seeded ${total.toLocaleString("en")} demo cases into ${db.location} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
await db.close();
