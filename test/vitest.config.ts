import { configDefaults, defineProject } from "vitest/config";
import { e2eAlone, e2eBase } from "./vitest.e2e-shared.ts";

// End-to-end tests start real processes (server, agents, Chromium): generous timeouts. Their files run
// side by side, with each other and with the unit projects' files (the root config's two workers):
// every file has its own temp dirs, free ports, servers, databases (a scratch database on the shared
// PostgreSQL, or its own PGlite directory) and Chromium, and the two files that install into this
// machine's system paths (packaging-deb, ansible-role) take the machine lock
// (e2e/support/machine-lock.ts). The files that need the machine to themselves are in the
// `e2e-alone` project (vitest.alone.config.ts), which says why for each.
export default defineProject({
  test: {
    ...e2eBase,
    name: "e2e",
    exclude: [...configDefaults.exclude, ...e2eAlone],
  },
});
