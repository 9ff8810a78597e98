/**
 * Running Ansible's own tools from end-to-end tests and reading what they print (not a test file):
 * the environment they run in, the PLAY RECAP and one task's lines per host, YAML parsed by the
 * PyYAML ansible runs on, and a directory as a comparable tree.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { delimiter, join, relative } from "node:path";

/**
 * Ansible's environment: no colours, no cows; pipelining saves a temp file per task. Without
 * PYTHONUNBUFFERED, which the development machine exports (CI images may too): with pipelining
 * each module's Python reads its program (the ~130 kB AnsiballZ wrapper) from stdin, and an
 * unbuffered stdin makes that one read(2) per byte: 132,000 system calls per task, a quarter of
 * the playbooks' CPU time (measured with `strace -c -f`; docs/testing.md "Test suite time").
 * Nothing the tests read changes: they read the tools' output once they have exited.
 */
export function ansibleEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PYTHONUNBUFFERED: _unbuffered, ...env } = process.env;
  return {
    ...env,
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_NOCOWS: "1",
    ANSIBLE_LOCALHOST_WARNING: "false",
    ANSIBLE_PIPELINING: "1",
    ...extra,
  };
}

/** `localhost : ok=14 changed=5 …` lines of the last PLAY RECAP, as numbers, per host. */
export function playRecap(output: string): Record<string, Record<string, number>> {
  const tail = output.slice(output.lastIndexOf("PLAY RECAP"));
  const hosts: Record<string, Record<string, number>> = {};
  for (const m of tail.matchAll(/^(\S+)\s+:\s+(.+)$/gm)) {
    hosts[m[1] as string] = Object.fromEntries(
      [...(m[2] as string).matchAll(/(\w+)=(\d+)/g)].map((p) => [p[1], Number(p[2])]),
    );
  }
  return hosts;
}

/**
 * The lines ansible-playbook printed for `host` under the first task named `task` (e.g.
 * `kdumpwatch_agent : Install the agent bundle`): `ok: [host] …`, `skipping: [host]`, `fatal: …`;
 * "" when the task did not run.
 */
export function taskLines(output: string, task: string, host: string): string {
  const at = output.indexOf(`TASK [${task}]`);
  if (at < 0) return "";
  const body = output.slice(output.indexOf("\n", at) + 1);
  const end = body.search(/^(TASK|RUNNING HANDLER|PLAY RECAP) /m);
  return (end < 0 ? body : body.slice(0, end))
    .split(/\n(?=\S)/)
    .filter((l) => l.includes(`[${host}]`))
    .join("\n");
}

/**
 * The Python that ansible-playbook runs on: its `#!` line (Debian's ansible: /usr/bin/python3), not
 * whichever python3 is first on PATH (another Python, maybe without PyYAML, and slower to start:
 * 0.5 s of CPU against 0.05 s on the development machine, where a pyenv Python comes first).
 */
let ansiblePythonFound: string | undefined;
function ansiblePython(): string {
  if (ansiblePythonFound) return ansiblePythonFound;
  const bin = (process.env.PATH ?? "")
    .split(delimiter)
    .map((dir) => join(dir, "ansible-playbook"))
    .find((path) => existsSync(path));
  const shebang = bin ? /^#!\s*(\S+)\s*$/.exec(readFileSync(bin, "latin1").split("\n", 1)[0] ?? "") : null;
  ansiblePythonFound = shebang?.[1] && !shebang[1].endsWith("/env") ? shebang[1] : "python3";
  return ansiblePythonFound;
}

/** YAML parsed by the PyYAML that ansible itself runs on; throws with its error. */
export function parseYaml(text: string): unknown {
  const r = spawnSync(
    ansiblePython(),
    ["-c", "import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"],
    {
      encoding: "utf8",
      input: text,
    },
  );
  if (r.status !== 0) throw new Error(`PyYAML could not parse:\n${text}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Every file below `dir` (relative path → content), without the names in `except`. */
export function fileTree(dir: string, except: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!except.includes(e.name)) out[relative(dir, p)] = readFileSync(p, "latin1");
    }
  };
  walk(dir);
  return out;
}
