/**
 * One script for a group of hosts that need the same fix: a POSIX shell loop over the hosts with
 * ssh, or an Ansible play. Hostnames come from the hosts themselves and are untrusted (product.md
 * §7): only names a shell, ssh and an Ansible host pattern all take as plain text are put in the
 * script (letters, digits, dot, dash, underscore; not starting with a dash), each one still
 * single-quoted for the shell and double-quoted for YAML; the others are listed as excluded.
 */
import type { DistroFamilyName } from "@kdumpwatch/protocol";
import { FAMILY_LABELS, type FixRecipe } from "./fix-recipes.ts";

/** A hostname (or FQDN) that no shell, ssh option parser or Ansible pattern reads as anything else. */
const SAFE_HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export interface ScriptHost {
  id: string;
  hostname: string;
}

export function partitionHosts(hosts: readonly ScriptHost[]): {
  included: ScriptHost[];
  excluded: (ScriptHost & { reason: string })[];
} {
  const included: ScriptHost[] = [];
  const excluded: (ScriptHost & { reason: string })[] = [];
  const seen = new Set<string>();
  for (const h of hosts) {
    if (!SAFE_HOSTNAME.test(h.hostname)) {
      excluded.push({ ...h, reason: "hostname has characters a shell or an inventory could misread" });
    } else if (seen.has(h.hostname)) {
      excluded.push({ ...h, reason: "another host of the group has the same hostname" });
    } else {
      seen.add(h.hostname);
      included.push(h);
    }
  }
  return { included, excluded };
}

/** POSIX single quoting: the text comes out exactly as it went in. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
function yamlQuote(text: string): string {
  return JSON.stringify(text);
}

interface ScriptInput {
  check: string;
  family: DistroFamilyName;
  recipe: FixRecipe;
  hosts: readonly ScriptHost[];
  generatedAt: string;
}

function header(input: ScriptInput, comment: string): string {
  const { recipe } = input;
  const lines = [
    `kdumpwatch fix for ${input.check}: ${recipe.title} — ${FAMILY_LABELS[input.family]}, ${input.hosts.length} host(s)`,
    `generated ${input.generatedAt}; review before running`,
    "On each host, as root:",
    ...recipe.steps.map((s) => `  - ${s}`),
    recipe.reboot ? "A reboot is needed afterwards; this script does not reboot." : "No reboot needed.",
  ];
  return lines.map((l) => `${comment} ${l}`).join("\n");
}

export function shellScript(input: ScriptInput): string {
  const marker = "KDUMPWATCH_FIX";
  const hostLines = input.hosts.map((h) => `  ${shellQuote(h.hostname)}`).join(" \\\n");
  return `#!/bin/sh
${header(input, "#")}
# Runs from a machine that reaches each host with ssh (key-based, BatchMode) and may sudo there.
set -u
fix() {
  ssh -o BatchMode=yes -- "$1" sudo sh -eu -s <<'${marker}'
${input.recipe.sh}
${marker}
}
failed=0
for host in \\
${hostLines}
do
  if fix "$host"; then echo "ok: $host"; else echo "FAILED: $host" >&2; failed=$((failed + 1)); fi
done
echo "$failed host(s) failed"
[ "$failed" -eq 0 ]
`;
}

export function ansiblePlay(input: ScriptInput): string {
  const hostLines = input.hosts.map((h) => `    - ${yamlQuote(h.hostname)}`).join("\n");
  return `---
${header(input, "#")}
# Every host must be in your inventory under the name kdumpwatch knows it by.
- name: ${yamlQuote(`kdumpwatch: ${input.recipe.title} (${input.check}, ${FAMILY_LABELS[input.family]})`)}
  hosts:
${hostLines}
  become: true
  gather_facts: true
  tasks:
${input.recipe.ansible}
`;
}
