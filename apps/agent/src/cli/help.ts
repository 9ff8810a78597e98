import { renderHelp } from "@kdumpwatch/cli";
import { AGENT_PROGRAM } from "./program.ts";

/** `--help` of the program (empty topic) or of one command, from the one definition in program.ts. */
export function helpText(topic: readonly string[]): string {
  return renderHelp(AGENT_PROGRAM, topic);
}
