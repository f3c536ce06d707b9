// One process at a time per embedded data folder. PGlite opens a folder that another
// process has open without complaint, and two writers corrupt it; a second `npm start`
// on the same ./data, or a backup taken while the server runs, would do exactly that.
// The lock is a directory beside the folder, kept fresh while held and taken over once
// stale (a process killed with SIGKILL does not keep the folder locked for ever).
import lockfile from "proper-lockfile";

export class DataFolderInUse extends Error {
  constructor(readonly folder: string) {
    super(`the data folder ${folder} is in use by another caseflow process (stop it first)`);
    this.name = "DataFolderInUse";
  }
}

/** Takes the folder's lock, or throws DataFolderInUse; resolves to the release. */
export async function lockDataFolder(folder: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(folder, { lockfilePath: `${folder}.lock`, stale: 15_000, update: 5_000, realpath: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOCKED") throw new DataFolderInUse(folder);
    throw error;
  }
}
