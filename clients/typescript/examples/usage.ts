// How a frontend uses the client; type-checked with the client (tsconfig.json), never run.
import { createCaseflowClient, DashboardDocument, IntakeDocument, OpenCasesDocument, SubmitDocument } from "../src/index.js";

export async function openCasesAndLiveUpdates(token: string, team: string): Promise<void> {
  const caseflow = createCaseflowClient({ url: "https://caseflow.example.com/graphql", token, persisted: true });

  const page = await caseflow.request(OpenCasesDocument, { team });
  for (const edge of page.tickets.edges) console.log(edge.node.number, edge.node.status, edge.node.assignee?.name);

  const created = await caseflow.request(IntakeDocument, {
    input: {
      title: "ACC-1001 refund not received",
      accountId: "ACC-1001",
      channel: "WECHAT",
      type: "COMPLAINT",
      priority: "HIGH",
      teamId: team,
      idempotencyKey: "intercom-88213",
    },
  });
  // Expected refusals are members of the result union, told apart by what they carry.
  if ("ticket" in created.createTicket) {
    const { id, version } = created.createTicket.ticket;
    await caseflow.request(SubmitDocument, { id, version });
  }

  for await (const event of caseflow.subscribe(DashboardDocument, { team, after: page.tickets.pageInfo.endCursor })) {
    console.log(event.ticketEvents.cursor, event.ticketEvents.toStatus);
  }
}
