// Names and connections for the PostgreSQL databases the tests create.
import pg from "pg";

/** Every test database starts with this, so a leftover one is recognised as the tests'. */
export const TEST_DATABASE_PREFIX = "caseflow_t_";

/** `base` with its database replaced by `name`. */
export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` on a single connection to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
