// The benchmarks' caller: a manager (who sees every case) with a fresh session token.
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";

export async function benchManager(prisma: PrismaClient): Promise<{ id: string; token: string }> {
  const manager = await prisma.user.upsert({
    where: { email: "bench-manager@example.com" },
    create: { email: "bench-manager@example.com", name: "Bench", role: "MANAGER", passwordHash: "x" },
    update: {},
  });
  const token = newBearerToken("session");
  await prisma.session.create({ data: { userId: manager.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) } });
  return { id: manager.id, token };
}
