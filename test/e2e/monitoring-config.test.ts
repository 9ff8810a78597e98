/**
 * The monitoring files shipped in infra/ checked with the real tools: Prometheus' promtool (rules
 * syntax, the rules' unit tests, the scrape configuration), Alertmanager's amtool (the example
 * configuration with its inhibit rules), and the Grafana dashboard's JSON against what a real
 * server bundle exposes on /metrics and the recording rules define.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  killAllServers,
  removeTempDirs,
  repo,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const prometheus = join(repo, "infra/prometheus");
/** the dashboard's datasource variable, as Grafana writes a reference to it */
const DATASOURCE = ["$", "{datasource}"].join("");
const dashboardFile = join(repo, "infra/grafana/kdumpwatch-dashboard.json");

function run(cmd: string, args: string[], cwd = repo) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("Prometheus and Alertmanager files (promtool, amtool)", () => {
  test("the recording and alerting rules pass `promtool check rules` with no warning", () => {
    const r = run("promtool", ["check", "rules", "recording-rules.yml", "alerting-rules.yml"], prometheus);
    expect(r.status, r.output).toBe(0);
    expect(r.output).not.toMatch(/warn/i);
    expect(r.output).toMatch(/recording-rules.yml\s+SUCCESS: \d+ rules found/);
  });

  test("the rules' unit tests pass (`promtool test rules`)", () => {
    const r = run("promtool", ["test", "rules", "rules.test.yml"], prometheus);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("SUCCESS");
  });

  test("the example scrape configuration is valid with the rule files beside it", () => {
    const dir = tempDir("kdw-prom-");
    // promtool checks that the credentials file exists: the example's path, moved to a temp file
    writeFileSync(join(dir, "token"), "kdwr_example\n", { mode: 0o600 });
    const config = readFileSync(join(prometheus, "prometheus.example.yml"), "utf8");
    expect(config).toContain("credentials_file: /etc/prometheus/kdumpwatch-metrics-token");
    writeFileSync(
      join(dir, "prometheus.yml"),
      config.replace("/etc/prometheus/kdumpwatch-metrics-token", join(dir, "token")),
    );
    copyFileSync(join(prometheus, "recording-rules.yml"), join(dir, "kdumpwatch-recording-rules.yml"));
    copyFileSync(join(prometheus, "alerting-rules.yml"), join(dir, "kdumpwatch-alerting-rules.yml"));
    const r = run("promtool", ["check", "config", "prometheus.yml"], dir);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("SUCCESS");
  });

  test("the example Alertmanager configuration with its inhibit rules passes `amtool check-config`", () => {
    const r = run("amtool", ["check-config", "infra/alertmanager/alertmanager.example.yml"]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/4 inhibit rules/);
  });
});

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr: string; refId: string; datasource?: { uid: string } }>;
}

describe("the Grafana dashboard", () => {
  let exposed = "";
  const dashboard = JSON.parse(readFileSync(dashboardFile, "utf8")) as {
    uid: string;
    title: string;
    schemaVersion: number;
    panels: Panel[];
    templating: { list: Array<{ name: string; type: string }> };
  };
  const exprs = dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
  );

  beforeAll(async () => {
    requireBundles();
    const s = await ServerProcess.started({
      adminToken: "monitoring-config-admin",
      env: {
        KDUMPWATCH_DATA_DIR: tempDir("kdw-mon-data-"),
        KDUMPWATCH_ALERT_WEBHOOKS: "http://127.0.0.1:9/hook",
      },
    });
    const res = await s.fetch("/metrics");
    expect(res.status).toBe(200);
    exposed = await res.text();
  });
  afterAll(async () => {
    await killAllServers();
    removeTempDirs();
  });

  test("is a Grafana dashboard: uid, title, schema version, unique panel ids, a 24-column grid without overlaps", () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.title).toBe("kdumpwatch");
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size, "panel ids are unique").toBe(ids.length);
    const cells = new Map<string, string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x >= 0 && w > 0 && x + w <= 24 && h > 0, `${p.title}: inside the 24-column grid`).toBe(true);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          const seen = cells.get(`${i},${j}`);
          expect(seen, `${p.title} overlaps ${seen}`).toBeUndefined();
          cells.set(`${i},${j}`, p.title);
        }
      if (p.type === "row") continue;
      expect(["stat", "timeseries", "table", "gauge"]).toContain(p.type);
      expect(p.targets?.length, `${p.title} has queries`).toBeGreaterThan(0);
      expect(new Set(p.targets?.map((t) => t.refId)).size).toBe(p.targets?.length);
      for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe(DATASOURCE);
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(["datasource", "instance"]);
  });

  test("every query is valid PromQL (promtool parses it as a rule)", () => {
    const dir = tempDir("kdw-grafana-");
    const rules = exprs.map(
      (e, i) =>
        `      - record: grafana_panel_${i}\n        expr: ${JSON.stringify(
          e.expr.replaceAll("$__rate_interval", "5m").replaceAll("$instance", ".*"),
        )}`,
    );
    writeFileSync(join(dir, "panels.yml"), `groups:\n  - name: panels\n    rules:\n${rules.join("\n")}\n`);
    const r = run("promtool", ["check", "rules", "panels.yml"], dir);
    expect(r.status, r.output).toBe(0);
  });

  test("every series it graphs is one the server exposes or a recording rule defines", () => {
    const recorded = new Set(
      [...readFileSync(join(prometheus, "recording-rules.yml"), "utf8").matchAll(/record: (\S+)/g)].map(
        (m) => m[1],
      ),
    );
    // sample lines, and the # TYPE lines of series without samples yet (a labelled counter never
    // incremented); a histogram's name stands for its _bucket, _sum and _count
    const series = new Set([...exposed.matchAll(/^([a-z_:]+)[{ ]/gm)].map((m) => m[1]));
    for (const m of exposed.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
      const [, name = "", type] = m;
      series.add(name);
      if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) series.add(`${name}${s}`);
    }
    const used = new Set(
      exprs.flatMap((e) => [...e.expr.matchAll(/\b(kdumpwatch[_:][a-z0-9_:]+)/g)].map((m) => m[1])),
    );
    const unknown = [...used].filter(
      (name) => name !== undefined && !series.has(name) && !recorded.has(name),
    );
    expect(unknown, "graphed but neither exposed nor recorded").toEqual([]);
    // and the recording rules read only what the server exposes
    const rules = readFileSync(join(prometheus, "recording-rules.yml"), "utf8");
    const read = new Set([...rules.matchAll(/\b(kdumpwatch_[a-z0-9_]+)/g)].map((m) => m[1]));
    expect(
      [...read].filter((n) => n !== undefined && !series.has(n)),
      "recorded from missing series",
    ).toEqual([]);
  });
});
