import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser, TRANSITION } from "./helpers/seed.js";

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let supervisor: TestUser;

beforeAll(async () => {
  app = await createTestApp({ survey: { delaySeconds: 3600, ttlSeconds: 86_400 } });
  team = await seedTeam(app, "CS-Payment");
  agent = await seedUser(app, "AGENT", [team.id]);
  supervisor = await seedUser(app, "SUPERVISOR", [team.id]);
});
afterAll(() => app.close());

const SUBMIT = `mutation($i: SubmitSurveyInput!) { submitSurvey(input: $i) {
  __typename ... on SubmitSurveyPayload { rating } ... on Error { code message } ... on ValidationError { field } } }`;
const CLOSE = TRANSITION.replace("... on TransitionTicketPayload {", "... on TransitionTicketPayload { surveyToken surveySendAt");

async function closeCase() {
  const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
  for (const input of [{ to: "NOT_STARTED" }, { to: "TEAM_CHECKING" }, { to: "INFORM_CUSTOMER", note: "refund sent" }]) {
    await moveVia(app, agent.token, { id: ticket.id, ...input });
  }
  const closed = await app.gql(CLOSE, { input: { id: ticket.id, to: "DONE", resolution: "refunded" } }, { token: agent.token });
  const { surveyToken, surveySendAt } = closed.data.transitionTicket;
  return { ticket, surveyToken: surveyToken as string, surveySendAt: surveySendAt as string };
}

describe("satisfaction surveys", () => {
  it("are issued when a case is DONE, with a one-time token stored only as a hash", async () => {
    const before = Date.now();
    const { ticket, surveyToken, surveySendAt } = await closeCase();
    expect(surveyToken).toMatch(/^cfv_/);
    expect(Date.parse(surveySendAt) - before).toBeGreaterThanOrEqual(3600_000 - 5000);
    const rows = await app.db.prisma.survey.findMany({ where: { ticket: { number: ticket.number } } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(surveyToken);
  });

  it("take one answer without an account; a second use or a wrong token changes nothing", async () => {
    const { ticket, surveyToken } = await closeCase();
    expect((await app.gql(SUBMIT, { i: { token: surveyToken, rating: "NEUTRAL", comment: "ok, took long" } })).data.submitSurvey).toEqual({
      __typename: "SubmitSurveyPayload",
      rating: "NEUTRAL",
    });
    const again = await app.gql(SUBMIT, { i: { token: surveyToken, rating: "SATISFIED" } });
    expect(again.data.submitSurvey).toMatchObject({
      __typename: "SurveyUnavailableError",
      code: "SURVEY_UNAVAILABLE",
      message: expect.stringMatching(/already answered/),
    });
    const wrong = await app.gql(SUBMIT, { i: { token: "cfv_nope", rating: "SATISFIED" } });
    expect(wrong.data.submitSurvey).toMatchObject({ __typename: "SurveyUnavailableError", message: expect.stringMatching(/not valid/) });
    const seen = await app.gql(
      `query($id: ID!) { ticket(id: $id) { needsReview survey { rating comment answeredAt } } }`,
      { id: ticket.id },
      { token: agent.token },
    );
    expect(seen.data.ticket).toMatchObject({ needsReview: false, survey: { rating: "NEUTRAL", comment: "ok, took long" } });
  });

  it("refuse an expired link", async () => {
    const { surveyToken } = await closeCase();
    app.clock.advance(3600 + 86_400 + 1);
    try {
      const late = await app.gql(SUBMIT, { i: { token: surveyToken, rating: "SATISFIED" } });
      expect(late.data.submitSurvey).toMatchObject({ __typename: "SurveyUnavailableError", message: expect.stringMatching(/expired/) });
    } finally {
      app.clock.advance(-(3600 + 86_400 + 1));
    }
  });

  it("send an UNSATISFIED case to review and alert its supervisors live", async () => {
    const { port } = await app.start(0);
    const client = wsClient(port, supervisor.token);
    try {
      const feed = await subscribeWs(
        client,
        `subscription { ticketEvents(filter: { teamId: "${team.gid}" }) { type after actor { kind } ticket { number needsReview } } }`,
      );
      const { ticket, surveyToken } = await closeCase();
      await app.gql(SUBMIT, { i: { token: surveyToken, rating: "UNSATISFIED", comment: "my card 4111 1111 1111 1111 was charged twice" } });
      const [event] = await feed.waitForMatching((e: any) => e.ticketEvents.type === "SURVEY_ANSWERED", 1);
      expect(event.ticketEvents).toEqual({
        type: "SURVEY_ANSWERED",
        after: { rating: "UNSATISFIED", needsReview: true },
        actor: { kind: "CUSTOMER" },
        ticket: { number: ticket.number, needsReview: true },
      });
      const stored = await app.db.prisma.survey.findFirstOrThrow({ where: { ticket: { number: ticket.number } } });
      expect(stored.comment).toBe("my card [REDACTED CARD NUMBER] was charged twice");
      feed.stop();
    } finally {
      await client.dispose();
    }
  });
});
