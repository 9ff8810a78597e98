import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { RELOAD, steps } from "./family-commands.ts";
import { checkResult, forFamily, remediationFamily } from "./rule-kit.ts";

const ID = "kexec.lockdown";

/** kexec errors that mean "refused", as opposed to "not found" or "no memory" (domain §4.3, §6.2). */
const REJECTION =
  /Operation not permitted|Key was rejected|Required key not available|Unsigned PE binary|signature verification failed/i;

/**
 * R07 (domain §8, §6.2): Secure Boot / lockdown rejecting the kdump kernel.
 * Fail: the kernel logged `Lockdown: …: kexec of unsigned images is restricted`, or a load failed
 * with EPERM / a signature error while lockdown (or Secure Boot) is on and nothing is loaded.
 * EPERM has other causes (trap 17): with kexec_load_disabled=1 and no Lockdown line it is unknown.
 * Pass: lockdown off, or a capture kernel loaded. Warn: loaded under lockdown by a kexec command
 * without `-s` (kexec-tools < 2.0.27 would fail the next reload with kexec_load).
 */
export function checkKexecLockdown(facts: HostFacts): CheckResult {
  const { security, kdump, kexec } = facts;
  const rejections = kdump.loadErrors.filter((e) => REJECTION.test(e.text));
  const kernelRefusals = security.lockdownKexecLines;
  const evidence = [...security.evidence, ...kernelRefusals, ...rejections];
  const lockdownLikely =
    security.lockdownActive === true || (security.lockdownActive === null && security.secureBoot === true);
  const loaded = kdump.state === "ready";
  const signed =
    "Boot a distribution-signed kernel (self-built or unsigned kernels cannot be kexec'd under lockdown).";
  const mok =
    "Or enroll the kernel's signing key in MOK: sudo mokutil --import <key.der>, then reboot. Do not silently disable Secure Boot.";
  const family = remediationFamily(facts);
  const fix = forFamily(
    family,
    steps(
      {
        debian: [
          signed,
          "Make sure the kexec command uses -s (kexec_file_load): kdump-config adds it when it detects Secure Boot; check KDUMP_KEXEC_ARGS in /etc/default/kdump-tools.",
          mok,
        ],
        el: [signed, mok],
        suse: [signed, mok],
        azurelinux: [signed, mok],
      },
      RELOAD,
    ),
  );
  const level = security.lockdown !== null ? `lockdown=${security.lockdown}` : "lockdown active";

  if (!loaded && kernelRefusals.length > 0) {
    return checkResult({
      id: ID,
      status: "fail",
      summary: `The kernel refused to kexec the capture kernel under lockdown (${level})`,
      evidence,
      remediation: fix,
    });
  }
  if (!loaded && rejections.length > 0 && lockdownLikely) {
    if (kexec.loadDisabled === true) {
      return checkResult({
        id: ID,
        status: "unknown",
        summary:
          "kexec load was refused with lockdown on, but kernel.kexec_load_disabled=1 also refuses it (see kexec.load-disabled)",
        evidence: [...evidence, ...kexec.evidence],
        remediation: [
          "Read the kernel log (dmesg) for a `Lockdown: … kexec` line after the reload below.",
          ...fix,
        ],
      });
    }
    const why = security.lockdownActive === true ? level : "Secure Boot enabled";
    return checkResult({
      id: ID,
      status: "fail",
      summary: `Loading the capture kernel was rejected (${why}): ${rejections[0]?.text.trim()}`,
      evidence,
      remediation: fix,
    });
  }
  if (security.lockdownActive === false) {
    return checkResult({ id: ID, status: "pass", summary: "Kernel lockdown is off", evidence });
  }
  if (loaded) {
    if (lockdownLikely && kdump.tool === "kdump-tools" && kdump.kexecUsesFileLoad === false) {
      return checkResult({
        id: ID,
        status: "warn",
        summary: `Capture kernel loaded under lockdown, but the recorded kexec command lacks -s: a reload with kexec-tools < 2.0.27 would be refused`,
        evidence,
        remediation: [
          "Check kexec-tools is ≥ 2.0.27 (`kexec --version`) or add -s to KDUMP_KEXEC_ARGS in /etc/default/kdump-tools.",
          "sudo kdump-config reload",
        ],
      });
    }
    const state = lockdownLikely ? `${level}, capture kernel loaded` : "capture kernel loaded";
    return checkResult({
      id: ID,
      status: "pass",
      summary: `Nothing rejected the capture kernel (${state})`,
      evidence,
    });
  }
  return checkResult({
    id: ID,
    status: "unknown",
    summary: lockdownLikely
      ? `${security.lockdownActive ? level : "Secure Boot enabled"} and no capture kernel loaded; ${
          facts.service.lastLoad === "failed"
            ? "the last load failed for another reason, so the kernel's signature was never checked"
            : "no load attempt was recorded"
        }`
      : "Lockdown state unknown and no capture kernel loaded",
    evidence,
    remediation: [
      "cat /sys/kernel/security/lockdown; mokutil --sb-state",
      ...forFamily(family, RELOAD),
      "`kexec_file_load failed: Operation not permitted` (or Required key not available / Key was rejected) means the kernel image is rejected.",
    ],
  });
}
