import { type ManPage, renderManPages } from "@kdumpwatch/cli";
import { SERVER_PROGRAM } from "./cli-program.ts";

/** The manual pages of kdumpwatch-server, from the same definition as its parser and --help (build.mjs). */
export function serverManPages(date: string): ManPage[] {
  return renderManPages(SERVER_PROGRAM, date);
}
