/**
 * The fixes that can be run on a whole group of hosts at once: one per (root-cause check, distro
 * family), as a POSIX shell snippet run as root on each host and the same as Ansible tasks. Only
 * fixes that are idempotent and need no per-host judgement are here; for the others (a reservation
 * that failed, lockdown, a hardening sysctl, the dump target…) the group shows the check's own
 * steps and no script. Nothing here reboots: a fix that needs one says so.
 *
 * Sources, per fix:
 * - Debian/Ubuntu kdump-tools (`debian/kdump-tools.grub.default`, `debian/kdump-tools.conf.in`,
 *   `kdump-config` load/symlinks): the GRUB snippet `/etc/default/grub.d/kdump-tools.cfg` with
 *   `crashkernel=512M-:192M` on amd64 (kdump-tools ≥ 1:1.9, commit 4df8917) and the range table
 *   `2G-4G:320M,…,128G-:4096M` on arm64 and ppc64el; `USE_KDUMP=1` in /etc/default/kdump-tools.
 * - RHEL/Fedora kdump-utils `kdumpctl` (`reset-crashkernel --kernel=ALL`, `restart`); on EL ≤ 8
 *   `grubby --update-kernel=ALL --args=crashkernel=auto` (Red Hat's "Configuring kdump on the
 *   command line", RHEL 8).
 * - SUSE `openSUSE/kdump` (the `kdump` package and service).
 * - `kernel.panic_on_oops=1`: Documentation/admin-guide/sysctl/kernel.rst (kdump-tools sets it when
 *   it loads, so only a host that loads kdump some other way needs it).
 */
import type { DistroFamilyName } from "@kdumpwatch/protocol";

export interface FixRecipe {
  title: string;
  /** what it does, one line per step, for the reader of the script */
  steps: string[];
  /** run with `sh -eu` as root on each host */
  sh: string;
  /** Ansible tasks (YAML, indented by four spaces under `tasks:`) */
  ansible: string;
  reboot: boolean;
}

const PANIC_ON_OOPS: FixRecipe = {
  title: "Panic on oops",
  steps: ["Set kernel.panic_on_oops=1 now and in /etc/sysctl.d/90-kdumpwatch-panic-on-oops.conf"],
  sh: `sysctl -w kernel.panic_on_oops=1
echo 'kernel.panic_on_oops = 1' > /etc/sysctl.d/90-kdumpwatch-panic-on-oops.conf`,
  ansible: `    - name: kernel.panic_on_oops = 1, now and at boot
      ansible.posix.sysctl:
        name: kernel.panic_on_oops
        value: "1"
        sysctl_file: /etc/sysctl.d/90-kdumpwatch-panic-on-oops.conf
        state: present`,
  reboot: false,
};

const DEBIAN: Partial<Record<string, FixRecipe>> = {
  "kdump.tools-installed": {
    title: "Install kdump-tools",
    steps: [
      "apt-get install kdump-tools (it adds crashkernel= to GRUB and enables kdump)",
      "Reboot so the reservation takes effect",
    ],
    sh: `DEBIAN_FRONTEND=noninteractive apt-get install -y kdump-tools`,
    ansible: `    - name: kdump-tools installed
      ansible.builtin.apt:
        name: kdump-tools
        state: present`,
    reboot: true,
  },
  "kdump.enabled": {
    title: "Enable kdump (USE_KDUMP=1)",
    steps: ["Set USE_KDUMP=1 in /etc/default/kdump-tools", "kdump-config load"],
    sh: `f=/etc/default/kdump-tools
if grep -q '^[[:space:]]*USE_KDUMP=' "$f"; then
  sed -i 's/^[[:space:]]*USE_KDUMP=.*/USE_KDUMP=1/' "$f"
else
  echo 'USE_KDUMP=1' >> "$f"
fi
kdump-config load`,
    ansible: `    - name: USE_KDUMP=1
      ansible.builtin.lineinfile:
        path: /etc/default/kdump-tools
        regexp: '^\\s*USE_KDUMP='
        line: USE_KDUMP=1
    - name: load the capture kernel
      ansible.builtin.command: kdump-config load
      changed_when: true`,
    reboot: false,
  },
  "crashkernel.param": {
    title: "Set crashkernel= in GRUB",
    steps: [
      "Write /etc/default/grub.d/kdump-tools.cfg with kdump-tools' default crashkernel= for the architecture",
      "update-grub",
      "Reboot so the reservation takes effect",
    ],
    sh: `case "$(uname -m)" in
  x86_64|i?86) ck='512M-:192M' ;;
  *) ck='2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M' ;;
esac
mkdir -p /etc/default/grub.d
printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=%s"\\n' "$ck" > /etc/default/grub.d/kdump-tools.cfg
update-grub`,
    ansible: `    - name: crashkernel= for GRUB (kdump-tools' default for the architecture)
      ansible.builtin.copy:
        dest: /etc/default/grub.d/kdump-tools.cfg
        content: >-
          GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel={{
          '512M-:192M' if ansible_facts['architecture'] in ['x86_64', 'i386']
          else '2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M' }}"
      register: kdumpwatch_grub
    - name: update-grub
      ansible.builtin.command: update-grub
      when: kdumpwatch_grub.changed`,
    reboot: true,
  },
  "kdump.loaded": {
    title: "Load the capture kernel",
    steps: ["kdump-config load (its error, if any, is printed)"],
    sh: `kdump-config load`,
    ansible: `    - name: load the capture kernel
      ansible.builtin.command: kdump-config load
      changed_when: true`,
    reboot: false,
  },
  "kdump.kernel-links": {
    title: "Relink the kdump kernel and initrd",
    steps: ["kdump-config symlinks for the running kernel", "kdump-config reload"],
    sh: `kdump-config symlinks "$(uname -r)"
kdump-config reload`,
    ansible: `    - name: kdump kernel and initrd links for the running kernel
      ansible.builtin.command: kdump-config symlinks {{ ansible_facts['kernel'] }}
      changed_when: true
    - name: reload kdump
      ansible.builtin.command: kdump-config reload
      changed_when: true`,
    reboot: false,
  },
  "panic.on-oops": PANIC_ON_OOPS,
};

const EL: Partial<Record<string, FixRecipe>> = {
  "kdump.tools-installed": {
    title: "Install kdump-utils (kexec-tools on EL ≤ 9)",
    steps: [
      "dnf install kdump-utils, or kexec-tools where that is the package",
      "Enable the kdump service",
      "Reboot",
    ],
    sh: `dnf install -y kdump-utils || dnf install -y kexec-tools
systemctl enable kdump`,
    ansible: `    - name: kdump-utils (or kexec-tools) installed
      ansible.builtin.dnf:
        name: "{{ 'kexec-tools' if (ansible_facts['distribution_major_version'] | int) <= 9 else 'kdump-utils' }}"
        state: present
    - name: kdump enabled
      ansible.builtin.systemd_service:
        name: kdump
        enabled: true`,
    reboot: true,
  },
  "kdump.enabled": {
    title: "Enable and start kdump",
    steps: ["systemctl enable --now kdump"],
    sh: `systemctl enable --now kdump`,
    ansible: `    - name: kdump enabled and started
      ansible.builtin.systemd_service:
        name: kdump
        enabled: true
        state: started`,
    reboot: false,
  },
  "crashkernel.param": {
    title: "Reset crashkernel= to the distribution default",
    steps: [
      "kdumpctl reset-crashkernel --kernel=ALL (EL 9+); grubby --args=crashkernel=auto on EL ≤ 8",
      "Reboot so the reservation takes effect",
    ],
    sh: `kdumpctl reset-crashkernel --kernel=ALL || grubby --update-kernel=ALL --args=crashkernel=auto`,
    ansible: `    - name: crashkernel= reset to the default
      ansible.builtin.shell: kdumpctl reset-crashkernel --kernel=ALL || grubby --update-kernel=ALL --args=crashkernel=auto
      changed_when: true`,
    reboot: true,
  },
  "kdump.loaded": {
    title: "Restart kdump",
    steps: ["kdumpctl restart (its error, if any, is printed)"],
    sh: `kdumpctl restart`,
    ansible: `    - name: restart kdump
      ansible.builtin.command: kdumpctl restart
      changed_when: true`,
    reboot: false,
  },
  "panic.on-oops": PANIC_ON_OOPS,
};

const SUSE: Partial<Record<string, FixRecipe>> = {
  "kdump.tools-installed": {
    title: "Install kdump",
    steps: ["zypper install kdump", "Enable the kdump service", "Reboot"],
    sh: `zypper --non-interactive install kdump
systemctl enable kdump`,
    ansible: `    - name: kdump installed
      community.general.zypper:
        name: kdump
        state: present
    - name: kdump enabled
      ansible.builtin.systemd_service:
        name: kdump
        enabled: true`,
    reboot: true,
  },
  "kdump.enabled": EL["kdump.enabled"] as FixRecipe,
  "kdump.loaded": {
    title: "Restart kdump",
    steps: ["systemctl restart kdump"],
    sh: `systemctl restart kdump`,
    ansible: `    - name: restart kdump
      ansible.builtin.systemd_service:
        name: kdump
        state: restarted`,
    reboot: false,
  },
  "panic.on-oops": PANIC_ON_OOPS,
};

const BY_FAMILY: Record<DistroFamilyName, Partial<Record<string, FixRecipe>>> = {
  debian: DEBIAN,
  el: EL,
  suse: SUSE,
  // no guessing which package manager or boot loader a host has
  unknown: {},
};

export function fixRecipe(check: string, family: DistroFamilyName): FixRecipe | null {
  return BY_FAMILY[family][check] ?? null;
}

export const FAMILY_LABELS: Record<DistroFamilyName, string> = {
  debian: "Debian/Ubuntu",
  el: "RHEL/Fedora",
  suse: "SUSE",
  unknown: "unknown distribution",
};
