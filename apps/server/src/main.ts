#!/usr/bin/env node
import { EXIT, runCli } from "./cli.ts";

// The only place that reads process.env and argv (house-style §3).
runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
}).then(
  (status) => process.exit(status),
  (err) => {
    process.stderr.write(
      `kdumpwatch-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(EXIT.internal);
  },
);
