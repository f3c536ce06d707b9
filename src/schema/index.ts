// Assembles the schema: importing a domain module registers its types on the builder.
// This is the one place that imports the modules for that; folders have no index file.
import { lexicographicSortSchema } from "graphql";
import { builder } from "./builder.js";
import "./scalars.js";
import "./enums.js";
import "./errors.js";
import "./system.js";
import "./node.js";
import "./user.js";
import "./team.js";
import "./token.js";
import "./auth.js";
import "./ticket/actor.js";
import "./ticket/type.js";
import "./ticket/audit-events.js";
import "./ticket/queries.js";
import "./ticket/inputs.js";
import "./ticket/payloads.js";
import "./ticket/mutations.js";
import "./comment.js";
import "./ticket/live-events.js";
import "./sla/state.js";
import "./sla/settings.js";
import "./sla/alerts.js";
import "./survey.js";
import "./report.js";
import "./auto-reply.js";
import "./rule.js";
import "./automation.js";
import "./incident.js";
import "./alert.js";
import "./macro.js";
import "./swarm.js";
import "./webhook.js";
import "./slack.js";
import "./training.js";

export const schema = lexicographicSortSchema(builder.toSchema());
