/**
 * Kernel release strings (`uname -r`, the `Linux version X` boot line), e.g.
 *
 *     5.15.0-69-generic
 *     3.10.0-327.36.3.el7.x86_64
 *     6.18.0-8-generic
 */
export interface KernelRelease {
  /** the release as given */
  release: string;
  major: number;
  minor: number;
  patch: number | null;
  /** Enterprise Linux major from a `.elN` tag (`.el7`, `.el8_4`, `.el7uek`), else null */
  el: number | null;
  /** the distribution's build number after the first `-` (the 133 of `5.14.0-133.el9`), else null */
  build: number | null;
}

/** Parses `major.minor[.patch]…`; null when the string does not start like a kernel release. */
export function parseKernelRelease(release: string | null | undefined): KernelRelease | null {
  if (typeof release !== "string") return null;
  const text = release.trim();
  const m = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?/.exec(text);
  if (!m) return null;
  const el = /\.el(\d{1,2})(?!\d)/.exec(text);
  const build = /^[^-\s]*-(\d{1,9})/.exec(text);
  return {
    release: text,
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? null : Number(m[3]),
    el: el ? Number(el[1]) : null,
    build: build ? Number(build[1]) : null,
  };
}

/**
 * `crashkernel=auto` is a RHEL 6/7/8 kernel feature (also Oracle UEK kernels built "from RHEL7");
 * mainline, Ubuntu, Debian and RHEL 9+ reject it (domain.md §1.8).
 */
export function isRhelAutoKernel(release: string | null | undefined): boolean {
  const r = parseKernelRelease(release);
  return r !== null && r.el !== null && r.el >= 6 && r.el <= 8;
}
