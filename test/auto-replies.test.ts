import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderTemplate, unknownPlaceholders } from "../src/domain/templates.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let admin: TestUser;
let agent: TestUser;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  app = await createTestApp();
  team = await seedTeam(app);
  admin = await seedUser(app, "ADMIN");
  agent = await seedUser(app, "AGENT", [team.id]);
});
afterAll(() => app.close());

const UPSERT = `mutation($i: UpsertAutoReplyInput!) { upsertAutoReply(input: $i) {
  __typename ... on AutoReplyPayload { autoReply { channel enabled } } ... on ValidationError { field message } ... on Error { code } } }`;

describe("templates", () => {
  it("render known placeholders and find unknown ones", () => {
    expect(
      renderTemplate("Hi {{ customer.name }}, case {{ticket.number}} due {{ticket.dueAt}}.", {
        "customer.name": "Li",
        "ticket.number": "WX-1",
      }),
    ).toBe("Hi Li, case WX-1 due .");
    expect(unknownPlaceholders("{{ticket.number}} {{customer.phone}} {{customer.phone}} {{x}}")).toEqual(["customer.phone", "x"]);
  });
});

describe("automatic acknowledgements", () => {
  it("refuse an unknown placeholder when saved, naming it", async () => {
    const result = await app.gql(UPSERT, { i: { channel: "WECHAT", template: "Dear {{customer.nickname}}" } }, { token: admin.token });
    expect(result.data.upsertAutoReply).toMatchObject({
      __typename: "ValidationError",
      field: "input.template",
      message: expect.stringContaining("{{customer.nickname}}"),
    });
    expect(await app.db.prisma.autoReply.count()).toBe(0);
    expect(
      (await app.gql(UPSERT, { i: { channel: "WECHAT", template: "x" } }, { token: agent.token })).data.upsertAutoReply.__typename,
    ).toBe("ForbiddenError");
  });

  it("post a public reply on every new case of their channel", async () => {
    const saved = await app.gql(
      UPSERT,
      { i: { channel: "EMAIL", template: "Dear {{customer.name}}, we have your request {{ticket.number}}." } },
      { token: admin.token },
    );
    expect(saved.data.upsertAutoReply.autoReply).toEqual({ channel: "EMAIL", enabled: true });
    const ticket = await createTicketVia(app, agent.token, {
      teamId: team.gid,
      channel: "EMAIL",
      requester: { name: "Han Meimei", contact: "han@example.com" },
    });
    const seen = await app.gql(
      `query($id: ID!) { ticket(id: $id) { firstRespondedAt comments { edges { node { body kind visibility author { kind } } } } } }`,
      { id: ticket.id },
      { token: agent.token },
    );
    expect(seen.data.ticket.comments.edges.map((e: any) => e.node)).toEqual([
      { body: `Dear Han Meimei, we have your request ${ticket.number}.`, kind: "SYSTEM", visibility: "PUBLIC", author: { kind: "SYSTEM" } },
    ]);
    // An acknowledgement is not the team's first response.
    expect(seen.data.ticket.firstRespondedAt).toBeNull();
    const other = await createTicketVia(app, agent.token, { teamId: team.gid, channel: "PHONE" });
    expect(await app.db.prisma.comment.count({ where: { ticket: { number: other.number } } })).toBe(0);
    await app.gql(UPSERT, { i: { channel: "EMAIL", template: "off", enabled: false } }, { token: admin.token });
    const quiet = await createTicketVia(app, agent.token, { teamId: team.gid, channel: "EMAIL" });
    expect(await app.db.prisma.comment.count({ where: { ticket: { number: quiet.number } } })).toBe(0);
  });
});
