/**
 * The commands each distro family really has for each remediation step, so no host is told to
 * run a tool it lacks (an EL host is never told to run kdump-config). Sources:
 * - Debian/Ubuntu: kdump-tools (`kdump-config`, /etc/default/kdump-tools, the grub drop-in
 *   /etc/default/grub.d/kdump-tools.cfg, `update-grub`), Ubuntu Server docs "Kernel crash dump"
 * - EL (RHEL 7–10, CentOS, Rocky, Alma, Oracle, Fedora, Amazon Linux): kexec-tools / kdump-utils
 *   (`kdumpctl`, `kdumpctl reset-crashkernel` on EL 9+, `grubby`), RHEL "Managing, monitoring and
 *   updating the kernel" kdump chapters
 * - SUSE (SLES, openSUSE): the `kdump` package (`kdumptool`, /etc/sysconfig/kdump, `yast2 kdump`),
 *   openSUSE kdump(7)
 * - Azure Linux / CBL-Mariner: kexec-tools with kdumpctl imported from Fedora 33 (no
 *   reset-crashkernel), `tdnf`, /etc/default/grub.d/51_kexec_tools.cfg + `grub2-mkconfig`
 *   (microsoft/azurelinux SPECS/kexec-tools)
 */
import type { FamilySteps } from "./rule-kit.ts";

const same = (step: string): FamilySteps => ({
  debian: [step],
  el: [step],
  suse: [step],
  azurelinux: [step],
});

export const INSTALL: FamilySteps = {
  debian: ["sudo apt install kdump-tools"],
  el: ["sudo dnf install kdump-utils   # kexec-tools on EL ≤ 9; yum on EL 7 and Amazon Linux 2"],
  suse: ["sudo zypper install kdump yast2-kdump"],
  azurelinux: ["sudo tdnf install kexec-tools"],
};

export const ENABLE_SERVICE: FamilySteps = {
  debian: ["sudo systemctl enable kdump-tools"],
  el: ["sudo systemctl enable --now kdump"],
  suse: ["sudo systemctl enable --now kdump"],
  azurelinux: ["sudo systemctl enable --now kdump"],
};

/** Load the capture kernel again and read the error it prints. */
export const RELOAD: FamilySteps = {
  debian: ["sudo kdump-config load   # read the error it prints"],
  el: ["sudo kdumpctl restart   # read the error it prints"],
  suse: ["sudo systemctl restart kdump && systemctl status kdump"],
  azurelinux: ["sudo kdumpctl restart   # read the error it prints"],
};

export const SERVICE_LOG: FamilySteps = {
  debian: ["journalctl -b -u kdump-tools"],
  el: ["journalctl -b -u kdump"],
  suse: ["journalctl -b -u kdump"],
  azurelinux: ["journalctl -b -u kdump"],
};

/** Put crashkernel=<value> on the next boot's command line (value: a plain crashkernel= value). */
export function setCrashkernel(value: string): FamilySteps {
  return {
    debian: [
      `Set crashkernel=${value} in /etc/default/grub.d/kdump-tools.cfg (GRUB_CMDLINE_LINUX_DEFAULT)`,
      "sudo update-grub",
    ],
    el: [
      `sudo grubby --update-kernel=ALL --args=crashkernel=${value}   # EL 9+ default sizes: sudo kdumpctl reset-crashkernel --kernel=ALL`,
    ],
    suse: [
      `Set KDUMP_CRASHKERNEL="crashkernel=${value}" in /etc/sysconfig/kdump, or set the kdump memory with: sudo yast2 kdump`,
      "sudo systemctl restart kdump   # updates the boot loader (kdump-commandline) on kdump ≥ 2.0; otherwise use yast2 kdump",
    ],
    azurelinux: [
      `Set crashkernel=${value} in /etc/default/grub.d/51_kexec_tools.cfg (GRUB_CMDLINE_LINUX)`,
      "sudo grub2-mkconfig -o /boot/grub2/grub.cfg",
    ],
  };
}

/** The distribution's default crashkernel= for the next boot. */
export const DEFAULT_CRASHKERNEL: FamilySteps = {
  debian: [
    'Set the default in /etc/default/grub.d/kdump-tools.cfg, e.g. GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"',
    "sudo update-grub",
  ],
  el: [
    "sudo kdumpctl reset-crashkernel --kernel=ALL   # EL 9+; on EL ≤ 8: sudo grubby --update-kernel=ALL --args=crashkernel=auto",
  ],
  suse: [
    "sudo yast2 kdump   # enable kdump and keep the computed memory; or KDUMP_CRASHKERNEL in /etc/sysconfig/kdump",
  ],
  azurelinux: [
    'Keep GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX crashkernel=512M-32G:256M,32G-:512M" in /etc/default/grub.d/51_kexec_tools.cfg',
    "sudo grub2-mkconfig -o /boot/grub2/grub.cfg",
  ],
};

export const REBOOT: FamilySteps = same(
  "sudo reboot   # in a maintenance window: the reservation is made at boot",
);

export const CRASH_TEST: FamilySteps = same(
  "Test with a controlled crash in a maintenance window: echo c | sudo tee /proc/sysrq-trigger",
);

/** Concatenates several steps tables. */
export function steps(...tables: FamilySteps[]): FamilySteps {
  return {
    debian: tables.flatMap((t) => t.debian),
    el: tables.flatMap((t) => t.el),
    suse: tables.flatMap((t) => t.suse),
    azurelinux: tables.flatMap((t) => t.azurelinux),
  };
}

export { same as sameForAll };
