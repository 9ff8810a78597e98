/**
 * Host labels (team, site, environment, role…): set in the agent's configuration or through the
 * API, carried into alert labels, the host list filter and the exports, so routing and silences
 * can use them. Names follow Prometheus' label rules restricted to lowercase (what silence matchers
 * accept); names the alerts already use, and `__` names (reserved by Prometheus), are refused so a
 * host label can never hide or forge an alert's own label.
 *
 *   { "team": "storage", "site": "par1", "environment": "production" }
 */
import * as z from "zod/mini";

/** Alert labels kdumpwatch sets itself (docs/alerting.md); a host label cannot take these names. */
export const RESERVED_LABEL_NAMES = ["alertname", "host", "host_id", "check", "severity", "dump"] as const;

export const HOST_LABELS_MAX = 32;
export const LABEL_VALUE_MAX = 200;

const RESERVED = new Set<string>(RESERVED_LABEL_NAMES);

/** Why a label name is refused, or null when it is fine. */
export function labelNameProblem(name: string): string | null {
  if (!/^[a-z_][a-z0-9_]{0,63}$/.test(name)) {
    return `label name ${JSON.stringify(name)}: lowercase letters, digits and _ (not first), at most 64`;
  }
  if (name.startsWith("__")) return `label name ${JSON.stringify(name)}: names starting with __ are reserved`;
  if (RESERVED.has(name)) return `label name ${JSON.stringify(name)}: reserved for the alert's own labels`;
  return null;
}

/** Why a label value is refused, or null when it is fine. */
export function labelValueProblem(value: string): string | null {
  if (value.length === 0) return "label value: empty (leave the label out instead)";
  if (value.length > LABEL_VALUE_MAX) return `label value: longer than ${LABEL_VALUE_MAX} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) return "label value: control characters are not allowed";
  return null;
}

export const HostLabelNameSchema = z.string().check(
  z.regex(/^[a-z_][a-z0-9_]{0,63}$/, {
    error: "expected a label name: lowercase letters, digits and _ (not first), at most 64",
  }),
  z.refine((name) => !name.startsWith("__") && !RESERVED.has(name), {
    error: `reserved label name (__*, ${RESERVED_LABEL_NAMES.join(", ")})`,
  }),
);

export const HostLabelValueSchema = z.string().check(
  z.minLength(1),
  z.maxLength(LABEL_VALUE_MAX),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  z.regex(/^[^\u0000-\u001f\u007f]*$/, { error: "control characters are not allowed" }),
);

export const HostLabelsSchema = z.record(HostLabelNameSchema, HostLabelValueSchema).check(
  z.refine((labels) => Object.keys(labels).length <= HOST_LABELS_MAX, {
    error: `at most ${HOST_LABELS_MAX} labels`,
  }),
);
export type HostLabels = z.infer<typeof HostLabelsSchema>;

/**
 * Keeps the valid labels of an untrusted set (the wire accepts any short strings so that a newer
 * agent is never refused) and names the ones dropped.
 */
export function sanitizeLabels(input: Readonly<Record<string, string>>): {
  labels: HostLabels;
  dropped: string[];
} {
  const labels: HostLabels = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    const problem = labelNameProblem(name) ?? labelValueProblem(value);
    if (problem !== null || Object.keys(labels).length >= HOST_LABELS_MAX) {
      dropped.push(problem ?? `label ${name}: more than ${HOST_LABELS_MAX} labels`);
      continue;
    }
    labels[name] = value;
  }
  return { labels, dropped };
}

/**
 * `name=value` (the host list's `label` filter and the CLI's `labels set`), split at the first `=`;
 * null when it is not of that form or the name or value is refused.
 */
export function parseLabelPair(text: string): [string, string] | null {
  const eq = text.indexOf("=");
  if (eq <= 0) return null;
  const name = text.slice(0, eq).trim();
  const value = text.slice(eq + 1);
  if (labelNameProblem(name) !== null || labelValueProblem(value) !== null) return null;
  return [name, value];
}

/** One `name=value` or several (a repeated query parameter) → the pairs, each checked. */
export const LabelFilterSchema = z.pipe(
  z.pipe(
    z.union([z.string(), z.array(z.string()).check(z.maxLength(HOST_LABELS_MAX))]),
    z.transform((v) => (Array.isArray(v) ? v : [v]).filter((s) => s !== "")),
  ),
  z.array(
    z.pipe(
      z.string().check(
        z.refine((s) => parseLabelPair(s) !== null, {
          error: "expected name=value with a valid label name and a non-empty value",
        }),
      ),
      z.transform((s) => parseLabelPair(s) as [string, string]),
    ),
  ),
);

/** `PUT /api/hosts/:id/labels`: the labels set through the API (they replace the previous API set). */
export const HostLabelsUpdateSchema = z.object({ labels: HostLabelsSchema });
export type HostLabelsUpdate = z.infer<typeof HostLabelsUpdateSchema>;

/** Answer of `PUT /api/hosts/:id/labels` and part of the host detail. */
export const HostLabelSourcesSchema = z.object({
  /** effective: agent labels overridden by API labels */
  labels: z.record(z.string(), z.string()),
  /** from the agent's configuration (agent.json `labels`, `--label`, KDUMPWATCH_LABELS) */
  agent: z.record(z.string(), z.string()),
  /** set through the API or `kdumpwatch-server labels` */
  api: z.record(z.string(), z.string()),
});
export type HostLabelSources = z.infer<typeof HostLabelSourcesSchema>;
