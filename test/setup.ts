// Runs before each test file. Files share one module graph per worker (vitest.config.ts:
// isolate is off, which saves importing the app afresh for every file), so state the
// test helpers keep per file is reset here.
import { afterAll } from "vitest";
import { resetLiveStreams } from "./helpers/live.js";
import { killLeftoverServers } from "./helpers/process.js";

resetLiveStreams();
afterAll(killLeftoverServers);
