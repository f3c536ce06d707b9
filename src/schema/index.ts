// Assembles the schema: importing a domain file registers its types on the builder.
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
import "./ticket.js";
import "./comment.js";
import "./ticket-events.js";
import "./sla/state.js";
import "./sla/settings.js";
import "./sla/alerts.js";
import "./survey.js";
import "./report.js";
import "./auto-reply.js";
import "./rule.js";
import "./incident.js";
import "./alert.js";
import "./macro.js";
import "./swarm.js";

export const schema = lexicographicSortSchema(builder.toSchema());
