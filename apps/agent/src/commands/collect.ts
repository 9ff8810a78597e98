import { checkOutDir, checkRootDir, makeOutDir } from "../cli/dirs.ts";
import { EXIT } from "../cli/exit-codes.ts";
import type { CliIo } from "../cli/io.ts";
import { AGENT_VERSION } from "../cli/version.ts";
import { collectSnapshot, type DmesgFilter } from "../collect/collector.ts";
import { errnoCode, errorMessage } from "../collect/source-error.ts";
import { writeCapture } from "../collect/write-capture.ts";

/**
 * `collect [--root DIR] [--out DIR]` (product.md §4): the raw snapshot as one JSON object on
 * stdout, or a capture directory that `check --root` judges like the host it came from.
 */
export async function collectCommand(
  options: { root: string | null; out: string | null },
  io: CliIo,
  deps: { filterDmesg?: DmesgFilter },
): Promise<number> {
  if (options.root !== null) {
    const problem = await checkRootDir(options.root);
    if (problem) {
      io.stderr(`kdumpwatch-agent: collect: ${problem}\n`);
      return EXIT.usage;
    }
  }
  if (options.out !== null) {
    const problem = await checkOutDir(options.out);
    if (problem) {
      io.stderr(`kdumpwatch-agent: collect: ${problem.message}\n`);
      return problem.kind === "usage" ? EXIT.usage : EXIT.cantCreate;
    }
    // made before collecting: a path that cannot be a directory fails at once, not after the reads
    try {
      await makeOutDir(options.out);
    } catch (err) {
      io.stderr(
        `kdumpwatch-agent: collect: cannot create ${options.out}: ${errnoCode(err) ?? errorMessage(err)}\n`,
      );
      return EXIT.cantCreate;
    }
  }
  const snapshot = await collectSnapshot({
    ...(options.root === null ? {} : { root: options.root }),
    ...(deps.filterDmesg ? { filterDmesg: deps.filterDmesg } : {}),
    now: io.now,
  });
  if (options.out === null) {
    io.stdout(`${JSON.stringify(snapshot, null, 2)}\n`);
    return 0;
  }
  try {
    const written = await writeCapture(snapshot, options.out, { agentVersion: AGENT_VERSION });
    io.stderr(`kdumpwatch-agent: wrote a capture of ${written.length} files to ${options.out}\n`);
    return 0;
  } catch (err) {
    io.stderr(
      `kdumpwatch-agent: collect: cannot write the capture to ${options.out}: ${errnoCode(err) ?? errorMessage(err)}\n`,
    );
    return EXIT.cantCreate;
  }
}
