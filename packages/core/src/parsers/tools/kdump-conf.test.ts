import { describe, expect, test } from "vitest";
import samples from "../../../fixtures/other/etc-kdump-conf-insights-samples.txt?raw";
import rhelDefault from "../../../fixtures/other/etc-kdump-conf-rhel-default-active.txt?raw";
import { parseKdumpConf } from "./kdump-conf.ts";

/** The insights fixture holds four files separated by "# sample N" comment lines. */
function sample(n: number): string {
  return samples.split(/^# sample \d.*$/m)[n] ?? "";
}

describe("parseKdumpConf", () => {
  test.each([
    ["rhel default (no target)", rhelDefault, null, "/var/crash", true, 0],
    ["insights sample 1 (ssh)", sample(1), "ssh", "/kdump/raw", true, 0],
    ["insights sample 2 (nfs4, inline comment)", sample(2), "nfs", "/kdump/raw", true, 0],
    ["insights sample 3 (local ext3)", sample(3), "fs", "/usr/local/cores", true, 0],
    ["insights sample 4 (two targets)", sample(4), "ssh", "/var/crash", false, 1],
  ])("%s", (_n, text, kind, path, pathFromFile, multi) => {
    const { value, issues } = parseKdumpConf(text);
    expect(value.target?.kind ?? null).toBe(kind);
    expect(value.path.value).toBe(path);
    expect(value.path.fromFile).toBe(pathFromFile);
    expect(issues.filter((i) => i.code === "multiple-targets")).toHaveLength(multi);
  });

  test("more than one target is an issue naming both", () => {
    const { value, issues } = parseKdumpConf(sample(4));
    expect(value.targets.map((t) => [t.key, t.kind, t.value])).toEqual([
      ["net", "ssh", "user@raw.server.com"],
      ["raw", "raw", "/dev/sda5"],
    ]);
    expect(issues.find((i) => i.code === "multiple-targets")?.message).toMatch(/net, raw/);
  });

  test("core_collector default and the file's value with its line", () => {
    expect(parseKdumpConf("").value.coreCollector.value).toBe("makedumpfile -l --message-level 7 -d 31");
    const { value } = parseKdumpConf(rhelDefault);
    expect(value.coreCollector).toEqual({
      value: "makedumpfile -l --message-level 7 -d 31",
      fromFile: true,
      line: 3,
      text: "core_collector makedumpfile -l --message-level 7 -d 31",
    });
    expect(value.autoResetCrashkernel.value).toBe("yes");
  });

  test("a repeated single-valued option is an issue; repeatable ones are not", () => {
    const { issues } = parseKdumpConf("path /a\npath /b\noptions bnx2 x=1\noptions e1000 y=2\n");
    expect(issues.map((i) => [i.code, i.line])).toEqual([["duplicate-option", 2]]);
  });
});
