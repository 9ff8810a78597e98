import { expect, test } from "vitest";
import type { Snapshot } from "../sources.ts";
import { buildFacts } from "./build-facts.ts";

const facts = (sysconfig: string) =>
  buildFacts({ sources: { sysconfig_kdump: { ok: true, text: sysconfig } }, collectedAt: "" } as Snapshot);

test.each([
  ['KDUMP_SAVEDIR="/var/crash"\nKDUMP_KEEP_OLD_DUMPS=5\n', "/var/crash", null, 5],
  // KDUMP_KEEP_OLD_DUMPS defaults to 0, keep all (sysconfig.kdump.in)
  ['KDUMP_SAVEDIR="file:///srv/dumps"\n', "/srv/dumps", null, 0],
  [
    'KDUMP_SAVEDIR="ssh://kdump@backup.example/var/dumps"\n',
    null,
    { kind: "ssh", target: "ssh://kdump@backup.example/var/dumps" },
    0,
  ],
  [
    'KDUMP_SAVEDIR="nfs://filer/export/dumps"\n',
    null,
    { kind: "nfs", target: "nfs://filer/export/dumps" },
    0,
  ],
  ['KDUMP_CRASHKERNEL="auto"\n', "/var/crash", null, 0],
] as const)("SUSE sysconfig %j feeds the dump target", (text, coredir, remote, numDumps) => {
  const f = facts(text);
  expect(f.dumpTarget).toMatchObject({ coredir, remote, numDumps });
});
