/**
 * The local admin channel: while a server holds an embedded PGlite directory (one process only), the
 * `kdumpwatch-server token|host|labels|api-token …` commands cannot open it, so the server answers them on a unix
 * socket in that directory, `<data dir>/admin.sock`, mode 0600 in a 0700 directory: whoever can
 * connect could read the database files anyway. It serves the same app (and so the same routes,
 * validation and errors) as the TCP listener; a request arriving there is an admin request, which
 * requireAdmin learns from the connection (`c.env.adminChannel`), never from anything the request
 * says.
 */
import { chmodSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";

const ADMIN_SOCKET = "admin.sock";

function adminSocketPath(dataDir: string): string {
  return join(dataDir, ADMIN_SOCKET);
}

/** Listens on `<dataDir>/admin.sock` (a stale socket of a dead server is replaced). */
export async function listenAdminChannel(
  fetch: (req: Request, env: Record<string, unknown>) => Response | Promise<Response>,
  dataDir: string,
): Promise<Server> {
  const path = adminSocketPath(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  // the PGlite lock guarantees no live server owns this socket: a leftover is from a killed one
  if (existsSync(path)) rmSync(path, { force: true });
  const listener = getRequestListener((req, env) => fetch(req, { ...(env as object), adminChannel: true }));
  const server = createServer(listener);
  const previous = process.umask(0o177); // the socket is created 0600 from the start
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(previous);
  }
  chmodSync(path, 0o600);
  return server;
}

export interface AdminReply {
  status: number;
  body: unknown;
}

/** One request to a running server's admin channel; null when no server listens there. */
export function callAdminChannel(
  dataDir: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<AdminReply | null> {
  const socketPath = adminSocketPath(dataDir);
  if (!existsSync(socketPath)) return Promise.resolve(null);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: payload === undefined ? {} : { "content-type": "application/json" },
        timeout: 30_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          let parsed: unknown = null;
          try {
            parsed = text === "" ? null : JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${socketPath} within 30 s`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      // a socket file without a server behind it (killed server): fall back to the database
      if (err.code === "ECONNREFUSED" || err.code === "ENOENT") resolve(null);
      else reject(err);
    });
    req.end(payload);
  });
}
