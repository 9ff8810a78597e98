import { readFileSync } from "node:fs";

// set by build.mjs (esbuild `define`) in the bundle; absent when running from source
declare const __KDUMPWATCH_VERSION__: string | undefined;
declare const __KDUMPWATCH_REVISION__: string | undefined;

function packageVersion(): string {
  try {
    // apps/server/package.json: one level up from src/ and from dist/ alike
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

/** The server's version and source revision (`kdumpwatch_build_info`). */
export const BUILD_INFO = {
  version: typeof __KDUMPWATCH_VERSION__ === "string" ? __KDUMPWATCH_VERSION__ : packageVersion(),
  revision: typeof __KDUMPWATCH_REVISION__ === "string" ? __KDUMPWATCH_REVISION__ : "unknown",
};
