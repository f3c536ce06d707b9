// Usage the types must refuse. Each `@ts-expect-error` fails the type check when the line
// below it compiles (TS2578), so this file proves that the generated types bite;
// test/typed-client.test.ts also checks each line fails without its directive.
import {
  createCaseflowClient,
  HealthDocument,
  IntakeDocument,
  OpenCasesDocument,
  SlaAlertsDocument,
  SubmitDocument,
} from "../src/index.js";

export async function misuse(): Promise<void> {
  const caseflow = createCaseflowClient({ url: "http://localhost:4000/graphql" });

  // @ts-expect-error OpenCases needs its $team variable
  await caseflow.request(OpenCasesDocument);

  // @ts-expect-error $version is an Int, not a string
  await caseflow.request(SubmitDocument, { id: "VGlja2V0OjE=", version: "3" });

  // @ts-expect-error priority is an enum: LOW, MEDIUM or HIGH
  await caseflow.request(IntakeDocument, { input: { title: "ACC-1 help", priority: "URGENT" } });

  const page = await caseflow.request(OpenCasesDocument, { team: "VGVhbTox" });
  // @ts-expect-error OpenCases did not ask for the description
  console.log(page.tickets.edges[0]?.node.description);

  // @ts-expect-error Health takes no variables
  await caseflow.request(HealthDocument, { verbose: true });

  for await (const alert of caseflow.subscribe(SlaAlertsDocument, { priorities: ["HIGH"] })) {
    // @ts-expect-error an alert's kind is WARNING or BREACH, never compared to a number
    if (alert.slaAlerts.kind === 1) return;
  }
}
