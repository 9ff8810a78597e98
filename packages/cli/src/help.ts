import { type CliCommand, type CliOption, type CliProgram, findCommand, optionsOf } from "./spec.ts";

const WIDTH = 100;

/** `--help` text of the program (`path` empty) or of one command; the manual says the same in roff. */
export function renderHelp(program: CliProgram, path: readonly string[]): string {
  const command = path.length === 0 ? undefined : findCommand(program, path);
  if (command === undefined) return programHelp(program);
  const lines = [`Usage: ${usageLine(program, path, command)}`, ""];
  for (const paragraph of command.description) lines.push(...wrap(paragraph, 0), "");
  if (command.commands !== undefined) {
    lines.push("Commands:");
    lines.push(...table(command.commands.map((c) => [`${path.join(" ")} ${c.name}`, c.summary])), "");
    lines.push(`'${program.name} help ${path.join(" ")} COMMAND' describes each.`, "");
  }
  const args = command.arguments ?? [];
  if (args.length > 0) {
    lines.push("Arguments:", ...table(args.map((a) => [a.name, a.help])), "");
  }
  lines.push("Options:", ...table(optionsOf(command).map((o) => [optionLabel(o), optionHelp(o)])), "");
  const exits = command.exits ?? [];
  if (exits.length > 0) lines.push(...wrap(`Exit status: ${exitList(exits)}.`, 0), "");
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

function programHelp(program: CliProgram): string {
  const lines = [`${program.name} ${program.version}: ${program.summary}`, "", "Usage:"];
  const rows: Array<[string, string]> = [];
  for (const c of program.commands) {
    if (c.commands === undefined) rows.push([`${program.name} ${c.name}`, c.summary]);
    else for (const s of c.commands) rows.push([`${program.name} ${c.name} ${s.name}`, s.summary]);
  }
  rows.push([`${program.name} help [COMMAND]`, "describe a command and its options"]);
  rows.push([`${program.name} --version`, "print the version"]);
  lines.push(...table(rows), "");
  if (program.defaultCommand !== undefined) {
    lines.push(`Without a command, ${program.name} runs '${program.defaultCommand}'.`, "");
  }
  for (const paragraph of program.description) lines.push(...wrap(paragraph, 0), "");
  lines.push(...wrap(`Exit status: ${exitList(program.exits)}.`, 0));
  return `${lines.join("\n")}\n`;
}

/** `kdumpwatch-agent check [--root DIR] [--json]` */
export function usageLine(program: CliProgram, path: readonly string[], command: CliCommand): string {
  const parts = [program.name, ...path];
  if (command.commands !== undefined) parts.push("COMMAND");
  for (const o of command.options) parts.push(`[--${o.name}${o.value === undefined ? "" : ` ${o.value}`}]`);
  for (const a of command.arguments ?? []) parts.push(a.optional === true ? `[${a.name}]` : a.name);
  return parts.join(" ");
}

function optionLabel(o: CliOption): string {
  const long = `--${o.name}${o.value === undefined ? "" : ` ${o.value}`}`;
  return o.short === undefined ? `    ${long}` : `-${o.short}, ${long}`;
}

export function optionHelp(o: CliOption): string {
  const extra: string[] = [];
  if (o.env !== undefined) extra.push(`env ${o.env}`);
  if (o.default !== undefined) extra.push(`default ${o.default}`);
  return extra.length === 0 ? o.help : `${o.help} (${extra.join("; ")})`;
}

function exitList(exits: readonly { code: number; meaning: string }[]): string {
  return exits.map((e) => `${e.code} ${e.meaning}`).join(", ");
}

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const left = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  const out: string[] = [];
  for (const [label, text] of rows) {
    const body = wrap(text, left + 2);
    if (label.length + 2 > left) {
      out.push(`  ${label}`);
      out.push(...body);
    } else {
      out.push(`  ${label.padEnd(left)}${(body[0] ?? "").trimLeft()}`);
      out.push(...body.slice(1));
    }
  }
  return out;
}

/** Words into lines of at most WIDTH columns, each indented by `indent` spaces. */
function wrap(text: string, indent: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (word === "") continue;
    if (line !== "" && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(" ".repeat(indent) + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(" ".repeat(indent) + line);
  return lines;
}
