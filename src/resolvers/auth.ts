import { hashToken, newBearerToken, verifyPassword } from "../auth/secrets.js";
import type { Context } from "../context.js";
import { inTransaction } from "../db/transaction.js";
import { normalizedEmail } from "../domain/login-backoff.js";
import { InvalidCredentialsError, RateLimitedError } from "../errors.js";

/**
 * Checks the password and opens a session; the plaintext token is returned once.
 * Unknown, inactive and wrong-password attempts do the same work (one look-up, one
 * scrypt) and get the same answer, so neither the answer nor its timing tells which
 * e-mails have accounts. Failed attempts slow down further ones for the account and the
 * address (login-throttle.ts), whatever credentials the request carries.
 */
export async function login(ctx: Context, email: string, password: string) {
  const normalized = normalizedEmail(email);
  const keys = { account: ctx.cipher.pseudonym(normalized), address: ctx.clientAddress };
  const verdict = await ctx.loginThrottle.attempt(keys, ctx.clock.now());
  const user = await ctx.prisma.user.findUnique({ where: { email: normalized }, select: { id: true, active: true, passwordHash: true } });
  // Logs name the account by id, or by a digest when there is none; never the e-mail or password.
  const who = { ...(user ? { userId: user.id } : { emailDigest: keys.account }), address: ctx.clientAddress };
  if (!verdict.ok) {
    ctx.logger.warn(
      { event: "login.throttled", ...who, scope: verdict.scope, retryAfterSeconds: verdict.retryAfterSeconds },
      "login refused: too many failed attempts",
    );
    throw new RateLimitedError(verdict.retryAfterSeconds);
  }
  const matches = await verifyPassword(password, user?.passwordHash);
  if (!user?.active || !matches) {
    ctx.logger.warn({ event: "login.failed", ...who }, "login failed");
    throw new InvalidCredentialsError();
  }
  await ctx.loginThrottle.succeeded(keys);
  const token = newBearerToken("session");
  const now = ctx.clock.now();
  await inTransaction(ctx, (tx) =>
    tx.session.create({
      data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + ctx.sessionTtlSeconds * 1000) },
    }),
  );
  return { token, userId: user.id };
}

/** Ends the session the request was made with. */
export async function logout(ctx: Context): Promise<boolean> {
  if (ctx.viewer?.kind !== "user") return false;
  const { sessionId } = ctx.viewer;
  await inTransaction(ctx, (tx) => tx.session.update({ where: { id: sessionId }, data: { revokedAt: ctx.clock.now() } }));
  ctx.realtime.pubsub.publish("credentials-revoked", { sessionId });
  return true;
}
