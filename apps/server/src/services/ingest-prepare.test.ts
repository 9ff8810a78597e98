import { judgeSnapshot, type Snapshot } from "@kdumpwatch/core";
import { canonicalJson } from "@kdumpwatch/protocol";
import { fakeJudge } from "@kdumpwatch/testkit/server";
import { describe, expect, test } from "vitest";
import { type JudgeFn, listingFacts, prepareSnapshot } from "./ingest-prepare.ts";
import { sha256Hex } from "./secrets.ts";

const NOW = new Date("2026-11-26T10:05:00Z");

const realSnapshot: Snapshot = {
  collectedAt: "2026-11-26T10:00:00Z",
  sources: {
    uname: { ok: true, text: "Linux web-1 6.8.0-45-generic #45-Ubuntu SMP x86_64 x86_64 x86_64 GNU/Linux\n" },
    cmdline: { ok: true, text: "BOOT_IMAGE=/vmlinuz-6.8.0-45-generic root=/dev/sda1 ro crashkernel=512M\n" },
    os_release: {
      ok: true,
      text: 'NAME="Ubuntu"\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS \u00e9\u2028"\nID=ubuntu\n',
    },
    kexec_crash_size: { ok: true, text: "536870912\n" },
    kexec_crash_loaded: { ok: false, error: "not-found", detail: 'no such file: "x"\t\u0001' },
  },
};

const cases: [string, JudgeFn, Snapshot][] = [
  ["core's judge", judgeSnapshot, realSnapshot],
  [
    "the fake judge, a failing check",
    fakeJudge,
    {
      collectedAt: "2026-11-26T10:00:00Z",
      sources: { cmdline: { ok: true, text: "verdict=not_ready failing=kdump.loaded" } },
    },
  ],
];

describe("prepareSnapshot", () => {
  test.each(cases)("%s: the hashes are those of the plain definitions", (_name, judge, snapshot) => {
    const prepared = prepareSnapshot(judge, snapshot, NOW);
    const judgement = judge(snapshot, NOW);
    const { collectedAt: _changes, ...stableFacts } = judgement.facts;
    expect(prepared.contentHash).toBe(sha256Hex(canonicalJson(snapshot.sources)));
    expect(prepared.judgementHash).toBe(
      sha256Hex(canonicalJson({ checks: judgement.checks, facts: stableFacts })),
    );
  });

  test.each(cases)(
    "%s: the JSON texts hold the values the objects serialise to",
    (_name, judge, snapshot) => {
      const prepared = prepareSnapshot(judge, snapshot, NOW);
      const judgement = judge(snapshot, NOW);
      const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
      expect(JSON.parse(prepared.sourcesJson)).toEqual(plain(snapshot.sources));
      expect(JSON.parse(prepared.checksJson)).toEqual(plain(judgement.checks));
      expect(JSON.parse(prepared.factsJson)).toEqual(plain(judgement.facts));
      expect(JSON.parse(prepared.factsJson), "collectedAt is stored").toHaveProperty(
        "collectedAt",
        snapshot.collectedAt,
      );
      expect(prepared.checks).toEqual(judgement.checks);
    },
  );

  test("hands back only the facts alerting reads, besides the listing columns", () => {
    const prepared = prepareSnapshot(judgeSnapshot, realSnapshot, NOW);
    const { facts } = judgeSnapshot(realSnapshot, NOW);
    expect(prepared.facts).toEqual({ dumps: facts.dumps, dumpTarget: facts.dumpTarget });
    expect(prepared.listing).toEqual(listingFacts(facts));
    expect(prepared.listing.kernel).toBe("6.8.0-45-generic");
  });
});
