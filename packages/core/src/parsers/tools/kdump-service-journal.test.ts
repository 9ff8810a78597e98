import { describe, expect, test } from "vitest";
import startNoMemory from "../../../fixtures/kdumpctl/constructed-start-no-memory.txt?raw";
import secureFail from "../../../fixtures/other/constructed-kdump-config-load-secureboot-fail.txt?raw";
import loadOk from "../../../fixtures/other/constructed-kdump-config-load-success.txt?raw";
import estimatorNoSystemctl from "../../../fixtures/other/kdump-mem-estimator-no-systemctl-debian.txt?raw";
import captureBoot from "../../../fixtures/other/kdump-tools-dump-boot-journal-ubuntu-doc.txt?raw";
import notReserved from "../../../fixtures/other/kdump-tools-load-memory-not-reserved-ubuntu.txt?raw";
import debianOneline from "../../../fixtures/other/kdump-tools-service-no-crashkernel-debian-oneline.txt?raw";
import debianSplit from "../../../fixtures/other/kdump-tools-service-no-crashkernel-debian-sonic.txt?raw";
import ubuntuNoCk from "../../../fixtures/other/kdump-tools-service-no-crashkernel-ubuntu.txt?raw";
import kexecDisabled from "../../../fixtures/other/kexec-file-load-eperm-kexec-load-disabled.txt?raw";
import lockdown from "../../../fixtures/other/kexec-file-load-eperm-lockdown.txt?raw";
import { parseKdumpServiceJournal } from "./kdump-service-journal.ts";

describe("parseKdumpServiceJournal over fixtures", () => {
  test.each([
    ["kdump-tools-service-no-crashkernel-ubuntu", ubuntuNoCk, "failed", "no-crashkernel-param", 3],
    ["kdump-tools-service-no-crashkernel-debian-oneline", debianOneline, "failed", "no-crashkernel-param", 2],
    ["kdump-tools-service-no-crashkernel-debian-sonic", debianSplit, "failed", "no-crashkernel-param", 2],
    ["kdump-mem-estimator-no-systemctl-debian", estimatorNoSystemctl, "failed", "no-crashkernel-param", 2],
    ["kdump-tools-load-memory-not-reserved-ubuntu", notReserved, "failed", "memory-not-reserved", 1],
    ["constructed-kdump-config-load-secureboot-fail", secureFail, "failed", "kexec-file-load-failed", 2],
    ["constructed-kdump-config-load-success", loadOk, "loaded", null, 3],
    ["constructed-start-no-memory (kdumpctl)", startNoMemory, "failed", "memory-not-reserved", 2],
    ["kexec-file-load-eperm-lockdown", lockdown, "failed", "kexec-file-load-failed", 3],
    ["kexec-file-load-eperm-kexec-load-disabled", kexecDisabled, "failed", "kexec-file-load-failed", 1],
    ["kdump-tools-dump-boot-journal-ubuntu-doc (capture kernel)", captureBoot, "unknown", null, null],
  ])("%s", (name, text, status, cause, decidingLine) => {
    const { value } = parseKdumpServiceJournal(text);
    const ctx = `${name}: ${JSON.stringify(value.findings.map((f) => [f.line, f.code]))}`;
    expect(value.lastLoad.status, ctx).toBe(status);
    expect(value.lastLoad.causes[0]?.code ?? null, ctx).toBe(cause);
    if (decidingLine !== null) expect(value.lastLoad.decidedBy?.line, ctx).toBe(decidingLine);
  });

  test("Debian's message split over two journal lines becomes one finding with both lines as evidence", () => {
    const { value } = parseKdumpServiceJournal(debianSplit);
    const f = value.findings.find((x) => x.code === "no-crashkernel-param");
    expect(f?.evidence.map((e) => e.line)).toEqual([2, 3]);
    expect(f?.message).toBe("no crashkernel= parameter in the kernel cmdline");
  });

  test("the kexec errno text is kept as the cause's detail, with the exact line", () => {
    const { value } = parseKdumpServiceJournal(lockdown);
    expect(value.lastLoad.causes[0]?.detail).toBe("Operation not permitted");
    expect(value.lastLoad.causes[0]?.text).toBe("kexec_file_load failed: Operation not permitted");
    expect(value.findings.map((f) => f.code)).toContain("lockdown");
  });

  test("the capture-kernel journal reports the saved vmcore but no load", () => {
    const { value } = parseKdumpServiceJournal(captureBoot);
    expect(value.findings.filter((f) => f.code === "vmcore-saved").map((f) => f.detail)).toEqual([
      "/var/crash/202601210724",
    ]);
  });
});

const J = (ident: string, msg: string, t = "06:59:11") => `Jan 21 ${t} r-vm ${ident}: ${msg}`;

describe("parseKdumpServiceJournal: the last attempt counts", () => {
  test("trap 11: a failed load followed by systemd 'Finished' is still a failed load", () => {
    const text = [
      J("systemd[1]", "Starting Kernel crash dump capture service..."),
      J("kdump-tools[10]", "Starting kdump-tools:"),
      J("kdump-tools[12]", "kexec_file_load failed: Key was rejected by service"),
      J("kdump-tools[10]", " * failed to load kdump kernel"),
      J("systemd[1]", "Finished Kernel crash dump capture service."),
    ].join("\n");
    const { value } = parseKdumpServiceJournal(text);
    expect(value.lastLoad.status).toBe("failed");
    expect(value.lastLoad.causes.map((c) => c.code)).toEqual(["kexec-file-load-failed", "load-failed"]);
    expect(value.lastLoad.causes[0]?.detail).toBe("Key was rejected by service");
    expect(value.findings.at(-1)?.code).toBe("service-started");
  });

  test("a failure then a later successful reload reads as loaded", () => {
    const text = [
      J("kdump-tools[1]", "Starting kdump-tools:"),
      J("kdump-tools[2]", " * failed to load kdump kernel"),
      J("kdump-tools[3]", "Starting kdump-tools:", "07:10:00"),
      J("kdump-tools[4]", " * loaded kdump kernel", "07:10:01"),
    ].join("\n");
    const { value } = parseKdumpServiceJournal(text);
    expect(value.lastLoad.status).toBe("loaded");
    expect(value.lastLoad.decidedBy?.line).toBe(4);
  });

  test("a success then a later failed reload reads as failed with the later cause only", () => {
    const text = [
      J("kdump-tools[1]", " * loaded kdump kernel"),
      J("kdump-tools[2]", " * unloaded kdump kernel"),
      J("kdump-tools[3]", "Starting kdump-tools:"),
      J("kdump-tools[5]", "Memory for crashkernel is not reserved"),
      J("kdump-tools[5]", 'Please reserve memory by passing"crashkernel=Y@X" parameter to kernel'),
      J("kdump-tools[3]", " * failed to load kdump kernel"),
    ].join("\n");
    const { value } = parseKdumpServiceJournal(text);
    expect(value.lastLoad.status).toBe("failed");
    expect(value.lastLoad.causes.map((c) => c.line)).toEqual([4, 6]);
  });

  test("USE_KDUMP=0 reads as skipped, not failed", () => {
    const text = J("kdump-tools[3]", " * /etc/default/kdump-tools: USE_KDUMP is not set or zero");
    expect(parseKdumpServiceJournal(text).value.lastLoad.status).toBe("skipped");
  });

  test.each([
    [
      "kdumpctl EL8 journal",
      "Mar 14 09:12:55 el9 kdumpctl[812]: kdump: kexec: loaded kdump kernel",
      "loaded",
    ],
    ["kdumpctl start OK", "Mar 14 09:12:55 el9 kdumpctl[812]: kdump: Starting kdump: [OK]", "loaded"],
    ["kdumpctl kexec failure", "kdump: kexec: failed to load kdump kernel", "failed"],
    ["short-iso prefix", "2024-01-21T06:59:11+0000 r-vm kdump-tools[5]:  * loaded kdump kernel", "loaded"],
    ["monotonic prefix", "[    5.171504] kdump-tools[740]:  * loaded kdump kernel", "loaded"],
    ["CRLF", "kexec_load failed: Operation not permitted\r\n * failed to load kdump kernel\r\n", "failed"],
    ["journal meta only", "-- No entries --", "unknown"],
    ["empty", "", "unknown"],
  ])("%s", (_n, text, status) => {
    expect(parseKdumpServiceJournal(text).value.lastLoad.status).toBe(status);
  });
});
