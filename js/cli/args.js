// Flags: parsing (node:util parseArgs, strict) and the checks on their values. A bad flag or
// value is a UsageError: the entry prints it with a pointer to the command's --help, exit 2.
import { parseArgs } from "node:util";

export class UsageError extends Error {}

/** Flags and positionals, nothing checked beyond parseArgs (unknown flags throw). */
export function parseFlags(args, options) {
  return parseArgs({ args, allowPositionals: true, options });
}

/** parseArgs in strict mode: an unknown flag is a usage error naming it. */
export function parse(args, options, positionalNames, command) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options });
  if (positionals.length !== positionalNames.length) {
    throw new UsageError(`${command} expects ${positionalNames.join(" ")} (got ${positionals.length ? positionals.join(" ") : "nothing"})`);
  }
  return { values, positionals };
}

/**
 * parseArgs' own errors as usage errors. Node's messages are long ("... place it at the end of
 * the command after '--' ..."): the first sentence is the news. Other errors pass unchanged.
 */
export function asUsageError(e, command) {
  if (!(e && e.code && String(e.code).startsWith("ERR_PARSE_ARGS"))) return e;
  const unknown = /Unknown option '([^']+)'/.exec(e.message);
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(e.message);
  return new UsageError(
    unknown
      ? `${command}: unknown option ${unknown[1]}`
      : ambiguous
        ? `${command}: ${ambiguous[1]} needs a value (one starting with '-' is written ${ambiguous[1]}=VALUE)`
        : `${command}: ${e.message.split(/\.\s/)[0]}`,
  );
}

export function required(values, name, command) {
  if (values[name] === undefined) throw new UsageError(`${command} needs --${name}`);
  return values[name];
}

export function intArg(value, name, min = 0) {
  if (!/^\d+$/.test(String(value)) || Number(value) < min) throw new UsageError(`--${name} expects an integer >= ${min}, got '${value}'`);
  return Number(value);
}

/** --k N|auto (segment, refresh). */
export const kArg = (value) => (value === "auto" ? "auto" : intArg(value, "k", 1));

export function numArg(value, name, { min = -Infinity, max = Infinity, below } = {}) {
  const n = Number(value);
  if (value === "" || !Number.isFinite(n) || n < min || n > max || (below !== undefined && n >= below)) {
    const range = below !== undefined ? `in [${min}, ${below})` : max < Infinity ? `in [${min}, ${max}]` : `>= ${min}`;
    throw new UsageError(`--${name} expects a number ${range}, got '${value}'`);
  }
  return n;
}

/** A,B,C: trimmed, empty items dropped. */
export const listArg = (value) => value.split(",").map((x) => x.trim()).filter(Boolean);

/** Repeatable KEY=VALUE flags → object. */
export function pairsArg(values, name, parseValue) {
  const out = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(.*)$/.exec(v);
    if (!m) throw new UsageError(`--${name} expects KEY=VALUE, got '${v}'`);
    out[m[1].trim()] = parseValue(m[2].trim(), m[1].trim());
  }
  return out;
}

/** The flags of every command that reads a data file: how to read it when detection is not enough. */
export const READ_FLAGS = {
  encoding: { type: "string" },
  sheet: { type: "string" },
};

/** `encoding` and `sheet` options from READ_FLAGS (a sheet given as digits is its 0-based index). */
export function readOptions(values) {
  const o = {};
  if (values.encoding !== undefined) o.encoding = values.encoding;
  if (values.sheet !== undefined) o.sheet = /^\d+$/.test(values.sheet) ? Number(values.sheet) : values.sheet;
  return o;
}
