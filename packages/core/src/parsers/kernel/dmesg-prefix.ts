/**
 * Removes what log tools put in front of a kernel message (domain.md §2.4), so that
 *
 *     [    0.006128] Reserving 192MB of memory at 2864MB for crashkernel (System RAM: 8191MB)
 *     [    0.004210][    T0] crashkernel reserved: 0x…
 *     Apr  1 13:49:44 post-ddi-1 kernel: Reserving 131MB of memory at 48MB for crashkernel (…)
 *
 * all yield the bare message. Handled, in any order: `<6>` priority, `dmesg -x` facility/level,
 * `[ts]`, `[ T0]`/`[ C1]` caller ids, `dmesg -T` `[Tue Apr  1 13:49:44 2025]`, ISO stamps, syslog /
 * journal `Mon dd hh:mm:ss host kernel: `, journal short-monotonic `[ts] kernel: `, and a leading
 * `kernel: `. pr_fmt prefixes that are not part of the formats we match (`kexec_core: `,
 * `crash_core: `, …) are split off separately by `splitPrFmt`.
 */

const STRIPPERS: readonly RegExp[] = [
  /^<\d{1,3}>/,
  /^[a-z]{2,8} *:[a-z]{2,7} *: /,
  /^\[ *\d+\.\d+\] ?/,
  /^\[ *[TC]\d+\] ?/,
  /^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] ?/,
  /^(?:[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ kernel(?:\[\d+\])?: ?/,
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? +/,
  /^kernel: /,
];

/** The message part of one log line (leading spaces of the message itself kept). */
export function stripDmesgPrefix(line: string): string {
  let s = line;
  for (let round = 0; round < 8; round++) {
    let matched = false;
    for (const re of STRIPPERS) {
      const m = re.exec(s);
      if (m && m[0].length > 0) {
        s = s.slice(m[0].length);
        matched = true;
      }
    }
    if (!matched) break;
  }
  return s;
}

/** pr_fmt prefixes some kernels and patch series put before the crashkernel formats. */
const PR_FMT = /^(?:kexec_core|crash_core|crash_reserve|kexec|kdump|setup): /;

/** Splits a known pr_fmt prefix (`kexec_core: `) off a message. */
function splitPrFmt(message: string): { prefix: string | null; body: string } {
  const m = PR_FMT.exec(message);
  return m
    ? { prefix: m[0].slice(0, -2), body: message.slice(m[0].length) }
    : { prefix: null, body: message };
}

/** Both steps: the message without log prefixes, and its body without a known pr_fmt prefix. */
export function splitDmesgPrefix(line: string): { message: string; prFmt: string | null; body: string } {
  const message = stripDmesgPrefix(line);
  const { prefix, body } = splitPrFmt(message);
  return { message, prFmt: prefix, body };
}
