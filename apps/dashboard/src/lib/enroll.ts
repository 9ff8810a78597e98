/**
 * The commands the Enroll page shows. The agent is one file (`kdumpwatch-agent.cjs`, plain node
 * ≥ 18, product.md §4); infra/install-agent.sh installs it as a service. Values are quoted for a
 * POSIX shell, so a pasted URL or token can never run anything.
 */
export const TOKEN_PLACEHOLDER = "<token>";

/** Single-quotes a value for sh unless it is plainly safe. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface EnrollCommands {
  check: string;
  once: string;
  run: string;
  install: string;
  createToken: string;
}

export function enrollCommands(serverUrl: string, token: string | null): EnrollCommands {
  const server = shellQuote(serverUrl.trim().replace(/\/+$/, ""));
  const tok = token ? shellQuote(token) : TOKEN_PLACEHOLDER;
  return {
    check: "node kdumpwatch-agent.cjs check",
    once: `node kdumpwatch-agent.cjs run --once --server ${server} --enroll-token ${tok}`,
    run: `node kdumpwatch-agent.cjs run --server ${server} --enroll-token ${tok}`,
    install: `sudo ./install-agent.sh --server ${server} --enroll-token ${tok}`,
    createToken: "kdumpwatch-server token create --uses 100 --ttl 24h",
  };
}

export const TTL_CHOICES = [
  { seconds: 3_600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
  { seconds: 7 * 86_400, label: "7 days" },
  { seconds: 30 * 86_400, label: "30 days" },
] as const;
