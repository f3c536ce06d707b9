// One process at a time per embedded data folder. PGlite opens a folder that another
// process has open without complaint, and two writers corrupt it; a second `npm start`
// on the same ./data, or a backup taken while the server runs, would do exactly that.
// The lock is a file beside the folder holding the owner's process id. A lock whose
// process no longer runs (killed with SIGKILL, say) is taken over at once, so a process
// manager's immediate restart after a crash is not refused.
import { open, readFile, unlink } from "node:fs/promises";

export class DataFolderInUse extends Error {
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(`the data folder ${folder} is in use by another caseflow process (pid ${pid}; stop it first)`);
    this.name = "DataFolderInUse";
  }
}

/** Folders this process holds: in a container every server is pid 1, so a lock naming our
 * own pid is ours only if we took it, and otherwise was left by a previous incarnation. */
const held = new Set<string>();

function running(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the folder's lock, or throws DataFolderInUse; resolves to the release. */
export async function lockDataFolder(folder: string): Promise<() => Promise<void>> {
  const lockFile = `${folder}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(lockFile);
      return async () => {
        held.delete(lockFile);
        // Only our own lock is removed, in case it was (wrongly) taken over meanwhile.
        if ((await readFile(lockFile, "utf8").catch(() => "")) === String(process.pid)) await unlink(lockFile).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
      // A half-written lock (its writer died between open and write) counts as abandoned.
      if (Number.isInteger(owner) && owner > 0 && (held.has(lockFile) || running(owner))) throw new DataFolderInUse(folder, owner);
      if (attempt > 0) throw new DataFolderInUse(folder, owner);
      // Two processes taking over one abandoned lock at the same instant could both succeed;
      // that needs two servers started at once on one folder, which the lock is there to
      // report, not to arbitrate.
      await unlink(lockFile).catch(() => {});
    }
  }
}
