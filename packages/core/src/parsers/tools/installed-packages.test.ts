import { expect, test } from "vitest";
import dpkgL from "../../../fixtures/packages/dpkg-l-ubuntu-excerpt.txt?raw";
import removed from "../../../fixtures/packages/dpkg-query-removed-config-left.txt?raw";
import rpmEl10 from "../../../fixtures/packages/rpm-q-el10.txt?raw";
import rpmNone from "../../../fixtures/packages/rpm-q-none.txt?raw";
import sosRpms from "../../../fixtures/packages/sos-installed-rpms-el9-excerpt.txt?raw";
import { parseInstalledPackages } from "./installed-packages.ts";

test.each([
  ["sos installed-rpms (EL 9)", sosRpms, ["kexec-tools 2.0.27-8.el9_4"], []],
  [
    "rpm -q on EL 10 (kdump-utils)",
    rpmEl10,
    ["kdump-utils 1.0.51-4.el10", "makedumpfile 1.7.6-3.el10"],
    ["kexec-tools", "kdump"],
  ],
  ["rpm -q with nothing installed", rpmNone, [], ["kexec-tools", "kdump-utils", "kdump", "makedumpfile"]],
  [
    "dpkg -l (Ubuntu)",
    dpkgL,
    ["kdump-tools 1:1.6.10ubuntu2", "kexec-tools 1:2.0.22-2ubuntu2", "makedumpfile 1:1.7.0-1build1"],
    [],
  ],
  [
    "dpkg-query: removed, config files left",
    removed,
    ["kexec-tools 1:2.0.25-3+b1", "makedumpfile 1:1.7.2-1"],
    ["kdump-tools"],
  ],
] as const)("%s", (_name, text, installed, absent) => {
  const { value } = parseInstalledPackages(text);
  expect(value.installed.map((p) => `${p.name} ${p.version}`)).toEqual(installed);
  expect(value.absent.map((p) => p.name)).toEqual(absent);
});

test("`kdump-utils` is not mistaken for a `kdump` package, nor other packages for kdump ones", () => {
  const { value } = parseInstalledPackages(
    "kdump-utils-1.0.51-4.el10.x86_64\nkdumpwatch-agent-0.1.0-1.noarch\n",
  );
  expect(value.installed.map((p) => p.name)).toEqual(["kdump-utils"]);
});

test("a dpkg -l listing is a full package list: absence from it means not installed", () => {
  expect(parseInstalledPackages(dpkgL).value.fullList).toBe(true);
  expect(parseInstalledPackages(rpmEl10).value.fullList).toBe(false);
});
