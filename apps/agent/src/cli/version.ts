/** Replaced by build.mjs (esbuild `define`) with the package version; "dev" when run from source. */
declare const __KDUMPWATCH_AGENT_VERSION__: string | undefined;

export const AGENT_VERSION: string =
  typeof __KDUMPWATCH_AGENT_VERSION__ === "string" ? __KDUMPWATCH_AGENT_VERSION__ : "0.0.0-dev";
