import { InvalidCredentialsError, RateLimitedError, ValidationError } from "../errors.js";
import { login, logout } from "../resolvers/auth.js";
import { builder } from "./builder.js";
import { ErrorInterface } from "./errors.js";

builder.objectType(RateLimitedError, {
  name: "RateLimitedError",
  description: "Too many failed logins for this account or from this address; the password was not checked.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", { description: "Seconds to wait before the next attempt." }),
  }),
});

const LoginInput = builder.inputType("LoginInput", {
  description: "Credentials of a person.",
  fields: (t) => ({
    email: t.string({ required: true, description: "Sign-in e-mail address." }),
    password: t.string({ required: true, description: "Password." }),
  }),
});

const LoginPayload = builder.objectRef<{ token: string; userId: string }>("LoginPayload").implement({
  description: "A new session.",
  fields: (t) => ({
    token: t.exposeString("token", {
      description: "Bearer token for the Authorization header. Shown once.",
    }),
    user: t.prismaField({
      type: "User",
      description: "The person signed in.",
      grantScopes: ["readUser"],
      resolve: (query, payload, _args, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: payload.userId } }),
    }),
  }),
});

builder.mutationField("login", (t) =>
  t.field({
    type: LoginPayload,
    description:
      "Signs in with e-mail and password and returns a session token. One login per request; failed attempts slow down further ones for the account and the address.",
    errors: { types: [InvalidCredentialsError, RateLimitedError] },
    args: { input: t.arg({ type: LoginInput, required: true, description: "E-mail and password." }) },
    resolve: (_root, { input }, ctx) => login(ctx, input.email, input.password),
  }),
);

const LogoutPayload = builder.objectRef<{ loggedOut: boolean }>("LogoutPayload").implement({
  description: "The end of a session.",
  fields: (t) => ({
    loggedOut: t.exposeBoolean("loggedOut", {
      description: "True when a session ended; false for API tokens, which are revoked instead.",
    }),
  }),
});

builder.mutationField("logout", (t) =>
  t.field({
    type: LogoutPayload,
    description: "Ends the current session: its token stops working at once.",
    authScopes: { authenticated: true },
    errors: { types: [ValidationError] },
    resolve: async (_root, _args, ctx) => ({ loggedOut: await logout(ctx) }),
  }),
);
