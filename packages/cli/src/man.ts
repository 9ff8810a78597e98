import { optionHelp, usageLine } from "./help.ts";
import { type CliCommand, type CliOption, type CliProgram, optionsOf } from "./spec.ts";

export interface ManPage {
  /** file name: `kdumpwatch-agent.8`, `kdumpwatch-agent-check.8` */
  file: string;
  text: string;
}

/**
 * The manual pages of a program, in man(7) roff: one for the program (every command listed) and
 * one per command, git-style (`kdumpwatch-server-token-create.8`). `date` is the page's date
 * (YYYY-MM-DD): pass a fixed one for reproducible builds.
 */
export function renderManPages(program: CliProgram, date: string): ManPage[] {
  const pages: ManPage[] = [{ file: `${program.name}.${program.section}`, text: programPage(program, date) }];
  const visit = (path: string[], command: CliCommand) => {
    pages.push({
      file: `${[program.name, ...path].join("-")}.${program.section}`,
      text: commandPage(program, path, command, date),
    });
    for (const sub of command.commands ?? []) visit([...path, sub.name], sub);
  };
  for (const c of program.commands) visit([c.name], c);
  return pages;
}

function header(name: string, program: CliProgram, date: string, summary: string): string[] {
  return [
    `.TH ${quote(name.toUpperCase())} ${program.section} ${quote(date)} ${quote(program.source)} ${quote("System Administration")}`,
    ".SH NAME",
    `${roffText(name)} \\- ${roffText(summary)}`,
  ];
}

function programPage(program: CliProgram, date: string): string {
  const lines = header(program.name, program, date, program.summary);
  lines.push(".SH SYNOPSIS");
  for (const c of program.commands)
    lines.push(".PP", `.B ${roffText(program.name)}`, roffText(synopsisTail(c)));
  lines.push(".PP", `.B ${roffText(program.name)}`, "\\-\\-version | help [\\fICOMMAND\\fR]");
  lines.push(".SH DESCRIPTION");
  for (const p of program.description) lines.push(".PP", roffText(p));
  if (program.defaultCommand !== undefined) {
    lines.push(".PP", roffText(`Without a command, ${program.name} runs ${program.defaultCommand}.`));
  }
  lines.push(".SH COMMANDS");
  for (const c of program.commands) {
    const names = c.commands === undefined ? [c.name] : c.commands.map((s) => `${c.name} ${s.name}`);
    for (const n of names) {
      const sub = c.commands?.find((s) => `${c.name} ${s.name}` === n) ?? c;
      lines.push(
        ".TP",
        `.B ${roffText(n)}`,
        roffText(`${sub.summary}; see ${pageRef(program, n.split(" "))}.`),
      );
    }
  }
  exitSection(lines, program.exits);
  filesSection(lines, program);
  seeAlso(
    lines,
    program,
    program.commands.map((c) => pageRef(program, [c.name])),
  );
  return `${lines.join("\n")}\n`;
}

function commandPage(program: CliProgram, path: string[], command: CliCommand, date: string): string {
  const name = [program.name, ...path].join("-");
  const lines = header(name, program, date, command.summary);
  lines.push(".SH SYNOPSIS", `.B ${roffText(`${program.name} ${path.join(" ")}`)}`);
  const tail = usageLine(program, path, command)
    .slice(`${program.name} ${path.join(" ")}`.length)
    .trim();
  if (tail !== "") lines.push(roffText(tail));
  lines.push(".SH DESCRIPTION");
  for (const p of command.description) lines.push(".PP", roffText(p));
  if (command.commands !== undefined) {
    lines.push(".SH COMMANDS");
    for (const s of command.commands) {
      lines.push(".TP", `.B ${roffText(`${path.join(" ")} ${s.name}`)}`, roffText(s.summary));
    }
  }
  const args = command.arguments ?? [];
  if (args.length > 0) {
    lines.push(".SH ARGUMENTS");
    for (const a of args) lines.push(".TP", `.I ${roffText(a.name)}`, roffText(a.help));
  }
  lines.push(".SH OPTIONS");
  for (const o of optionsOf(command)) lines.push(".TP", optionTerm(o), roffText(optionHelp(o)));
  const env = command.options.filter((o) => o.env !== undefined);
  if (env.length > 0) {
    lines.push(".SH ENVIRONMENT");
    for (const o of env) lines.push(".TP", `.B ${roffText(o.env ?? "")}`, roffText(`same as --${o.name}.`));
  }
  if (command.exits !== undefined && command.exits.length > 0) exitSection(lines, command.exits);
  const examples = command.examples ?? [];
  if (examples.length > 0) {
    lines.push(".SH EXAMPLES");
    for (const [cmd, what] of examples)
      lines.push(".PP", roffText(what), ".PP", `.RS 4`, `.B ${roffText(cmd)}`, ".RE");
  }
  seeAlso(lines, program, [`${program.name}(${program.section})`]);
  return `${lines.join("\n")}\n`;
}

function synopsisTail(c: CliCommand): string {
  return c.commands === undefined
    ? `${c.name} [options]`
    : `${c.name} ${c.commands.map((s) => s.name).join(" | ")}`;
}

function optionTerm(o: CliOption): string {
  const long = `\\fB\\-\\-${escapeWord(o.name)}\\fR${o.value === undefined ? "" : ` \\fI${escapeWord(o.value)}\\fR`}`;
  return o.short === undefined ? long : `\\fB\\-${escapeWord(o.short)}\\fR, ${long}`;
}

function exitSection(lines: string[], exits: readonly { code: number; meaning: string }[]): void {
  lines.push(".SH EXIT STATUS");
  for (const e of exits) lines.push(".TP", `.B ${e.code}`, roffText(e.meaning));
}

function filesSection(lines: string[], program: CliProgram): void {
  const files = program.files ?? [];
  if (files.length === 0) return;
  lines.push(".SH FILES");
  for (const [path, what] of files) lines.push(".TP", `.I ${roffText(path)}`, roffText(what));
}

function seeAlso(lines: string[], program: CliProgram, refs: string[]): void {
  const all = [...refs, ...(program.seeAlso ?? [])];
  lines.push(".SH SEE ALSO", all.map((r) => escapeRef(r)).join(",\n"));
}

function pageRef(program: CliProgram, path: string[]): string {
  return `${[program.name, ...path].join("-")}(${program.section})`;
}

/** `name(8)` → bold name and section, as man-pages(7) asks. */
function escapeRef(ref: string): string {
  const m = /^(.*)\((\w+)\)$/.exec(ref);
  return m ? `.BR ${escapeWord(m[1] ?? "")} (${m[2]})` : roffText(ref);
}

/** Text for roff: backslashes and hyphens escaped, no line starting with a control character. */
function roffText(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const e = escapeWord(line);
      return e.startsWith(".") || e.startsWith("'") ? `\\&${e}` : e;
    })
    .join("\n");
}

function escapeWord(text: string): string {
  return text.replace(/\\/g, "\\e").replace(/-/g, "\\-");
}

function quote(text: string): string {
  return `"${escapeWord(text).replace(/"/g, "\\(dq")}"`;
}
