/**
 * The agent as a library, for the fleet simulator (test/sim), the testkit's client harness and other
 * in-repo tools: the client that speaks wire protocol v1 and the collector that reads a host or a
 * capture. The shipped command-line agent is `src/main.ts` (bundled on its own; nothing here is
 * part of the bundle).
 */
export type { AgentClientDeps, AgentClientOptions } from "./client/agent-client.ts";
export { AgentClient, CLIENT_DEFAULTS } from "./client/agent-client.ts";
export { createMemoryCredentialStore } from "./client/credential-store.ts";
export type { ClientModel, ClientOptions, Identity, Outcome } from "./client/machine-model.ts";
export type {
  ClientSocket,
  Clock,
  CloseInfo,
  Credential,
  CredentialStore,
  LogFields,
  Logger,
  LogLevel,
  SocketFactory,
  SocketHandlers,
} from "./client/ports.ts";
export { systemClock } from "./client/ports.ts";
export { deriveWsUrl } from "./client/run-config.ts";
export type { WsSocketOptions } from "./client/ws-socket.ts";
export { createWsSocketFactory } from "./client/ws-socket.ts";
export type { CollectOptions } from "./collect/collector.ts";
export { collectSnapshot } from "./collect/collector.ts";
