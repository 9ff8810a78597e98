import { expect, test } from "vitest";
import active from "../../../fixtures/fadump/capture-boot-dump-active.txt?raw";
import notSupported from "../../../fixtures/fadump/constructed-not-supported.txt?raw";
import v5 from "../../../fixtures/fadump/constructed-v5-reserved-registered.txt?raw";
import qemu from "../../../fixtures/fadump/qemu-power10-rtas-registered.txt?raw";
import { parseFadumpLines } from "./fadump-lines.ts";

const MiB = 1024 * 1024;

test.each([
  ["qemu power10 (current wording)", qemu, 1024 * MiB, true, false, 0],
  ["v5.x wording", v5, 2048 * MiB, true, false, 0],
  ["capture boot after a crash", active, null, false, true, 0],
  ["firmware without fadump", notSupported, null, false, false, 1],
] as const)("%s", (_name, text, reserved, registered, isActive, failures) => {
  const { value } = parseFadumpLines(text);
  expect(value.reserved?.bytes ?? null).toBe(reserved);
  expect(value.registered !== null).toBe(registered);
  expect(value.active !== null).toBe(isActive);
  expect(value.failures).toHaveLength(failures);
});

test("journal-prefixed kernel lines are read too", () => {
  const line = "Jan 12 03:14:02 p10lpar kernel: rtas fadump: Registration is successful!";
  expect(parseFadumpLines(line).value.registered?.text).toBe(line);
});
