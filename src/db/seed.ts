// Installs the defaults once per database, however many instances start at once:
// the first transaction to insert the marker row does the work; the others find it.
import type { Logger } from "pino";
import { hashPassword } from "../auth/secrets.js";
import { DEFAULT_CALENDAR, DEFAULT_ROUTES, DEFAULT_SLA_POLICIES, DEFAULT_TIERS, DEFAULT_TRIGGERS } from "../domain/defaults.js";
import type { PrismaClient } from "../generated/prisma/client.js";

const SEED_KEY = "seed.version";
const SEED_VERSION = "1";
/** Added after the first release: installed once on databases seeded before it too. */
const TRIGGERS_KEY = "seed.triggers";

/** Returns true when this call installed the defaults, false when they were there. */
export async function seedDefaults(prisma: PrismaClient): Promise<boolean> {
  const installed = await seedBase(prisma);
  await prisma.$transaction(async (tx) => {
    const claimed = await tx.meta.createMany({ data: [{ key: TRIGGERS_KEY, value: "1" }], skipDuplicates: true });
    if (claimed.count === 0) return;
    await tx.routingRule.createMany({ data: DEFAULT_TRIGGERS, skipDuplicates: true });
  });
  return installed;
}

async function seedBase(prisma: PrismaClient): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.meta.createMany({
      data: [{ key: SEED_KEY, value: SEED_VERSION }],
      skipDuplicates: true,
    });
    if (claimed.count === 0) return false;

    const calendar = await tx.businessCalendar.create({
      data: { ...DEFAULT_CALENDAR, isDefault: true },
    });
    await tx.tier.createMany({ data: DEFAULT_TIERS });
    await tx.slaPolicy.createMany({
      data: DEFAULT_SLA_POLICIES.map((p) => ({
        ...p,
        name: `Default ${p.priority}`,
        calendarId: calendar.id,
      })),
    });
    for (const [index, route] of DEFAULT_ROUTES.entries()) {
      const team = await tx.team.create({ data: { name: route.team, description: route.description } });
      await tx.routingRule.create({
        data: {
          name: `Route ${route.type} to ${route.team}`,
          position: (index + 1) * 10,
          conditions: { types: [route.type] },
          actions: { teamId: team.id },
          teamId: team.id,
        },
      });
    }
    return true;
  });
}

export async function ensureBootstrapAdmin(prisma: PrismaClient, admin: { email: string; password: string }, log: Logger): Promise<void> {
  const existing = await prisma.user.findUnique({ where: { email: admin.email }, select: { id: true } });
  if (existing) return;
  try {
    await prisma.user.create({
      data: {
        email: admin.email,
        name: "Administrator",
        role: "ADMIN",
        canViewContact: true,
        passwordHash: await hashPassword(admin.password),
      },
    });
    log.info({ email: admin.email }, "created the bootstrap administrator");
  } catch (error) {
    // Another instance created it between our look-up and insert.
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
}
