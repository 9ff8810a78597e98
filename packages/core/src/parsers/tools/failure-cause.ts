/**
 * Names the root cause of a failed kdump start from the messages of that attempt, most specific
 * first. The errno texts are glibc's strerror() strings that kexec-tools prints after
 * `kexec_file_load failed:` / `kexec_load failed:` (kexec/kexec.c):
 *
 *     Operation not permitted      EPERM        lockdown, signature policy, kexec_load_disabled, load limit
 *     Required key not available   ENOKEY       image signature not verifiable: no trusted key (Secure Boot)
 *     Key was rejected by service  EKEYREJECTED image signature rejected (Secure Boot / MOK)
 *     Permission denied            EACCES       IMA appraisal or SELinux denied the image
 *
 * Public examples: access.redhat.com/solutions/3683241 ("kdump service fails with message
 * kexec_file_load failed: Required key not available"); github.com/cockpit-project/cockpit/issues/8466
 * (`Cannot open … vmlinuz…: Permission denied`, SELinux); github.com/coreos/fedora-coreos-tracker/issues/1267
 * (`Failed to detect kdump kernel location`).
 */
import type { KdumpToolsMessageCode } from "./kdump-message-rules.ts";

export const FAILURE_KINDS = [
  "signature", // ENOKEY, EKEYREJECTED, lockdown
  "not-permitted", // EPERM without a lockdown line: lockdown, kexec_load_disabled, load limit…
  "access-denied", // EACCES, IMA appraisal, SELinux
  "no-space", // dracut / mkdumprd could not write the initramfs
  "initramfs", // the kdump initramfs is missing or could not be built
  "kernel-missing", // no kdump kernel found
  "no-reservation", // no memory reserved / no crashkernel=
  "not-supported", // kernel without kdump / fadump support
  "fadump-registration", // firmware refused fadump registration
  "tools-missing", // kdump-config / kdumpctl / the unit not installed
  "configuration", // invalid kdump.conf, dump target
  "disabled", // USE_KDUMP=0: switched off on purpose
  "other",
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface FailureCause {
  kind: FailureKind;
  /** one sentence an operator can act on */
  explanation: string;
}

const ERRNO: ReadonlyArray<readonly [RegExp, FailureCause]> = [
  [
    /Required key not available/i,
    {
      kind: "signature",
      explanation:
        "the capture kernel's signature could not be verified (ENOKEY: no trusted key for it; a Secure Boot / kernel signing problem)",
    },
  ],
  [
    /Key was rejected by service/i,
    {
      kind: "signature",
      explanation:
        "the capture kernel's signature was rejected (EKEYREJECTED: a Secure Boot / kernel signing problem)",
    },
  ],
  [
    /Operation not permitted/i,
    {
      kind: "not-permitted",
      explanation:
        "the kernel refused to load the capture kernel (EPERM: lockdown or signature policy, kernel.kexec_load_disabled, or an exhausted kexec load limit)",
    },
  ],
  [
    /Permission denied/i,
    {
      kind: "access-denied",
      explanation:
        "access to the capture kernel or initramfs was denied (EACCES: IMA appraisal or SELinux policy)",
    },
  ],
];

const BY_CODE: Partial<Record<KdumpToolsMessageCode, FailureCause>> = {
  "key-rejected": ERRNO[1]![1],
  lockdown: {
    kind: "signature",
    explanation: "kernel lockdown refused to kexec an image it cannot verify (Secure Boot)",
  },
  "ima-appraisal": {
    kind: "access-denied",
    explanation: "IMA appraisal rejected the capture kernel image (it needs a valid IMA signature)",
  },
  "selinux-denied": {
    kind: "access-denied",
    explanation: "SELinux denied kexec access to the capture kernel or initramfs",
  },
  "no-space": {
    kind: "no-space",
    explanation:
      "the kdump initramfs could not be written: No space left on device (free space in /boot or /var)",
  },
  "initrd-no-write-permission": {
    kind: "initramfs",
    explanation: "there is no kdump initramfs and its directory is not writable, so it cannot be rebuilt",
  },
  "initrd-build-failed": {
    kind: "initramfs",
    explanation: "the kdump initramfs could not be built (mkdumprd / dracut failed)",
  },
  "kdump-initrd-missing": {
    kind: "initramfs",
    explanation: "the kdump initrd (KDUMP_INITRD) does not exist",
  },
  "initrd-not-found": { kind: "initramfs", explanation: "no kdump initramfs was found" },
  "kernel-location-unknown": {
    kind: "kernel-missing",
    explanation:
      "kdumpctl could not find the kernel to load as capture kernel (Failed to detect kdump kernel location)",
  },
  "bootinfo-failed": {
    kind: "kernel-missing",
    explanation:
      "kdumpctl could not find the capture kernel's boot files (failed to prepare for kdump bootinfo)",
  },
  "kdump-kernel-missing": {
    kind: "kernel-missing",
    explanation: "the kdump kernel (KDUMP_KERNEL) does not exist",
  },
  "memory-not-reserved": {
    kind: "no-reservation",
    explanation: "no memory is reserved for the capture kernel (crashkernel= missing, invalid or too large)",
  },
  "no-crashkernel-param": {
    kind: "no-reservation",
    explanation: "there is no crashkernel= on the kernel command line",
  },
  "kdump-not-supported": { kind: "not-supported", explanation: "the running kernel does not support kdump" },
  "fadump-not-configured": {
    kind: "not-supported",
    explanation: "fadump is not enabled in the running kernel (fadump=on missing or unsupported firmware)",
  },
  "fadump-register-failed": {
    kind: "fadump-registration",
    explanation: "the firmware refused the fadump registration",
  },
  "tools-not-found": { kind: "tools-missing", explanation: "the kdump tools are not installed" },
  "unit-not-found": { kind: "tools-missing", explanation: "the kdump service unit is not installed" },
  "dump-target-invalid": { kind: "configuration", explanation: "the dump target is not usable" },
  "config-invalid": { kind: "configuration", explanation: "the kdump configuration is invalid" },
  "ssh-and-nfs": { kind: "configuration", explanation: "SSH and NFS targets are both configured" },
  "relocation-mismatch": {
    kind: "configuration",
    explanation: "the kdump kernel's relocation address does not match the crashkernel= reservation",
  },
  "kexec-no-free-area": {
    kind: "no-reservation",
    explanation:
      "the capture kernel does not fit in the reserved memory (Could not find a free area of memory)",
  },
  "use-kdump-not-set": { kind: "disabled", explanation: "kdump is switched off (USE_KDUMP is not 1)" },
};

/** Specificity of each message as a cause: higher is more telling. */
export function causeRank(code: string): number {
  if (code === "kexec-file-load-failed" || code === "kexec-load-failed" || code === "cannot-open") return 90;
  if (BY_CODE[code as KdumpToolsMessageCode] !== undefined) {
    // kdumpctl rebuilds a missing initramfs: "not found" is context when the rebuild then fails
    if (code === "initrd-not-found") return 55;
    return code === "initrd-build-failed" ? 60 : 80;
  }
  if (code === "kexec-cannot-load") return 50;
  return 10; // load-failed, start-failed, service-failed and other generic lines
}

/** The cause one message stands for; null when it is only a generic "failed" line. */
export function causeOf(code: string, message: string): FailureCause | null {
  if (code === "kexec-file-load-failed" || code === "kexec-load-failed" || code === "cannot-open") {
    for (const [re, cause] of ERRNO) if (re.test(message)) return cause;
    return { kind: "other", explanation: `kexec could not load the capture kernel (${message})` };
  }
  if (code === "kexec-cannot-load") {
    return { kind: "other", explanation: `kexec could not load the capture kernel (${message})` };
  }
  return BY_CODE[code as KdumpToolsMessageCode] ?? null;
}
