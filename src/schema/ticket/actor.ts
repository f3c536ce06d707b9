// Who made a change: a person, an API token, the system or the customer. Audit events,
// comments and incidents name their actor with it.
import { builder } from "../builder.js";
import { UserRef } from "../user.js";

export const ActorKindEnum = builder.enumType("ActorKind", {
  description: "Who made a change.",
  values: {
    USER: { description: "A person." },
    TOKEN: { description: "A bot or integration through an API token." },
    SYSTEM: { description: "caseflow itself: SLA clocks, rules." },
    CUSTOMER: { description: "The customer, through a survey link." },
  } as const,
});

export interface ActorShape {
  kind: "USER" | "TOKEN" | "SYSTEM" | "CUSTOMER";
  user: { id: string; name: string } | null;
  tokenName: string | null;
}

/** The actor of a row that names a person or a token (or neither: the system). */
export function actorFrom(
  user: { id: string; name: string } | null,
  token: { name: string } | null,
  otherwise: ActorShape["kind"] = "SYSTEM",
): ActorShape {
  return { kind: user ? "USER" : token ? "TOKEN" : otherwise, user, tokenName: token?.name ?? null };
}

export const ActorRef = builder.objectRef<ActorShape>("Actor").implement({
  description: "A person, an integration or the system.",
  fields: (t) => ({
    kind: t.field({ type: ActorKindEnum, description: "What kind of actor.", resolve: (a) => a.kind }),
    name: t.string({
      description: "A person's name, a token's name, or `caseflow`.",
      resolve: (a) => a.user?.name ?? a.tokenName ?? (a.kind === "CUSTOMER" ? "Customer" : "caseflow"),
    }),
    user: t.field({
      type: UserRef,
      nullable: true,
      description: "The person, when a person acted.",
      resolve: (a, _args, ctx) => (a.user ? ctx.prisma.user.findUnique({ where: { id: a.user.id } }) : null),
    }),
  }),
});
