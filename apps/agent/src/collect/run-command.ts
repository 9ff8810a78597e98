import { spawn } from "node:child_process";
import type { SourceResult } from "@kdumpwatch/core";
import type { CommandReader } from "../sources/reader.ts";
import { CappedBuffer } from "./capped-buffer.ts";
import { errnoCode, errorMessage, failure, looksLikePermissionProblem } from "./source-error.ts";

/** The environment every command runs in: C locale for stable wording, a fixed PATH, nothing else. */
const COMMAND_ENV: Readonly<Record<string, string>> = {
  LC_ALL: "C",
  LANG: "C",
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
};

const STDERR_MAX_BYTES = 16 * 1024;

/**
 * Runs one allow-listed argv without a shell and records what happened:
 *   command absent → "not-found"; refused → "permission"; over time → "timeout" (the whole
 *   process group is killed); non-zero exit → "failed", unless the reader says the text is
 *   evidence whatever the exit status. Output beyond maxBytes is cut and flagged `truncated`.
 */
export function runCommand(
  reader: CommandReader,
  options: { timeoutMs: number; maxBytes: number },
): Promise<SourceResult> {
  const label = reader.argv.join(" ");
  const [program, ...args] = reader.argv;
  return new Promise<SourceResult>((resolve) => {
    const stdout = new CappedBuffer(options.maxBytes, reader.keep ?? "head");
    const stderr = new CappedBuffer(STDERR_MAX_BYTES, "head");
    let settled = false;
    let cutShort = false;
    const finish = (result: SourceResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };

    let child: ReturnType<typeof spawn>;
    try {
      // detached: the command gets its own process group, so a timeout kills its children too
      child = spawn(program, args, {
        shell: false,
        env: { ...COMMAND_ENV },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
    } catch (err) {
      finish(failure("failed", `${label}: ${errorMessage(err)}`));
      return;
    }
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      finish(failure("timeout", `${label}: no answer within ${options.timeoutMs} ms, killed`));
    }, options.timeoutMs);

    child.stdout?.on("data", (chunk: Buffer) => {
      if (!stdout.push(chunk) && !cutShort) {
        cutShort = true;
        killGroup();
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr.push(chunk);
    });
    child.on("error", (err) => {
      const code = errnoCode(err);
      if (code === "ENOENT") finish(failure("not-found", `${label}: command not found`));
      else if (code === "EACCES" || code === "EPERM")
        finish(failure("permission", `${label}: permission denied (${code})`));
      else finish(failure("failed", `${label}: ${errorMessage(err)}`));
    });
    child.on("close", (code, signal) => {
      const out = stdout.text();
      const err = stderr.text();
      if (signal && !cutShort) {
        finish(failure("failed", `${label}: killed by ${signal}`));
        return;
      }
      const exitCode = code ?? 0;
      const silent = out.trim() === "";
      if (!cutShort) {
        if (exitCode === 127 && silent) {
          finish(failure("not-found", `${label}: ${firstLine(err) || "exit status 127"}`));
          return;
        }
        // journalctl exits 0 with no lines when it may not read the system journal
        if (silent && looksLikePermissionProblem(err) && (exitCode !== 0 || !reader.stderrFirst)) {
          finish(failure("permission", `${label}: ${firstLine(err)}`));
          return;
        }
        if (exitCode !== 0 && !reader.anyExit) {
          finish(failure("failed", `${label}: exit status ${exitCode}: ${firstLine(err) || "no message"}`));
          return;
        }
      }
      const result: SourceResult = { ok: true, text: reader.stderrFirst ? err + out : out };
      if (cutShort || stdout.truncated) result.truncated = true;
      if (!cutShort && exitCode !== 0) result.exitCode = exitCode;
      finish(result);
    });
  });
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim() !== "") ?? "").trim().slice(0, 300);
}
