import { builder } from "./builder.js";
import { RoleEnum } from "./enums.js";

export const UserRef = builder.prismaNode("User", {
  description: "A person who works cases.",
  id: { field: "id" },
  // Any signed-in viewer may see colleagues; a login payload grants its own user.
  authScopes: { authenticated: true, $granted: "readUser" },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Display name." }),
    email: t.exposeString("email", { description: "Sign-in e-mail address." }),
    role: t.expose("role", { type: RoleEnum, description: "What the person may do." }),
    active: t.exposeBoolean("active", { description: "Deactivated users cannot sign in." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the account was made." }),
  }),
});

builder.queryField("me", (t) =>
  t.prismaField({
    type: "User",
    nullable: true,
    description: "The signed-in person, or null for anonymous callers and API tokens.",
    resolve: (query, _root, _args, ctx) =>
      ctx.viewer?.kind === "user"
        ? ctx.prisma.user.findUnique({ ...query, where: { id: ctx.viewer.userId } })
        : null,
  }),
);
