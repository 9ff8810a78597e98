import { type KernelRelease, parseKernelRelease, releaseAtLeast } from "./kernel-release.ts";

/** Architecture names as `uname -m` prints them (Debian names accepted and mapped). */
export type KernelArch = "x86_64" | "arm64" | "riscv64" | "loongarch64" | "ppc64le" | "s390x" | "other";

export function normalizeArch(machine: string | null | undefined): KernelArch | null {
  if (typeof machine !== "string" || machine.trim() === "") return null;
  const m = machine.trim().toLowerCase();
  if (m === "x86_64" || m === "amd64") return "x86_64";
  if (m === "aarch64" || m === "arm64") return "arm64";
  if (m === "riscv64") return "riscv64";
  if (m === "loongarch64") return "loongarch64";
  if (m === "ppc64le" || m === "ppc64el" || m === "ppc64") return "ppc64le";
  if (m === "s390x") return "s390x";
  return "other";
}

/** A behaviour switch that is known (true/false) or not (null): then both are evaluated. */
export type Maybe = boolean | null;

export interface BehaviourGuess {
  roundRam: Maybe;
  cmaSuffix: Maybe;
  highSupported: Maybe;
  legacyX86: Maybe;
  defaultLowBytes: bigint | null;
}

const MIB = 1n << 20n;

function atLeast(r: KernelRelease | null, major: number, minor: number): Maybe {
  return r === null ? null : releaseAtLeast(r, major, minor);
}

/** between(r, a, b): false below a, true from b on, null in between (an approx. boundary). */
function between(r: KernelRelease | null, a: [number, number], b: [number, number]): Maybe {
  if (r === null) return null;
  if (!releaseAtLeast(r, a[0], a[1])) return false;
  if (releaseAtLeast(r, b[0], b[1])) return true;
  return null;
}

/**
 * What a kernel of this release and architecture does with `crashkernel=` (domain.md §1.2–1.7).
 * Version boundaries are the approximate ones of the domain spec; distro backports make EL8/EL9
 * kernels unknowable for the 128 MiB rounding, so those are null.
 */
export function guessKernelBehaviour(release: string | null, arch: string | null): BehaviourGuess {
  const r = parseKernelRelease(release);
  const a = normalizeArch(arch);
  let roundRam = atLeast(r, 6, 0);
  if (r !== null && (r.el === 8 || r.el === 9)) roundRam = null;
  const cmaSuffix = atLeast(r, 6, 16);
  let highSupported: Maybe;
  let legacyX86: Maybe = false;
  let defaultLowBytes: bigint | null = null;
  switch (a) {
    case "x86_64":
      highSupported = true;
      legacyX86 = r === null ? null : !releaseAtLeast(r, 6, 7);
      defaultLowBytes = 256n * MIB; // max(swiotlb + 8M, 256M) with the default 64M swiotlb
      break;
    case "arm64":
      highSupported = between(r, [5, 19], [6, 2]);
      defaultLowBytes = 128n * MIB;
      break;
    case "riscv64":
      highSupported = between(r, [6, 6], [6, 7]);
      defaultLowBytes = 128n * MIB;
      break;
    case "loongarch64":
      highSupported = r === null ? null : releaseAtLeast(r, 6, 7) ? true : null;
      break;
    case "ppc64le":
    case "s390x":
    case "other":
      highSupported = false;
      break;
    default:
      // architecture unknown: it may be x86_64
      highSupported = null;
      legacyX86 = r !== null && releaseAtLeast(r, 6, 7) ? false : null;
  }
  return { roundRam, cmaSuffix, highSupported, legacyX86, defaultLowBytes };
}
