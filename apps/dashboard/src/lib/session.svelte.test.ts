import { expect, test } from "vitest";
import { SessionStore } from "./session.svelte.ts";

function store(respond: (url: string, init?: RequestInit) => Response) {
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
    respond(String(input), init)) as typeof globalThis.fetch;
  return new SessionStore({ fetch });
}

test("a valid cookie signs in at start; none shows the sign-in page", async () => {
  const yes = store(() => Response.json({ authenticated: true }));
  await yes.check();
  expect(yes.status).toBe("signed_in");
  const no = store(() => Response.json({ authenticated: false }));
  await no.check();
  expect(no.status).toBe("signed_out");
});

test("a wrong token is refused with a hint where to find the right one", async () => {
  const s = store(() =>
    Response.json(
      { error: { code: "unauthorized", message: "wrong admin token", requestId: "r" } },
      { status: 401 },
    ),
  );
  expect(await s.signIn("nope")).toBe(false);
  expect(s.status).toBe("signed_out");
  expect(s.error).toContain("KDUMPWATCH_ADMIN_TOKEN");
});

test("an empty token is caught before asking the server", async () => {
  let asked = false;
  const s = store(() => {
    asked = true;
    return Response.json({ authenticated: true });
  });
  expect(await s.signIn("   ")).toBe(false);
  expect(asked).toBe(false);
});

test("an unreachable server keeps the state unknown and says so", async () => {
  const s = store(() => {
    throw new TypeError("fetch failed");
  });
  await s.check();
  expect(s.status).toBe("unknown");
  expect(s.error).toContain("Server unreachable");
});

test("any later 401 signs the page out", async () => {
  let authed = true;
  const s = store((url) =>
    url === "/api/session"
      ? Response.json({ authenticated: authed })
      : Response.json({ error: { code: "unauthorized", message: "x", requestId: "r" } }, { status: 401 }),
  );
  await s.check();
  authed = false;
  await s.api.fleetSummary().catch(() => {});
  expect(s.status).toBe("signed_out");
});
