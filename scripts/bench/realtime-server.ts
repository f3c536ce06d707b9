// The server the live-subscription benchmarks measure: caseflow in this process on an
// in-memory PGlite, with no SLA monitor, one team and a manager signed in with a bearer
// session (bench:realtime and realtime-heap.ts).
import { randomBytes } from "node:crypto";
import pino from "pino";
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server.js";

export async function startBenchServer() {
  const config = {
    ...loadConfig({ LOG_LEVEL: "silent", CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"), SLA_MONITOR: "false" }),
    database: { kind: "pglite" as const, dataDir: "memory://" },
  };
  const app = await createApp(config, { logger: pino({ level: "silent" }) });
  const { port } = await app.start(0);
  const prisma = app.db.prisma;
  const team = await prisma.team.create({ data: { name: "Bench" } });
  const user = await prisma.user.create({
    data: { email: "bench@example.com", name: "Bench", role: "MANAGER", passwordHash: "x", memberships: { create: { teamId: team.id } } },
  });
  const token = newBearerToken("session");
  await prisma.session.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) } });
  return { app, port, team, token };
}
