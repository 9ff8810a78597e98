/**
 * Whether this browser holds a session. The cookie itself is HttpOnly and invisible here: the state
 * is learnt from answers (any 401 means signed out) and from signing in and out.
 */
import { ApiClient, ApiError, describeError } from "./api.ts";

const REFUSED =
  "That token was not accepted. Use the admin token: KDUMPWATCH_ADMIN_TOKEN, or the one the server printed at its first start.";

export type SessionStatus = "unknown" | "signed_in" | "signed_out";

export class SessionStore {
  status: SessionStatus = $state("unknown");
  error: string | null = $state(null);
  busy = $state(false);
  readonly api: ApiClient;

  constructor(options: { fetch?: typeof fetch } = {}) {
    this.api = new ApiClient({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      onUnauthorized: () => {
        this.status = "signed_out";
      },
    });
  }

  /** Asks the server whether the cookie is still good (at start, and on "try again"). */
  async check(): Promise<void> {
    this.error = null;
    try {
      this.status = (await this.api.session()) ? "signed_in" : "signed_out";
    } catch (err) {
      if (err instanceof ApiError && err.kind === "unauthorized") return; // onUnauthorized did it
      const d = describeError(err);
      this.error = `${d.title}. ${d.detail}`;
    }
  }

  /** A successful authenticated answer proves the session. */
  confirm(): void {
    this.status = "signed_in";
  }

  async signIn(token: string): Promise<boolean> {
    const trimmed = token.trim();
    if (trimmed === "") {
      this.error = "Paste the admin token first.";
      return false;
    }
    this.busy = true;
    this.error = null;
    try {
      const ok = await this.api.signIn(trimmed);
      this.status = ok ? "signed_in" : "signed_out";
      if (!ok) this.error = REFUSED;
      return ok;
    } catch (err) {
      this.status = "signed_out";
      this.error =
        err instanceof ApiError && (err.kind === "unauthorized" || err.kind === "rejected")
          ? REFUSED
          : `${describeError(err).title}. ${describeError(err).detail}`;
      return false;
    } finally {
      this.busy = false;
    }
  }

  async signOut(): Promise<void> {
    try {
      await this.api.signOut();
    } catch {
      // signed out locally either way; the cookie expires on the server
    }
    this.status = "signed_out";
  }
}
