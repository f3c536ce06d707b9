import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let first: TestUser;
let second: TestUser;
let outsider: TestUser;
let commentId: string;

const REACT = (name: string) => `mutation($i: ReactInput!) { ${name}(input: $i) {
  __typename ... on ReactPayload { comment { reactions { emoji count names } } } ... on Error { code } ... on ValidationError { field } } }`;

beforeAll(async () => {
  app = await createTestApp();
  team = await seedTeam(app);
  first = await seedUser(app, "AGENT", [team.id], { name: "An" });
  second = await seedUser(app, "AGENT", [team.id], { name: "Bo" });
  outsider = await seedUser(app, "AGENT", []);
  const ticket = await createTicketVia(app, first.token, { teamId: team.gid });
  const added = await app.gql(
    `mutation($i: AddCommentInput!) { addComment(input: $i) { ... on AddCommentPayload { comment { id } } } }`,
    { i: { ticketId: ticket.id, body: "payment stuck again" } },
    { token: first.token },
  );
  commentId = added.data.addComment.comment.id;
});
afterAll(() => app.close());

describe("status markers on comments", () => {
  it("show counts and names, once per person and marker", async () => {
    await app.gql(REACT("react"), { i: { commentId, emoji: "👀" } }, { token: first.token });
    await app.gql(REACT("react"), { i: { commentId, emoji: "👀" } }, { token: first.token });
    await app.gql(REACT("react"), { i: { commentId, emoji: "👀" } }, { token: second.token });
    const done = await app.gql(REACT("react"), { i: { commentId, emoji: "✅" } }, { token: second.token });
    expect(done.data.react.comment.reactions).toEqual([
      { emoji: "👀", count: 2, names: ["An", "Bo"] },
      { emoji: "✅", count: 1, names: ["Bo"] },
    ]);
    const undone = await app.gql(REACT("unreact"), { i: { commentId, emoji: "👀" } }, { token: first.token });
    expect(undone.data.unreact.comment.reactions[0]).toEqual({ emoji: "👀", count: 1, names: ["Bo"] });
    const audited = await app.db.prisma.ticketEvent.count({ where: { type: "COMMENTED", after: { path: ["marker"], not: "null" } } });
    expect(audited).toBe(4); // the repeated 👀 changed nothing and is not audited
  });

  it("refuse other markers, outsiders and tokens", async () => {
    expect((await app.gql(REACT("react"), { i: { commentId, emoji: "👍" } }, { token: first.token })).data.react).toMatchObject({
      __typename: "ValidationError",
      field: "input.emoji",
    });
    expect((await app.gql(REACT("react"), { i: { commentId, emoji: "👀" } }, { token: outsider.token })).data.react.__typename).toBe(
      "NotFoundError",
    );
    const bot = await seedApiToken(app, ["tickets:write"]);
    expect((await app.gql(REACT("react"), { i: { commentId, emoji: "👀" } }, { token: bot.token })).data.react.__typename).toBe(
      "ForbiddenError",
    );
  });
});
