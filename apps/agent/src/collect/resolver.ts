import { realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import type { SourceResult } from "@kdumpwatch/core";
import { failure } from "./source-error.ts";

/**
 * Where a table path is read. Live: the path itself. Capture: below the capture root, and never
 * outside it — a capture (an extracted sos report) is untrusted input, and a symlink such as
 * `proc/cmdline -> /etc/shadow` must not make the agent read and ship the live host's file.
 */
export interface Resolver {
  live: boolean;
  resolve(path: string): Promise<string | SourceResult>;
}

export function liveResolver(): Resolver {
  return { live: true, resolve: async (path) => path };
}

export async function captureResolver(root: string): Promise<Resolver> {
  const realRoot = await realpath(root);
  return {
    live: false,
    resolve: async (path) => {
      const full = join(realRoot, path);
      let real: string;
      try {
        real = await realpath(full);
      } catch {
        return full; // absent: the read reports it as missing
      }
      if (real !== realRoot && !real.startsWith(realRoot + sep)) {
        return failure("failed", `${path}: resolves outside the capture directory, not read`);
      }
      return real;
    },
  };
}
