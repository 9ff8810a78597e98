/**
 * One kdump kernel/initrd line of `kdump-config show` / `test`, printed as `"   "$(file $LINK)`
 * for a symlink, else `"   "$LINK` (KT `kdump_show`; domain.md §4.2):
 *
 *        /var/lib/kdump/vmlinuz: symbolic link to /boot/vmlinuz-6.8.0-45-generic
 *        /var/lib/kdump/initrd.img: broken symbolic link to /var/lib/kdump/initrd.img-6.8.0-40-generic
 *        /var/lib/kdump/vmlinuz
 */
export interface KdumpLink {
  /** the link (or file) path, e.g. /var/lib/kdump/vmlinuz */
  path: string;
  /** symlink: resolves; broken-symlink: target missing; path: not a symlink (printed bare) */
  kind: "symlink" | "broken-symlink" | "path";
  /** symlink target with file(1)'s quotes removed; null for kind "path" */
  target: string | null;
  /** kernel release read from the target (or path) name: vmlinuz-<r>, vmlinux-<r>, initrd.img-<r> */
  kernelVersion: string | null;
}

const LINK = /^(\S.*?):\s+(broken )?symbolic link to (.+)$/;

/** Parses a link line; null when the line is not a path or a file(1) symlink description. */
export function parseKdumpLink(text: string): KdumpLink | null {
  const s = text.trim();
  if (!s.startsWith("/") || s.length > 4096) return null;
  const m = LINK.exec(s);
  if (m) {
    const target = unquote(m[3]!.trim());
    return {
      path: m[1]!,
      kind: m[2] ? "broken-symlink" : "symlink",
      target,
      kernelVersion: kernelVersionOf(target),
    };
  }
  if (/\s/.test(s)) return null;
  return { path: s, kind: "path", target: null, kernelVersion: kernelVersionOf(s) };
}

/** file(1) quoted targets as `x', 'x' or "x" depending on its version. */
function unquote(s: string): string {
  const m = /^[`'"](.*)['"]$/.exec(s);
  return m ? m[1]! : s;
}

function kernelVersionOf(path: string): string | null {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const m = /^(?:vmlinu[xz]|initrd\.img|initrd|initramfs|Image|zImage|bzImage)-(.+?)(?:\.img)?$/.exec(base);
  return m ? m[1]! : null;
}
