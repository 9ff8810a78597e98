import {
  AlertListSchema,
  ApiErrorSchema,
  HOST_CSV_COLUMNS,
  HostDetailSchema,
  HostExportSchema,
  HostLabelSourcesSchema,
  HostListSchema,
} from "@kdumpwatch/protocol";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const json = { "content-type": "application/json" };

describe.each(testDrivers())("host labels on $name", (driver) => {
  let h: Harness;
  const ids: Record<string, string> = {};
  const credentials: Record<string, { hostId: string; secret: string }> = {};

  async function enroll(hostname: string, labels?: Record<string, string>, spec = "verdict=ready") {
    const auth = await h.kdw.services.agents.authenticate(
      hello({ machineId: `m-${hostname}`, hostname, ...(labels === undefined ? {} : { labels }) }),
      null,
    );
    if (!auth.ok) throw new Error(auth.message);
    await h.kdw.services.agents.ingest(auth.hostId, snapshotFrame(spec));
    ids[hostname] = auth.hostId;
    if (auth.credential) credentials[hostname] = auth.credential;
    return auth;
  }

  beforeAll(async () => {
    h = await createHarness(driver, { env: { KDUMPWATCH_ALERT_HOLD: "0" } });
    await enroll("db-1", { team: "storage", site: "par1" }, "verdict=not_ready failing=kdump.loaded");
    await enroll("db-2", { team: "storage", site: "ams1" });
    await enroll("web-1", { team: "web", Bad: "x", host: "forged", ok_too: "\u0001" });
    await enroll("plain-1");
  });
  afterAll(async () => h?.dispose());

  test("labels from the agent's hello are the host's; invalid ones are dropped and the host still enrolls", async () => {
    const res = await h.request(`/api/hosts/${ids["web-1"]}/labels`);
    expect(HostLabelSourcesSchema.parse(await res.json())).toEqual({
      labels: { team: "web" },
      agent: { team: "web" },
      api: {},
    });
    const detail = HostDetailSchema.parse(await (await h.request(`/api/hosts/${ids["db-1"]}`)).json());
    expect(detail.host.labels).toEqual({ team: "storage", site: "par1" });
    expect(detail.labelSources.agent).toEqual({ team: "storage", site: "par1" });
  });

  test("labels set through the API override the agent's, survive its next hello, and a new agent set replaces the old", async () => {
    const put = await h.request(`/api/hosts/${ids["db-2"]}/labels`, {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ labels: { site: "fra1", role: "primary" } }),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(HostLabelSourcesSchema.parse(await put.json()).labels).toEqual({
      team: "storage",
      site: "fra1",
      role: "primary",
    });
    // the agent reconnects with a changed configuration
    const detail = HostDetailSchema.parse(await (await h.request(`/api/hosts/${ids["db-2"]}`)).json());
    expect(detail.host.labels.site).toBe("fra1");
    const again = await h.kdw.services.agents.authenticate(
      hello({
        machineId: "m-db-2",
        hostname: "db-2",
        labels: { team: "dba", site: "ams2" },
        auth: { kind: "credential", ...(credentials["db-2"] as { hostId: string; secret: string }) },
      }),
      null,
    );
    expect(again.ok).toBe(true);
    const after = HostLabelSourcesSchema.parse(
      await (await h.request(`/api/hosts/${ids["db-2"]}/labels`)).json(),
    );
    expect(after).toEqual({
      labels: { team: "dba", site: "fra1", role: "primary" },
      agent: { team: "dba", site: "ams2" },
      api: { site: "fra1", role: "primary" },
    });
  });

  test.each([
    [{ labels: { host: "x" } }, "a reserved name"],
    [{ labels: { Team: "x" } }, "an upper-case name"],
    [{ labels: { team: "" } }, "an empty value"],
    [{ labels: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, "x"])) }, "33 labels"],
  ])("PUT labels with %j is refused (%s)", async (body) => {
    const res = await h.request(`/api/hosts/${ids["plain-1"]}/labels`, {
      method: "PUT",
      headers: json,
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("bad_request");
  });

  test("the host list filters on labels: one, several (all must match), and refuses a malformed one", async () => {
    const names = async (qs: string) =>
      HostListSchema.parse(await (await h.request(`/api/hosts?sort=hostname&${qs}`)).json()).hosts.map(
        (x) => x.hostname,
      );
    expect(await names("label=team%3Dstorage")).toEqual(["db-1"]);
    expect(await names("label=site%3Dfra1&label=role%3Dprimary")).toEqual(["db-2"]);
    expect(await names("label=site%3Dfra1&label=role%3Dreplica")).toEqual([]);
    expect((await h.request("/api/hosts?label=team")).status).toBe(400);
  });

  test("the CSV and JSON exports share one column list, with enrolled time, agent version, labels and duplicate-of", async () => {
    const csv = (await (await h.request("/api/hosts.csv?sort=hostname&label=team%3Dstorage")).text()).trim();
    const [header, row] = csv.split("\r\n");
    expect(header).toBe(HOST_CSV_COLUMNS.join(","));
    for (const c of ["enrolled_at", "agent_version", "labels", "duplicate_of"])
      expect(HOST_CSV_COLUMNS).toContain(c);
    const cells = row?.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, "")) ?? [];
    const cell = (name: string) => cells[HOST_CSV_COLUMNS.indexOf(name as (typeof HOST_CSV_COLUMNS)[number])];
    expect(cell("labels"), "labels as a JSON object, names sorted").toBe(
      '"{""site"":""par1"",""team"":""storage""}"',
    );
    expect(cell("agent_version")).toBe("0.1.0-test");
    expect(cell("duplicate_of")).toBe("");
    const exported = HostExportSchema.parse(await (await h.request("/api/hosts.json?sort=hostname")).json());
    expect(Object.keys(exported[0] ?? {})).toEqual([...HOST_CSV_COLUMNS]);
    expect(exported.map((r) => r.hostname)).toEqual(["db-1", "db-2", "plain-1", "web-1"]);
    expect(exported[0]?.labels).toEqual({ team: "storage", site: "par1" });
    expect(exported[0]?.enrolled_at).toBe(h.clock.now().toISOString());
    const empty = await h.request("/api/hosts.json?label=team%3Dnobody");
    expect(await empty.json()).toEqual([]);
  });

  test("a silence on a host label holds back the alerts of the hosts carrying it", async () => {
    const created = await h.request("/api/silences", {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        matchers: { labels: { team: "storage" } },
        reason: "storage maintenance",
        duration: "1h",
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const list = AlertListSchema.parse(await (await h.request("/api/alerts")).json());
    const db1 = list.alerts.find((a) => a.hostname === "db-1");
    expect(db1?.check).toBe("kdump.loaded");
    expect(db1?.silencedBy).toEqual([id]);
  });
});
