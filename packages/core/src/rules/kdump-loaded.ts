import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { checkResult, forFamily, RUN_AS_ROOT } from "./rule-kit.ts";

const ID = "kdump.loaded";

/**
 * R06 (domain §8): the capture kernel is loaded: `/sys/kernel/kexec_crash_loaded` = 1, or in fadump
 * mode `fadump_registered` = 1 (kexec_crash_loaded stays 0 there, trap 14), else `current state:` of
 * kdump-config or `kdumpctl status`. Service state and a recorded `kexec command:` prove nothing
 * (traps 11, 12); buildFacts does not use them for `state`.
 */
export function checkKdumpLoaded(facts: HostFacts): CheckResult {
  const { kdump } = facts;
  const mode = kdump.mode === "fadump" ? "fadump" : "kdump";
  const evidence = [...kdump.stateEvidence, ...kdump.loadErrors];
  const reload = forFamily(kdump.tool === "kdumpctl" ? "el" : facts.identity.os.family, {
    debian: [
      "sudo kdump-config load   # read the error it prints",
      "See kexec.lockdown and kexec.load-disabled if it says Operation not permitted.",
    ],
    el: [
      "sudo kdumpctl restart   # read the error it prints",
      "journalctl -b -u kdump",
      "See kexec.lockdown and kexec.load-disabled if it says Operation not permitted.",
    ],
  });
  if (kdump.state === "ready") {
    return checkResult(ID, "pass", `Capture kernel loaded (ready to ${mode})`, evidence);
  }
  if (kdump.state === "not_ready") {
    const why = kdump.loadErrors[0] ? `; last load error: ${kdump.loadErrors[0].text.trim()}` : "";
    return checkResult(
      ID,
      "fail",
      `Capture kernel not loaded (not ready to ${mode})${why}`,
      evidence,
      reload,
    );
  }
  return checkResult(
    ID,
    "unknown",
    "Could not tell whether a capture kernel is loaded (no kexec_crash_loaded, kdump-config or kdumpctl output)",
    evidence,
    [RUN_AS_ROOT, "cat /sys/kernel/kexec_crash_loaded   # 1 means loaded"],
  );
}
