import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { isSeqlmError } from '@seqlm/core/errors';
import type { CliIO, Command, OptionSpecs } from './command.ts';
import { commandsFor, longestMatch } from './commands/registry.ts';
import { usageError } from './flags.ts';
import { commandHelp, commandListHelp, PROGRAM } from './help.ts';

/** Exit codes: 0 success, 1 a runtime failure (missing corpus, failed download...), 2 a bad command line. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin };
}

/** The package version, read from package.json (one level above both `src/` and `dist/`). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/**
 * Runs `seqlm` with `argv` (without the node and script paths) and returns the
 * exit code. Never throws: failures become one `seqlm: error: ...` line on
 * stderr (set `SEQLM_DEBUG=1` for the stack).
 */
export async function main(argv: readonly string[], io: CliIO = processIO(), commands?: readonly Command[]): Promise<number> {
  try {
    // Only the command that runs is imported (commands/registry.ts), unless the caller passes its own list.
    return await dispatch(argv, io, commands ?? (await commandsFor(argv)));
  } catch (error) {
    const message = isSeqlmError(error) ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr.write(`${PROGRAM}: error: ${oneLine(message)}\n`);
    if (io.env['SEQLM_DEBUG'] && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return isSeqlmError(error) && error.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILURE;
  }
}

async function dispatch(argv: readonly string[], io: CliIO, commands: readonly Command[]): Promise<number> {
  const [first] = argv;
  if (first === undefined) throw usageError(`missing command (run "${PROGRAM} --help" for the list)`);
  if (isHelp(first) || first === 'help') {
    io.stdout.write(commandListHelp(commands, version()));
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (first.startsWith('-')) throw usageError(`unknown option ${first} (run "${PROGRAM} --help")`);

  const command = longestMatch(argv, commands);
  if (command === undefined) return groupOrUnknown(argv, io, commands);
  const rest = argv.slice(command.name.split(' ').length);
  const end = rest.indexOf('--');
  if ((end === -1 ? rest : rest.slice(0, end)).some(isHelp)) {
    io.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  const { values, positionals } = parse(command, rest);
  const code = await command.run({ values, positionals, io });
  return code ?? EXIT_OK;
}

function isHelp(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

/** `seqlm corpus` (a group without its subcommand), `seqlm corpus --help`, or an unknown command. */
function groupOrUnknown(argv: readonly string[], io: CliIO, commands: readonly Command[]): number {
  const [group, sub] = argv as [string, ...(string | undefined)[]];
  const members = commands.filter((c) => c.name.split(' ')[0] === group);
  if (members.length === 0) throw usageError(`unknown command "${group}" (run "${PROGRAM} --help" for the list)`, { command: group });
  if (sub !== undefined && isHelp(sub)) {
    io.stdout.write(commandListHelp(commands, version(), group));
    return EXIT_OK;
  }
  const names = members.map((c) => `"${c.name}"`).join(', ');
  if (sub === undefined) throw usageError(`"${group}" needs a subcommand: ${names}`, { command: group });
  throw usageError(`unknown command "${group} ${sub}"; expected ${names}`, { command: `${group} ${sub}` });
}

function parse(command: Command, args: string[]): { values: Record<string, string | string[] | boolean | undefined>; positionals: string[] } {
  const options: ParseArgsOptionsConfig = {};
  for (const [name, spec] of Object.entries(command.options as OptionSpecs)) {
    options[name] = {
      type: spec.type,
      ...(spec.short !== undefined ? { short: spec.short } : {}),
      ...(spec.multiple === true ? { multiple: true } : {}),
      ...(spec.default !== undefined ? { default: spec.default } : {}),
    } as ParseArgsOptionsConfig[string];
  }
  const valueFlags = valueFlagNames(command.options as OptionSpecs);
  try {
    const joined = joinVariadic(args, command.options as OptionSpecs);
    const parsed = parseArgs({ args: attachNegativeNumbers(joined, valueFlags), options, strict: true, allowPositionals: command.positionals !== undefined });
    return { values: parsed.values as Record<string, string | string[] | boolean | undefined>, positionals: parsed.positionals };
  } catch (error) {
    throw usageError(`${parseArgsMessage(error, args, valueFlags)} for "${PROGRAM} ${command.name}" (see --help)`);
  }
}

/** `--prune 0 0 1` → `--prune=0 0 1`: a variadic flag takes every word up to the next flag (or `--`). */
function joinVariadic(args: readonly string[], specs: OptionSpecs): string[] {
  const variadic = new Set(Object.entries(specs).filter(([, s]) => s.variadic === true).map(([name]) => `--${name}`));
  if (variadic.size === 0) return [...args];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return [...out, ...args.slice(i)];
    if (!variadic.has(arg)) {
      out.push(arg);
      continue;
    }
    const words: string[] = [];
    while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) words.push(args[++i]!);
    out.push(words.length > 0 ? `${arg}=${words.join(' ')}` : arg);
  }
  return out;
}

/** `-5`, `-0.5`, `-.5`, `-1e3`: what a user means as a value, never as a flag. */
const NEGATIVE_NUMBER = /^-\.?\d/u;

/** The long name of each string flag, by every spelling of it (`--len` and `-n`). */
function valueFlagNames(specs: OptionSpecs): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.type !== 'string') continue;
    names.set(`--${name}`, name);
    if (spec.short !== undefined) names.set(`-${spec.short}`, name);
  }
  return names;
}

/**
 * Joins a negative number to the value-taking flag before it (`--top -1` →
 * `--top=-1`): parseArgs reads any word starting with "-" as a flag and would
 * report "needs a value" instead of the range check's "must be a positive integer".
 */
function attachNegativeNumbers(args: readonly string[], valueFlags: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return [...out, ...args.slice(i)];
    const name = valueFlags.get(arg);
    const next = args[i + 1];
    if (name !== undefined && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** parseArgs' messages, minus their advice about `--`, which does not apply to our flags. */
function parseArgsMessage(error: unknown, args: readonly string[], valueFlags: ReadonlyMap<string, string>): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted ?? message)}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = /--[\w-]+/u.exec(quoted ?? '')?.[0] ?? /-\w/u.exec(quoted ?? '')?.[0] ?? 'an option';
      if (/does not take/u.test(message)) return `${flag} does not take a value`;
      // "ambiguous": the next word starts with "-"; attached with "=", it is taken as the value.
      const next = args[args.indexOf(flag) + 1];
      const name = valueFlags.get(flag);
      if (/ambiguous/u.test(message) && next !== undefined && name !== undefined) {
        return `${flag} needs a value (got the option-like ${JSON.stringify(next)}; to pass it as the value write --${name}=${next})`;
      }
      return `${flag} needs a value`;
    }
    default:
      return message.split(/(?<=\.)\s/u)[0] ?? message;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/gu, ' ').trim();
}
