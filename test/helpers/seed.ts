// Builders for test data. People get a session token directly (hashing a password
// per test user would only slow the suite; login itself has its own tests).
import { randomUUID } from "node:crypto";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import type { TokenScope } from "../../src/domain/access.js";
import type { Role } from "../../src/generated/prisma/enums.js";
import type { TestApp } from "./app.js";

export const gid = (type: string, id: string) => encodeGlobalID(type, id);

export interface TestUser {
  id: string;
  gid: string;
  token: string;
}

export async function seedTeam(app: TestApp, name = `Team-${randomUUID().slice(0, 8)}`) {
  const team = await app.db.prisma.team.create({ data: { name } });
  return { id: team.id, gid: gid("Team", team.id), name };
}

export async function seedUser(
  app: TestApp,
  role: Role,
  teamIds: string[] = [],
  extra: { canViewContact?: boolean; name?: string } = {},
): Promise<TestUser> {
  const user = await app.db.prisma.user.create({
    data: {
      email: `${randomUUID()}@example.com`,
      name: extra.name ?? `${role.toLowerCase()} ${randomUUID().slice(0, 4)}`,
      role,
      canViewContact: extra.canViewContact ?? false,
      passwordHash: "unusable",
      memberships: { create: teamIds.map((teamId) => ({ teamId })) },
    },
  });
  const token = newBearerToken("session");
  await app.db.prisma.session.create({
    data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { id: user.id, gid: gid("User", user.id), token };
}

export async function seedApiToken(app: TestApp, scopes: TokenScope[], teamIds: string[] = []) {
  const token = newBearerToken("api");
  const row = await app.db.prisma.apiToken.create({
    data: {
      name: `bot ${randomUUID().slice(0, 4)}`,
      prefix: token.slice(0, 10),
      tokenHash: hashToken(token),
      scopes,
      teams: { create: teamIds.map((teamId) => ({ teamId })) },
    },
  });
  return { id: row.id, gid: gid("ApiToken", row.id), token };
}

let account = 0;
/** A complete case: everything needed to leave NEW. */
export function ticketInput(overrides: Record<string, unknown> = {}) {
  const accountId = (overrides.accountId as string) ?? `ACC-${++account}-${randomUUID().slice(0, 6)}`;
  return {
    title: `${accountId} refund not received`,
    accountId,
    externalRef: `INT-${randomUUID().slice(0, 8)}`,
    channel: "WECHAT",
    type: "INQUIRY",
    priority: "MEDIUM",
    description: "refund missing after 5 days",
    details: "Customer tried the app twice and waited 5 days.",
    requester: { name: "Li Lei", contact: "13812345678" },
    ...overrides,
  };
}

export const CREATE = `mutation Create($input: CreateTicketInput!) {
  createTicket(input: $input) {
    __typename
    ... on CreateTicketPayload { ticket { id number status version title team { name } tags requester { name maskedContact contact } description details } }
    ... on Error { message code }
    ... on ValidationError { field issues { field message } }
  }
}`;

export const TRANSITION = `mutation Move($input: TransitionTicketInput!) {
  transitionTicket(input: $input) {
    __typename
    ... on TransitionTicketPayload { ticket { id status version resolution availableTransitions } }
    ... on Error { message code }
    ... on ValidationError { field issues { field message } }
    ... on InvalidTransitionError { from to allowed }
    ... on VersionConflictError { expectedVersion currentVersion }
  }
}`;

export async function createTicketVia(app: TestApp, token: string, overrides: Record<string, unknown> = {}) {
  const result = await app.gql(CREATE, { input: ticketInput(overrides) }, { token });
  const payload = result.data?.createTicket;
  if (payload?.__typename !== "CreateTicketPayload") {
    throw new Error(`createTicket failed: ${JSON.stringify(result)}`);
  }
  return payload.ticket as { id: string; number: string; status: string; version: number; [key: string]: any };
}

export async function moveVia(app: TestApp, token: string, input: Record<string, unknown>) {
  const result = await app.gql(TRANSITION, { input }, { token });
  return result.data?.transitionTicket ?? result;
}
