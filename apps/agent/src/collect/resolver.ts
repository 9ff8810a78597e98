import { lstat, readlink, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import type { SourceResult } from "@kdumpwatch/core";
import { failure } from "./source-error.ts";

/**
 * Where a table path is read. Live: the path itself. Capture: below the capture root, and never
 * outside it — a capture (an extracted sos report) is untrusted input, and a symlink such as
 * `proc/cmdline -> /etc/shadow` must not make the agent read and ship the live host's file.
 * Every read of a capture goes through `resolve` (files, directories and each file a glob picks,
 * concat-directory.ts); the answer is the real path to open, or the source error to report.
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
  const inside = (real: string) => real === realRoot || real.startsWith(realRoot + sep);
  const outside = (path: string) =>
    failure("failed", `${path}: resolves outside the capture directory, not read`);
  return {
    live: false,
    resolve: async (path) => {
      const full = join(realRoot, path);
      let real: string;
      try {
        real = await realpath(full);
      } catch {
        // absent, a dangling link or a loop: nothing is read, but a link that points out is still
        // reported as one rather than as a missing file
        return (await pointsOutside(full, inside)) ? outside(path) : full;
      }
      return inside(real) ? real : outside(path);
    },
  };
}

/**
 * For a path realpath could not resolve: does its nearest existing ancestor, or the dangling link
 * at its end, lead out of the root?
 */
async function pointsOutside(full: string, inside: (real: string) => boolean): Promise<boolean> {
  try {
    const stats = await lstat(full);
    if (stats.isSymbolicLink()) {
      const target = await readlink(full);
      const parent = await realpath(dirname(full));
      return !inside(isAbsolute(target) ? resolve(target) : resolve(parent, target));
    }
  } catch {
    // not there at all: judge by the ancestors
  }
  let current = dirname(full);
  for (;;) {
    try {
      return !inside(await realpath(current));
    } catch {
      const parent = dirname(current);
      if (parent === current) return true;
      current = parent;
    }
  }
}
