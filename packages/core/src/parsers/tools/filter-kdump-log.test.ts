import { expect, test } from "vitest";
import currentFailed from "../../../fixtures/system-log/constructed-messages-current-boot-failed.txt?raw";
import twoBoots from "../../../fixtures/system-log/openeuler-messages-two-boots.txt?raw";
import { filterKdumpLog } from "./filter-kdump-log.ts";
import { parseSystemLog } from "./kdump-service-journal.ts";

test("only kdump lines and boot markers leave the host, and they read the same after filtering", () => {
  const f = filterKdumpLog(currentFailed);
  expect(f.text).not.toContain("postgres");
  expect(f.text).toContain("Linux version");
  expect(f.dropped).toBe(1);
  expect(parseSystemLog(f.text).value.lastLoad).toMatchObject({ status: "failed" });
  expect(parseSystemLog(f.text).value.lastLoad.cause?.kind).toBe(
    parseSystemLog(currentFailed).value.lastLoad.cause?.kind,
  );
});

test("over the caps the last lines win (the current boot is at the end)", () => {
  const lines = Array.from(
    { length: 50 },
    (_, i) => `Jun 10 06:02:${String(i).padStart(2, "0")} h kdumpctl[1]: line ${i}`,
  );
  const f = filterKdumpLog(lines.join("\n"), { maxLines: 10 });
  expect(f.kept).toBe(10);
  expect(f.truncated).toBe(true);
  expect(f.text.split("\n")[0]).toContain("line 40");
});

test("the kernel lines around a restarted kernel clock are kept, so the reboot survives filtering", () => {
  const f = filterKdumpLog(twoBoots);
  expect(f.text).toBe(
    [
      "May 26 02:06:53 localhost kdumpctl[1594]: Starting kdump: [FAILED]",
      "May 26 02:06:53 localhost systemd[1]: kdump.service: Main process exited, code=exited, status=1/FAILURE",
      "May 26 02:06:53 localhost systemd[1]: kdump.service: Failed with result 'exit-code'.",
      "May 26 02:06:53 localhost systemd[1]: Failed to start Crash recovery kernel arming.",
      "May 26 02:06:54 localhost kernel: [   60.923272] powernow_k8: Power state transitions not supported",
      "May 26 03:50:39 localhost kernel: [    1.777871] jitterentropy: Initialization failed with host not compliant with requirements: 2",
      "May 26 03:51:02 localhost dracut-pre-pivot[1212]: ln: failed to create symbolic link '/sysroot/boot/initramfs-6.1.19-7.0.0.17.oe2303.x86_64.img': File exists",
    ].join("\n"),
  );
  const read = parseSystemLog(f.text).value;
  expect(read.bootMarkers).toBe(1);
  expect(read.lastLoad.status, "the failure belongs to the earlier boot").toBe("unknown");
});
