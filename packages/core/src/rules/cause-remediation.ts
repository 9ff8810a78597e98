/**
 * What to do about the root cause of a failed kdump start (parsers/tools/failure-cause.ts
 * kinds), per family: the fix first, then the reload that proves it.
 */

import { INSTALL, sameForAll, steps } from "./family-commands.ts";
import type { FamilySteps } from "./rule-kit.ts";

const SIGNED = sameForAll(
  "Boot a distribution-signed kernel and keep its signing key trusted (Secure Boot / MOK); see kexec.lockdown and kexec.load-disabled",
);

const BY_KIND: Readonly<Record<string, FamilySteps>> = {
  signature: SIGNED,
  "not-permitted": sameForAll(
    "See kexec.lockdown and kexec.load-disabled: EPERM comes from lockdown/signature policy, kernel.kexec_load_disabled or an exhausted kexec load limit",
  ),
  "access-denied": sameForAll(
    "Check the IMA policy and SELinux denials for kexec (ausearch -m AVC,INTEGRITY_DATA -c kexec): the capture kernel and initramfs must be readable and, under IMA appraisal, signed",
  ),
  "no-space": {
    debian: ["df -h /var/lib/kdump /boot   # free space, then rebuild: sudo kdump-config load"],
    el: ["df -h /boot /var/lib/kdump   # free space, then rebuild: sudo kdumpctl rebuild"],
    suse: ["df -h /boot   # free space, then rebuild: sudo mkdumprd -f"],
    azurelinux: ["df -h /boot   # free space, then rebuild: sudo kdumpctl rebuild"],
  },
  initramfs: {
    debian: ["sudo /etc/kernel/postinst.d/kdump-tools $(uname -r)   # rebuilds the kdump initrd"],
    el: ["sudo kdumpctl rebuild   # rebuilds the kdump initramfs; read dracut's errors"],
    suse: ["sudo mkdumprd -f   # rebuilds the kdump initrd"],
    azurelinux: ["sudo kdumpctl rebuild   # rebuilds the kdump initramfs; read dracut's errors"],
  },
  "kernel-missing": {
    debian: ["sudo kdump-config symlinks $(uname -r)"],
    el: ["ls /boot/vmlinuz-$(uname -r)   # and KDUMP_KERNELVER in /etc/sysconfig/kdump"],
    suse: ["ls /boot/vmlinuz-$(uname -r)   # and KDUMP_KERNELVER in /etc/sysconfig/kdump"],
    azurelinux: ["ls /boot/vmlinuz-$(uname -r)   # and KDUMP_KERNELVER in /etc/sysconfig/kdump"],
  },
  "no-reservation": sameForAll("Reserve memory first: see crashkernel.param and crashkernel.reserved"),
  "not-supported": sameForAll(
    "Boot a kernel built with kdump support (CONFIG_CRASH_DUMP, CONFIG_KEXEC or CONFIG_KEXEC_FILE)",
  ),
  "fadump-registration": sameForAll(
    "dmesg | grep -i fadump   # the firmware must support firmware-assisted dump (PowerVM / OPAL)",
  ),
  "tools-missing": INSTALL,
  configuration: {
    debian: ["Check /etc/default/kdump-tools (KDUMP_COREDIR, SSH/NFS/FTP targets)"],
    el: ["Check /etc/kdump.conf (one dump target, a reachable path)"],
    suse: ["Check /etc/sysconfig/kdump (KDUMP_SAVEDIR)"],
    azurelinux: ["Check /etc/kdump.conf (one dump target, a reachable path)"],
  },
  disabled: {
    debian: ["Set USE_KDUMP=1 in /etc/default/kdump-tools"],
    el: [],
    suse: [],
    azurelinux: [],
  },
};

const NONE: FamilySteps = { debian: [], el: [], suse: [], azurelinux: [] };

/** Steps for a failure kind (none for "other": the reload and the log tell more). */
export function causeSteps(kind: string | undefined): FamilySteps {
  return steps(kind === undefined ? NONE : (BY_KIND[kind] ?? NONE));
}
