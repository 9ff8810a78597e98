import { parseKdumpConfigShow } from "../parsers/tools/kdump-config-show.ts";
import { parseKdumpctlStatus } from "../parsers/tools/kdumpctl-status.ts";
import { parseKdumptoolCalibrate } from "../parsers/tools/kdumptool-calibrate.ts";
import { parseOsRelease } from "../parsers/tools/os-release.ts";
import { parseSysconfigKdump } from "../parsers/tools/sysconfig-kdump.ts";
import { parseUname } from "../parsers/tools/uname.ts";
import type { DistroFamily, Evidence, IdentityFacts } from "./host-facts.ts";
import { ev, firstLine, type SourceContext } from "./source-context.ts";

const DEBIAN = new Set(["debian", "ubuntu", "linuxmint", "pop", "raspbian", "kali", "devuan"]);
const EL = new Set([
  "rhel",
  "centos",
  "fedora",
  "rocky",
  "almalinux",
  "ol",
  "amzn",
  "scientific",
  "cloudlinux",
  "eurolinux",
  "virtuozzo",
  "circle",
  "navy",
]);
const SUSE = new Set([
  "sles",
  "sles_sap",
  "sled",
  "opensuse",
  "opensuse-leap",
  "opensuse-tumbleweed",
  "opensuse-microos",
  "suse",
  "sle-micro",
  "sl-micro",
]);
/** CBL-Mariner 1.0/2.0 (`ID=mariner`) and Azure Linux 3.0 (`ID=azurelinux`). */
const AZURE = new Set(["mariner", "azurelinux"]);

/**
 * Distro family from os-release ID then ID_LIKE (os-release(5)). Azure Linux is its own family:
 * it ships kexec-tools' kdumpctl (imported from Fedora 33, microsoft/azurelinux
 * SPECS/kexec-tools) but neither grubby nor `kdumpctl reset-crashkernel`, and installs with tdnf.
 */
function distroFamily(id: string | null, idLike: readonly string[]): DistroFamily {
  for (const candidate of [id, ...idLike]) {
    if (candidate === null) continue;
    const c = candidate.toLowerCase();
    if (AZURE.has(c)) return "azurelinux";
    if (DEBIAN.has(c)) return "debian";
    if (EL.has(c)) return "el";
    if (SUSE.has(c) || c.startsWith("opensuse") || c.startsWith("sle")) return "suse";
  }
  return "unknown";
}

/** `Linux version 5.15.0-46-generic (buildd@…)` in the kernel log. */
const LINUX_VERSION = /Linux version (\S+)/;

/**
 * Hostname, machine id, OS and kernel. The kernel release comes from `uname -a`, else the dmesg
 * `Linux version` banner; the family falls back to which kdump tooling answered.
 */
export function buildIdentity(ctx: SourceContext): IdentityFacts {
  const evidence: Evidence[] = [];
  const os = ctx.parse("os_release", parseOsRelease);
  const uname = ctx.parse("uname", parseUname);
  if (uname?.source) evidence.push(ev("uname", uname.source.text));
  const prettyLine = ctx
    .text("os_release")
    ?.split(/\r\n|\r|\n/)
    .find((l) => /^\s*PRETTY_NAME=/.test(l));
  if (prettyLine !== undefined) evidence.push(ev("os_release", prettyLine));

  let kernelRelease = uname?.kernelRelease ?? null;
  if (kernelRelease === null) {
    const banner = ctx
      .text("dmesg")
      ?.split(/\r\n|\r|\n/)
      .find((l) => LINUX_VERSION.test(l));
    const m = banner === undefined ? null : LINUX_VERSION.exec(banner);
    if (banner !== undefined && m) {
      kernelRelease = m[1] ?? null;
      evidence.push(ev("dmesg", banner));
    }
  }

  let family = distroFamily(os?.id ?? null, os?.idLike ?? []);
  if (family === "unknown") {
    if (
      ctx.parse("kdump_config_show", parseKdumpConfigShow)?.found ||
      ctx.text("etc_default_kdump_tools") !== null
    ) {
      family = "debian";
    } else if (
      ctx.parse("kdumptool_calibrate", parseKdumptoolCalibrate)?.values.Low ||
      ctx.parse("sysconfig_kdump", parseSysconfigKdump)?.flavour === "suse"
    ) {
      family = "suse";
    } else if (
      ctx.parse("kdumpctl_status", parseKdumpctlStatus)?.operational ||
      ctx.text("kdump_conf") !== null
    ) {
      family = "el";
    }
  }
  const hostname = firstLine(ctx.text("hostname"))?.trim() || uname?.hostname || null;
  const machineId = firstLine(ctx.text("machine_id"))?.trim() || null;
  return {
    hostname,
    machineId,
    os: {
      id: os?.id ?? null,
      idLike: os?.idLike ?? [],
      versionId: os?.versionId ?? null,
      prettyName: os?.prettyName ?? null,
      family,
    },
    kernelRelease,
    arch: uname?.arch ?? null,
    evidence,
  };
}
