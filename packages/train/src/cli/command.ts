/**
 * The shape of a `seqlm` subcommand. Each command lives in its own module under
 * `commands/`, exports one `defineCommand(...)` value and is listed once in
 * `commands/index.ts`; `main` does the parsing, `--help` and error reporting.
 */

/** One `--flag`. `-h`/`--help` is added to every command and must not be declared. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One-letter alias, e.g. `o` for `-o`. */
  short?: string;
  /** Placeholder shown in help for a string flag, e.g. `name` gives `--corpus <name>`. */
  valueName?: string;
  description: string;
  /** A string flag that may be given several times (`--model a --model b`); its value is then a list. */
  multiple?: boolean;
  /** Applied when the flag is absent, and shown in help. Leave unset when the default depends on other flags (say so in `description`). */
  default?: string | boolean;
  /** A string flag that takes the words after it up to the next flag (`--prune 0 0 1`); the command gets them joined by one space. */
  variadic?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed flag values, typed from the specs: strings for string flags, booleans for boolean ones. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K]['type'] extends 'boolean'
    ? boolean | undefined
    : O[K] extends { multiple: true }
      ? string[] | undefined
      : O[K]['type'] extends 'string'
        ? string | undefined
        : string | string[] | boolean | undefined;
};

export interface PositionalSpec {
  name: string;
  description: string;
}

/** Where a command writes and what it runs in; `main` passes the process's, tests their own. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Standard input, read where a file flag is given as `-`. */
  stdin?: AsyncIterable<Uint8Array>;
}

export interface CommandContext<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
  io: CliIO;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** The words after `seqlm`, space-separated: `corpus stats`. */
  name: string;
  /** One line for `seqlm --help`. */
  summary: string;
  /** A paragraph for the command's own `--help`. */
  description?: string;
  options: O;
  /** Positional arguments; a command without this list refuses any. */
  positionals?: readonly PositionalSpec[];
  examples?: readonly string[];
  /** Returns the exit code (default 0); throws `SeqlmError` for failures (`USAGE` exits 2, any other code 1). */
  run(context: CommandContext<O>): Promise<number | void>;
}

/** Identity function that lets TypeScript infer the flag types of `run`'s `values` from `options`. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}
