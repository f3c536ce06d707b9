// Every embedded database is opened here, with the PostgreSQL extensions the migrations
// use: pg_trgm, whose trigram indexes let case search find text inside titles and
// descriptions without reading every case (migration ticket_search_trigram). PGlite
// ships its extensions as separate bundles that must be handed to each instance; a
// database opened without one could neither apply that migration nor use its indexes.
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/** The extensions every embedded database is opened with. */
export const PGLITE_EXTENSIONS = { pg_trgm };

/**
 * Opens an embedded database (in memory unless `dataDir` names a folder) with
 * PGLITE_EXTENSIONS. `settings` are PostgreSQL parameters for this instance (`-c name=value`
 * after PGlite's own start parameters).
 */
export function openPGlite(options: PGliteOptions = {}, settings: Record<string, string> = {}): Promise<PGlite> {
  const startParams = Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  return PGlite.create({
    ...options,
    extensions: { ...PGLITE_EXTENSIONS, ...options.extensions },
    ...(startParams.length > 0 ? { startParams: [...(options.startParams ?? PGlite.defaultStartParams), ...startParams] } : {}),
  });
}
