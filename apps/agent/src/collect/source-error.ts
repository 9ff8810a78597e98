import type { SourceError, SourceResult } from "@kdumpwatch/core";

/** A failed read, built without `undefined` optional fields (exactOptionalPropertyTypes). */
export function failure(error: SourceError, detail: string): SourceResult {
  return { ok: false, error, detail };
}

/**
 * The source error of a Node I/O error: absent → "missing", no access → "permission",
 * anything else → "failed" with the errno code kept in the detail. Never an empty text.
 */
export function fromErrno(err: unknown, what: string): SourceResult {
  const code = errnoCode(err);
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return failure("missing", `${what}: no such file or directory`);
    case "EACCES":
    case "EPERM":
      return failure("permission", `${what}: permission denied (${code}); run the agent as root`);
    case "EISDIR":
      return failure("failed", `${what}: is a directory, not a file`);
    default:
      return failure("failed", `${what}: ${code ?? "error"}: ${errorMessage(err)}`);
  }
}

export function errnoCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "string") {
    return err.code;
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** stderr wording of tools that were refused for lack of privilege (dmesg_restrict, journal ACLs, kdumpctl). */
const PERMISSION_HINT =
  /operation not permitted|permission denied|insufficient permissions|not seeing messages from other users|must be run as root|only root can/i;

export function looksLikePermissionProblem(stderr: string): boolean {
  return PERMISSION_HINT.test(stderr);
}

/** Order used when every reader of a source failed: the most telling reason is reported. */
const TELLING: readonly SourceError[] = ["permission", "timeout", "failed", "not-found", "missing"];

export function mostTelling(errors: readonly SourceError[]): SourceError {
  for (const e of TELLING) if (errors.includes(e)) return e;
  return "missing";
}
