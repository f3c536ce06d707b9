// PostGraphile 5 (amber preset + simplified inflection) over caseflow's tables, the peer
// of `npm run bench:compare`. It introspects the database DATABASE_URL names and serves
// /graphql on PORT with DATABASE_POOL_SIZE connections, like caseflow and the raw ceiling.
// Run: node --import ./polyfill.mjs server.mjs
//
// The same session round trip as the others: each request's bearer token is hashed and
// looked up (session, user, teams, swarms) in one statement before the operation runs;
// an unknown, revoked or expired session is refused. caseflow's schema has no row-level
// security policies, so the viewer travels in the context and no pgSettings are set
// (with pgSettings PostGraphile would wrap every request in BEGIN/set_config/COMMIT).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const SESSION_SQL = readFileSync(new URL("./session.sql", import.meta.url), "utf8");

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  options: "-c jit=off",
});

async function viewerOf(authorization) {
  const match = /^Bearer\s+(\S+)$/i.exec((authorization ?? "").trim());
  if (!match) throw new Error("Unauthenticated");
  const tokenHash = createHash("sha256").update(match[1]).digest("base64url");
  const { rows } = await pool.query(SESSION_SQL, [tokenHash]);
  const session = rows[0];
  if (!session || session.revokedAt || session.expiresAt <= new Date() || !session.active) throw new Error("Unauthenticated");
  return session;
}

const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  pgServices: [makePgService({ pool, schemas: ["public"] })],
  grafserv: { graphqlPath: "/graphql", graphiql: false },
  grafast: {
    explain: false,
    async context(requestContext) {
      return { viewer: await viewerOf(requestContext.node?.req.headers.authorization) };
    },
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error) => {
  console.error(error);
  process.exit(1);
});
await pgl.getSchemaResult();
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
const stop = () => server.close(() => pgl.release().then(() => pool.end()).then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
