import { type ManPage, renderManPages } from "@kdumpwatch/cli";
import { AGENT_PROGRAM } from "./program.ts";

/** The manual pages of kdumpwatch-agent, from the same definition as the parser and --help (build.mjs). */
export function agentManPages(date: string): ManPage[] {
  return renderManPages(AGENT_PROGRAM, date);
}
