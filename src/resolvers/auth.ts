import type { Context } from "../context.js";
import { hashToken, newBearerToken, verifyPassword } from "../auth/secrets.js";
import { InvalidCredentialsError } from "../errors.js";

/** Checks the password and opens a session; the plaintext token is returned once. */
export async function login(ctx: Context, email: string, password: string) {
  const user = await ctx.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  // One message for every failure, so the answer does not reveal which e-mails exist.
  if (!user || !user.active || !(await verifyPassword(password, user.passwordHash))) {
    throw new InvalidCredentialsError();
  }
  const token = newBearerToken("session");
  const now = ctx.clock.now();
  await ctx.prisma.session.create({
    data: {
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + ctx.sessionTtlSeconds * 1000),
    },
  });
  return { token, userId: user.id };
}

/** Ends the session the request was made with. */
export async function logout(ctx: Context): Promise<boolean> {
  if (ctx.viewer?.kind !== "user") return false;
  await ctx.prisma.session.update({
    where: { id: ctx.viewer.sessionId },
    data: { revokedAt: ctx.clock.now() },
  });
  ctx.realtime.pubsub.publish("credentials-revoked", { sessionId: ctx.viewer.sessionId });
  return true;
}
