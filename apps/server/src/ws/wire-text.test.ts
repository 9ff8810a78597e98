import { judgeSnapshot } from "@kdumpwatch/core";
import { HostDetailSchema, HostListSchema } from "@kdumpwatch/protocol";
import {
  createHarness,
  type Harness,
  hello,
  listenHarness,
  TestAgent,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const R = "\uFFFD";

/** one of each code point class a host may send, and what the server must store for it */
const CLASSES: ReadonlyArray<[name: string, sent: string, stored: string]> = [
  ["NUL", "\u0000", R],
  ["C0 controls", "\u0001\u0007\u001b[31m\u001f", "\u0001\u0007\u001b[31m\u001f"],
  ["C1 controls", "\u0080\u0085\u009b\u009f", "\u0080\u0085\u009b\u009f"],
  ["lone high surrogate", "\uD800", R],
  ["lone low surrogate", "\uDFFF", R],
  ["noncharacters", "\uFDD0\uFFFE\uFFFF\u{1FFFE}", "\uFDD0\uFFFE\uFFFF\u{1FFFE}"],
  ["astral", "💥𝔘\u{10FFFD}", "💥𝔘\u{10FFFD}"],
  ["bidi marks", "\u200E\u200F\u202E\u2067", "\u200E\u200F\u202E\u2067"],
  ["U+FFFD", R, R],
];
const SENT = CLASSES.map(([, s]) => s).join("|");
const STORED = CLASSES.map(([, , s]) => s).join("|");

describe.each(testDrivers())("host text of every code point class on $name", (driver) => {
  let h: Harness;
  let srv: Awaited<ReturnType<typeof listenHarness>>;
  beforeAll(async () => {
    // the real judge: facts derived from the text go into text columns and jsonb too
    h = await createHarness(driver, { judge: judgeSnapshot });
    srv = await listenHarness(h);
  });
  afterAll(async () => {
    await srv?.close();
    await h?.dispose();
  });

  test.each(CLASSES)(
    "%s is stored and read back (cleaned only where PostgreSQL must refuse it)",
    async (name, sent, stored) => {
      const hostname = `host-${name.replace(/\W+/g, "-")}-${sent}`;
      const agent = await TestAgent.connect(srv.wsUrl);
      agent.send(
        hello({
          machineId: `m-${name}-${sent}`,
          hostname,
          agentVersion: `1.0${sent}`,
          labels: { note: `x${sent}` },
        }),
      );
      const welcome = await agent.next("welcome");
      agent.send({
        v: 1,
        type: "snapshot",
        seq: 1,
        hash: `h${sent}`,
        snapshot: {
          collectedAt: new Date().toISOString(),
          sources: {
            os_release: { ok: true, text: `PRETTY_NAME="Linux ${sent}"\nID=debian\nVERSION_ID="12"\n` },
            uname: { ok: true, text: `Linux h 6.1.0${sent} #1 SMP x86_64 GNU/Linux\n` },
            cmdline: { ok: true, text: `BOOT_IMAGE=/vmlinuz root=/dev/sda1 note=${sent}\n` },
            [`custom_${sent}`]: { ok: true, text: `all: ${SENT}` },
            failed_one: { ok: false, error: "failed", detail: `exit ${sent}` },
          },
        },
      });
      await agent.next("ack", (m) => m.seq === 1);
      agent.close();

      const res = await h.request(`/api/hosts/${welcome.hostId}`);
      expect(res.status, await res.clone().text()).toBe(200);
      const detail = HostDetailSchema.parse(await res.json());
      const storedName = hostname.replace(sent, stored);
      expect(detail.host.hostname).toBe(storedName);
      expect(detail.agent.version).toBe(`1.0${stored}`);
      expect(detail.sources?.[`custom_${stored}`]).toEqual({ ok: true, text: `all: ${STORED}` });
      expect(detail.sources?.cmdline).toEqual({
        ok: true,
        text: `BOOT_IMAGE=/vmlinuz root=/dev/sda1 note=${stored}\n`,
      });
      expect(detail.sources?.failed_one).toMatchObject({ detail: `exit ${stored}` });
      expect(JSON.stringify(detail)).not.toContain("\\u0000");

      const list = HostListSchema.parse(await (await h.request(`/api/hosts?limit=500`)).json());
      expect(list.hosts.map((x) => x.hostname)).toContain(storedName);
    },
  );
});
