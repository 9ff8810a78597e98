/**
 * Hand-built HostFacts for rule tests: one healthy baseline and a deep-merge helper, so each test
 * changes only the facts it is about. Test support only (imported by *.test.ts).
 */
import { type Evidence, emptyFacts, type HostFacts } from "@kdumpwatch/core";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = isPlainObject(out[k]) && isPlainObject(v) ? merge(out[k], v as DeepPartial<unknown>) : v;
  }
  return out as T;
}

const ev = (source: string, text: string): Evidence => ({ source, text });

/** Ubuntu 22.04, x86_64, 8 GiB, kdump-tools loaded: every rule passes (or is info). */
export function readyUbuntu(patch?: DeepPartial<HostFacts>): HostFacts {
  const base = emptyFacts("2024-05-01T12:00:00.000Z");
  const ready: DeepPartial<HostFacts> = {
    identity: {
      hostname: "web01",
      machineId: "0123456789abcdef0123456789abcdef",
      os: {
        id: "ubuntu",
        idLike: ["debian"],
        versionId: "22.04",
        prettyName: "Ubuntu 22.04.4 LTS",
        family: "debian",
      },
      kernelRelease: "5.15.0-46-generic",
      arch: "x86_64",
    },
    memory: {
      systemRamBytes: 8191 * MiB,
      systemRamSource: "dmesg",
      memTotalBytes: 8_000 * MiB,
      evidence: [ev("dmesg", "Reserving 192MB of memory at 3056MB for crashkernel (System RAM: 8191MB)")],
    },
    crashkernel: {
      cmdlineRead: true,
      tokens: ["crashkernel=512M-:192M"],
      effective: "512M-:192M",
      kind: "plain",
      expectedBytes: 192 * MiB,
      evidence: [ev("cmdline", "BOOT_IMAGE=/boot/vmlinuz-5.15.0-46-generic ro crashkernel=512M-:192M")],
    },
    configuredCrashkernel: {
      value: "512M-:192M",
      file: "/etc/default/grub.d/kdump-tools.cfg",
      read: true,
      evidence: [
        ev(
          "etc_default_grub_d",
          'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"',
        ),
      ],
    },
    reservation: {
      bytes: 192 * MiB,
      regions: [
        { kind: "main", start: 0xbf000000, end: 0xbf000000 + 192 * MiB, bytes: 192 * MiB, source: "iomem" },
      ],
      reservedSeen: true,
      evidence: [ev("kexec_crash_size", "201326592"), ev("iomem", "  bf000000-caffffff : Crash kernel")],
    },
    kdump: {
      tool: "kdump-tools",
      installed: true,
      installedEvidence: [ev("kdump_config_show", "DUMP_MODE:\t\tkdump")],
      enabled: true,
      useKdump: "1",
      enabledEvidence: [ev("kdump_config_show", "USE_KDUMP:\t\t1")],
      mode: "kdump",
      state: "ready",
      stateEvidence: [
        ev("kexec_crash_loaded", "1"),
        ev("kdump_config_show", "current state:    ready to kdump"),
      ],
      kernelLink: {
        path: "/var/lib/kdump/vmlinuz",
        target: "/boot/vmlinuz-5.15.0-46-generic",
        broken: false,
        version: "5.15.0-46-generic",
        evidence: [
          ev(
            "kdump_config_show",
            "   /var/lib/kdump/vmlinuz: symbolic link to /boot/vmlinuz-5.15.0-46-generic",
          ),
        ],
      },
      initrdLink: {
        path: "/var/lib/kdump/initrd.img",
        target: "/var/lib/kdump/initrd.img-5.15.0-46-generic",
        broken: false,
        version: "5.15.0-46-generic",
        evidence: [
          ev(
            "kdump_config_show",
            "   /var/lib/kdump/initrd.img: symbolic link to /var/lib/kdump/initrd.img-5.15.0-46-generic",
          ),
        ],
      },
      linksShown: true,
      kexecCommand:
        '/sbin/kexec -p --command-line="..." --initrd=/var/lib/kdump/initrd.img /var/lib/kdump/vmlinuz',
      kexecUsesFileLoad: false,
    },
    service: {
      read: true,
      started: true,
      lastLoad: "loaded",
      evidence: [ev("kdump_service_journal", " * loaded kdump kernel")],
    },
    security: {
      lockdown: "none",
      lockdownActive: false,
      secureBoot: false,
      evidence: [ev("lockdown", "[none] integrity confidentiality")],
    },
    kexec: { loadDisabled: false, limitPanic: -1, evidence: [ev("sysctl.kernel.kexec_load_disabled", "0")] },
    panic: { onOops: 1, others: { "kernel.panic": 0 }, evidence: [ev("sysctl.kernel.panic_on_oops", "1")] },
    sysrq: { value: 176, keyboardCrash: false, evidence: [ev("sysctl.kernel.sysrq", "176")] },
    dumpTarget: {
      coredir: "/var/crash",
      freeBytes: 50 * GiB,
      sizeBytes: 100 * GiB,
      mount: "/",
      numDumps: 0,
      evidence: [ev("df_dump_dir", "/dev/sda1 102400000 50000000 52428800 49% /")],
    },
    dumps: { listed: true, evidence: [ev("dump_dir_listing", "kexec_cmd")] },
    collection: { sources: { cmdline: "ok", iomem: "ok", dmesg: "ok" } },
  };
  return merge<HostFacts>(merge<HostFacts>(base, ready), patch);
}

/** RHEL 9, x86_64, kdumpctl operational. */
export function readyRhel(patch?: DeepPartial<HostFacts>): HostFacts {
  return readyUbuntu(
    merge<DeepPartial<HostFacts>>(
      {
        identity: {
          os: {
            id: "rhel",
            idLike: ["fedora"],
            versionId: "9.4",
            prettyName: "Red Hat Enterprise Linux 9.4",
            family: "el",
          },
          kernelRelease: "5.14.0-427.13.1.el9_4.x86_64",
        },
        crashkernel: {
          tokens: ["crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M"],
          effective: "1G-4G:192M,4G-64G:256M,64G-:512M",
          expectedBytes: 256 * MiB,
        },
        configuredCrashkernel: { value: null, file: null, read: true, evidence: [] },
        reservation: {
          bytes: 256 * MiB,
          regions: [{ kind: "main", start: 0xb0000000, end: 0xc0000000, bytes: 256 * MiB, source: "iomem" }],
        },
        kdump: {
          tool: "kdumpctl",
          useKdump: null,
          enabledEvidence: [ev("kdumpctl_status", "kdump: Kdump is operational")],
          stateEvidence: [ev("kdumpctl_status", "kdump: Kdump is operational")],
          kernelLink: null,
          initrdLink: null,
          linksShown: false,
          kexecCommand: null,
          kexecUsesFileLoad: null,
        },
      },
      patch ?? {},
    ),
  );
}
