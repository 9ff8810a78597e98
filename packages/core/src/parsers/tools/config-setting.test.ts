import { expect, test } from "vitest";
import { lastAssignments, settingOf } from "./config-setting.ts";
import { parseShellAssignments } from "./shell-assignments.ts";

test("settingOf takes the last assignment and falls back on an empty or missing value (shell :=)", () => {
  const last = lastAssignments(parseShellAssignments("A=1\nA=2\nB=\n").value.assignments);
  expect(settingOf(last, "A", "x")).toEqual({ value: "2", fromFile: true, line: 2, text: "A=2" });
  expect(settingOf(last, "B", "dflt")).toEqual({ value: "dflt", fromFile: false, line: null, text: null });
  expect(settingOf(last, "C")).toEqual({ value: "", fromFile: false, line: null, text: null });
});
