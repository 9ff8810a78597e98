/**
 * One definition per command-line program → parser, `--help` and manual pages (see spec.ts).
 */
export { renderHelp } from "./help.ts";
export { type ManPage, renderManPages } from "./man.ts";
export { type OptionValues, type ParsedCommandLine, parseCommandLine, parseOptions } from "./parse.ts";
export type { CliArgument, CliCommand, CliExit, CliOption, CliProgram } from "./spec.ts";
export { findCommand, optionsOf } from "./spec.ts";
