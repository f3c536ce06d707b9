// The customer a case is for, kept once per account and shared by its cases.
import type { Context } from "../../context.js";
import type { Tx } from "../../db/transaction.js";
import { maskContact } from "../../domain/privacy.js";

/**
 * The customer row for an account, created or updated in one statement: INSERT … ON
 * CONFLICT, so concurrent first cases of one customer do not collide on the account ID
 * (a failed insert would abort the whole transaction on PostgreSQL).
 */
export async function upsertCustomer(
  ctx: Context,
  tx: Tx,
  accountId: string,
  requester: { name?: string | null; contact?: string | null } | null | undefined,
) {
  const name = requester?.name || null;
  const encrypted = requester?.contact ? ctx.cipher.encrypt(requester.contact) : null;
  const masked = requester?.contact ? maskContact(requester.contact) : null;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Customer" ("id", "accountId", "name", "contactEncrypted", "contactMasked", "createdAt", "updatedAt")
    VALUES (gen_random_uuid(), ${accountId}, ${name}, ${encrypted}, ${masked}, now(), now())
    ON CONFLICT ("accountId") DO UPDATE SET
      "name" = COALESCE(EXCLUDED."name", "Customer"."name"),
      "contactEncrypted" = COALESCE(EXCLUDED."contactEncrypted", "Customer"."contactEncrypted"),
      "contactMasked" = COALESCE(EXCLUDED."contactMasked", "Customer"."contactMasked"),
      "updatedAt" = now()
    RETURNING "id"::text AS "id"`;
  return rows[0]!.id;
}
