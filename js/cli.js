#!/usr/bin/env node
// hcp-segments command line (Node, uses the node build). See `hcp-segments --help`.
// One module per command in cli/ (name, usage, summary, help, run); this file is the entry:
// the global help, the dispatch, and how errors are printed (usage 2, bad input 1).
import { version } from "./node/index.mjs";
import { UsageError, asUsageError } from "./cli/args.js";
import * as segment from "./cli/segment.js";
import * as sample from "./cli/sample.js";
import * as events from "./cli/events.js";
import * as stability from "./cli/stability.js";
import * as cells from "./cli/cells.js";
import * as plan from "./cli/plan.js";
import * as lookalikes from "./cli/lookalikes.js";
import * as refresh from "./cli/refresh.js";
import * as update from "./cli/update.js";
import * as model from "./cli/model.js";

const COMMANDS = Object.fromEntries(
  [segment, sample, events, stability, cells, plan, lookalikes, refresh, update, model].map((c) => [c.name, c]),
);

const help = () => `hcp-segments ${version()} - segment HCPs by engagement (k-means, runs locally)

Usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}\n`)
  .join("")}  hcp-segments COMMAND --help | --help | --version

${Object.values(COMMANDS)
  .map((c) => `${c.name.padEnd(12)}${c.summary}\n`)
  .join("")}
MODEL.json is the --json result of segment or refresh, or a bare model (segment --model).
Each command's options: hcp-segments COMMAND --help.

Nothing is sent anywhere: the data stays on this machine.`;

function fail(err) {
  if (err instanceof UsageError) {
    const helpHint = err.command ? `hcp-segments ${err.command} --help` : "hcp-segments --help";
    process.stderr.write(`hcp-segments: ${err.message}\nTry '${helpHint}'.\n`);
    process.exit(2);
  }
  if (err && err.code) {
    const where = [];
    if (err.line !== undefined && err.line !== null) where.push(`line ${err.line}`);
    if (err.column !== undefined && err.column !== null) where.push(`column ${err.column}`);
    process.stderr.write(`hcp-segments: error ${err.code}${where.length ? ` (${where.join(", ")})` : ""}: ${err.message}\n`);
  } else {
    process.stderr.write(`hcp-segments: ${err && err.message ? err.message : err}\n`);
  }
  process.exit(1);
}

function main(argv) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    const topic = cmd === "help" ? rest[0] : undefined;
    process.stdout.write((topic && Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic].help : help()) + "\n");
    return;
  }
  if (cmd === "--version" || cmd === "-V") {
    process.stdout.write(version() + "\n");
    return;
  }
  const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!command) throw new UsageError(`unknown command '${cmd}'`);
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.help + "\n");
    return;
  }
  const asCommandError = (e) => {
    const err = asUsageError(e, cmd);
    if (err instanceof UsageError) err.command = cmd;
    return err;
  };
  try {
    const running = command.run(rest);
    return running && typeof running.then === "function" ? running.catch((e) => Promise.reject(asCommandError(e))) : running;
  } catch (e) {
    throw asCommandError(e);
  }
}

// `hcp-segments plan ... | head`: a closed pipe is the reader's choice, not an error.
process.stdout.on("error", (e) => {
  if (e && e.code === "EPIPE") process.exit(0);
  throw e;
});

// A command runs synchronously, or returns a Promise (segment on several threads).
try {
  const running = main(process.argv.slice(2));
  if (running && typeof running.then === "function") running.catch(fail);
} catch (e) {
  fail(e);
}
