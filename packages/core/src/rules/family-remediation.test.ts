/**
 * Every distro family with its own tools and its own fixes: for each family × each check made to
 * fail or warn, every remediation step names only commands that exist on that family (an EL host
 * is never told to run kdump-config), and the key checks name the family's own command.
 */

import { BREAK, FAMILY_HOSTS, type Family, mergeFacts } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { CHECK_IDS, type CheckId } from "../checks/check.ts";
import { RULES } from "./rules.ts";

const NOW = new Date("2024-05-01T12:00:00Z");

/** Commands that do not exist on a family (word-bounded so `tdnf` is not `dnf`). */
const FORBIDDEN: Record<Family, RegExp> = {
  debian: /\b(?:kdumpctl|grubby|zypper|yast2|tdnf|dnf|yum|grub2-mkconfig|kdumptool|mkdumprd)\b/,
  el: /\b(?:kdump-config|update-grub|apt|dpkg-reconfigure|zypper|yast2|tdnf|kdumptool)\b|\/etc\/default\/kdump-tools/,
  suse: /\b(?:kdump-config|kdumpctl|grubby|apt|dpkg-reconfigure|dnf|yum|tdnf|update-grub|reset-crashkernel)\b|\/etc\/default\/kdump-tools/,
  azurelinux:
    /\b(?:kdump-config|update-grub|apt|dpkg-reconfigure|zypper|yast2|grubby|reset-crashkernel|dnf|yum|kdumptool)\b|\/etc\/default\/kdump-tools/,
};

/** Checks that never fail or warn: they carry no remediation at all (R12: kernel.sysrq is info). */
const INFO_ONLY: readonly CheckId[] = ["sysrq.keyboard-crash"];

/** Checks that are another family's business: "info", not applicable, without remediation. */
const NOT_APPLICABLE: Partial<Record<CheckId, readonly Family[]>> = {
  // /var/lib/kdump links are kdump-tools'; kdumpctl and SUSE's kdump build their own initramfs
  "kdump.kernel-links": ["el", "suse", "azurelinux"],
};

test("every check of the catalogue is broken on every family here, or never remediates", () => {
  const covered = new Set<CheckId>([...BREAK.map(([id]) => id), ...INFO_ONLY]);
  expect(CHECK_IDS.filter((id) => !covered.has(id))).toEqual([]);
});

/** The family's own command for the checks every operator meets first. */
const OWN: Partial<Record<CheckId, Record<Family, RegExp>>> = {
  "kdump.tools-installed": {
    debian: /apt install kdump-tools/,
    el: /dnf install kdump-utils/,
    suse: /zypper install kdump/,
    azurelinux: /tdnf install kexec-tools/,
  },
  "crashkernel.param": {
    debian: /update-grub/,
    el: /kdumpctl reset-crashkernel|grubby/,
    suse: /yast2 kdump|KDUMP_CRASHKERNEL/,
    azurelinux: /51_kexec_tools\.cfg[\s\S]*grub2-mkconfig/,
  },
  "kdump.loaded": {
    debian: /kdump-config load/,
    el: /kdumpctl restart/,
    suse: /systemctl restart kdump/,
    azurelinux: /kdumpctl restart/,
  },
  "kdump.enabled": {
    debian: /USE_KDUMP=1/,
    el: /systemctl enable --now kdump/,
    suse: /systemctl enable --now kdump/,
    azurelinux: /systemctl enable --now kdump/,
  },
};

describe.each(Object.keys(FAMILY_HOSTS) as Family[])("%s", (family) => {
  test.each(INFO_ONLY.map((id) => [id]))("%s is info, without remediation", (id) => {
    for (const value of [0, 1, 16, 176]) {
      const facts = mergeFacts(FAMILY_HOSTS[family](), { sysrq: { value, keyboardCrash: null } });
      const r = Object.values(RULES)
        .map((rule) => rule(facts, NOW))
        .find((x) => x.id === id)!;
      expect(r.status, r.summary).toBe("info");
      expect(r.remediation ?? []).toEqual([]);
    }
  });

  test.each(BREAK.map(([id, patch], i) => [`${id} #${i}`, id, patch] as const))(
    "%s: every step is a %s command",
    (_name, id, patch) => {
      const base = FAMILY_HOSTS[family]();
      const facts = mergeFacts(base, patch);
      const results = Object.values(RULES).map((rule) => rule(facts, NOW));
      const target = results.find((r) => r.id === id)!;
      if (NOT_APPLICABLE[id]?.includes(family)) {
        expect(target.status, `${family} ${id}: ${target.summary}`).toBe("info");
        expect(target.remediation ?? [], `${family} ${id}`).toEqual([]);
      } else expect(["fail", "warn"], `${id}: ${target.summary}`).toContain(target.status);
      for (const r of results) {
        for (const step of r.remediation ?? []) {
          expect(step, `${family} ${r.id}: ${step}`).not.toMatch(FORBIDDEN[family]);
        }
      }
      const own = OWN[id]?.[family];
      if (own) expect((target.remediation ?? []).join("\n"), `${family} ${id}`).toMatch(own);
    },
  );
});
