import { expect, test } from "vitest";
import loadsOk from "../../../fixtures/kdump-log/centos-stream8-loads-ok.txt?raw";
import requiredKey from "../../../fixtures/kdump-log/constructed-required-key.txt?raw";
import { parseKdumpLog } from "./kdump-log.ts";

test("the last traced kexec of a published kdump.log loaded (ret=0), dated by its PS4 stamp", () => {
  const { value } = parseKdumpLog(loadsOk);
  expect(value.lastLoad.status).toBe("loaded");
  expect(value.lastLoad.decidedBy?.text).toBe("+ 2024-04-13 08:44:31 /usr/bin/kdumpctl@679: ret=0");
  expect(value.lastLoad.decidedBy?.stamp).toMatchObject({ year: 2024, month: 4, day: 13 });
  expect(value.findings.filter((f) => f.code === "attempt-start")).toHaveLength(2);
});

test("a failed block's kexec error is its cause: ENOKEY names a signature problem", () => {
  const { value } = parseKdumpLog(requiredKey);
  expect(value.lastLoad.status).toBe("failed");
  expect(value.lastLoad.causes[0]?.text).toBe("kexec_file_load failed: Required key not available");
  expect(value.lastLoad.cause?.kind).toBe("signature");
});

test("a block cut before its ret= line decides nothing; text outside blocks is ignored", () => {
  const cut = loadsOk.split("\n").slice(0, 6).join("\n");
  expect(parseKdumpLog(cut).value.lastLoad.status).toBe("loaded");
  const open =
    "+ 2024-04-13 08:44:31 /usr/bin/kdumpctl@675: /sbin/kexec -s -d -p x\nTry gzip decompression.\n";
  expect(parseKdumpLog(open).value.lastLoad.status).toBe("unknown");
  expect(parseKdumpLog("kexec_file_load failed: Operation not permitted\n").value.lastLoad.status).toBe(
    "unknown",
  );
});
