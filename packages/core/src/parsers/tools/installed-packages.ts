import type { ParseResult } from "../issue.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

/** The packages that carry kdump tooling on each family. */
export const KDUMP_PACKAGES = ["kdump-tools", "kexec-tools", "kdump-utils", "kdump", "makedumpfile"] as const;
export type KdumpPackage = (typeof KDUMP_PACKAGES)[number];

export interface InstalledPackage extends ToolLine {
  name: KdumpPackage;
  version: string;
}

export interface InstalledPackages {
  installed: InstalledPackage[];
  /** `package kdump-utils is not installed`, `dpkg-query: no packages found matching …`, `un`/`rc` rows */
  absent: (ToolLine & { name: KdumpPackage })[];
  /** the text is a whole package list (sos `installed-rpms`, `dpkg -l`): absence from it is meaningful */
  fullList: boolean;
}

const NAMES = "kdump-tools|kexec-tools|kdump-utils|kdump|makedumpfile";
// kexec-tools-2.0.26-8.el9.x86_64   Thu 18 May 2023 …   (rpm -q, sos installed-rpms)
const RPM = new RegExp(
  `^(${NAMES})-(\\d[^-\\s]*-[^\\s]+?)(?:\\.(?:x86_64|aarch64|ppc64le|ppc64|s390x|noarch|i686|riscv64))?(?:\\s|$)`,
);
const RPM_ABSENT = new RegExp(`^package (${NAMES}) is not installed$`);
// ii  kdump-tools  1:1.8.1  amd64  scripts …            (dpkg -l)
const DPKG = new RegExp(`^([a-zA-Z][a-zA-Z ]?[A-Z]?)\\s+(${NAMES})(?::\\w+)?\\s+(\\S+)`);
// install ok installed<TAB>kdump-tools<TAB>1:1.8.1     (dpkg-query -W -f '${Status}\t${Package}\t${Version}\n')
const DPKG_QUERY = new RegExp(`^(?:install|hold|deinstall|purge) ok (\\S+(?: \\S+)?)\\t(${NAMES})\\t(\\S*)`);
const DPKG_ABSENT = new RegExp(`^dpkg-query: no packages found matching (${NAMES})$`);

/**
 * Reads which kdump packages are installed from `rpm -q …`, sos's `installed-rpms`, `dpkg -l`
 * or `dpkg-query -W`. Sample:
 *
 *     kexec-tools-2.0.26-8.el9.x86_64                              Tue Oct 10 12:00:00 2023
 *     ii  kdump-tools    1:1.8.1      amd64   scripts and tools for automating kdump
 *     package kdump-utils is not installed
 */
export function parseInstalledPackages(text: string): ParseResult<InstalledPackages> {
  const out: InstalledPackages = { installed: [], absent: [], fullList: false };
  let rows = 0;
  for (const src of splitLines(text)) {
    const s = src.text.trim();
    if (s === "" || s.length > 1024) continue;
    rows++;
    if (/^Desired=|^\|\/ Err|^\+\+\+-/.test(s)) out.fullList = true; // dpkg -l header
    let m = RPM_ABSENT.exec(s) ?? DPKG_ABSENT.exec(s);
    if (m) {
      out.absent.push({ ...src, name: m[1] as KdumpPackage });
      continue;
    }
    m = DPKG_QUERY.exec(s);
    if (m) {
      const installed = m[1] === "installed";
      if (installed) out.installed.push({ ...src, name: m[2] as KdumpPackage, version: m[3] ?? "" });
      else out.absent.push({ ...src, name: m[2] as KdumpPackage });
      continue;
    }
    m = DPKG.exec(s);
    if (m && /^[a-z]{2}/.test(m[1]!)) {
      if (m[1]!.startsWith("ii") || m[1]!.startsWith("hi")) {
        out.installed.push({ ...src, name: m[2] as KdumpPackage, version: m[3]! });
      } else out.absent.push({ ...src, name: m[2] as KdumpPackage });
      continue;
    }
    m = RPM.exec(s);
    if (m) out.installed.push({ ...src, name: m[1] as KdumpPackage, version: m[2]! });
  }
  // a list with far more rows than the packages asked about is a full package list
  if (rows > 20) out.fullList = true;
  return { value: out, issues: [] };
}
