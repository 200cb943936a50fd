import type { Command, OptionSpec } from './command.ts';

export const PROGRAM = 'seqlm';

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help and exit' };

function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short !== undefined ? `-${spec.short}, ` : '';
  const value = spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>${spec.variadic === true ? '...' : ''}` : '';
  return `${short}--${name}${value}`;
}

function optionText(spec: OptionSpec): string {
  return spec.default !== undefined && spec.type === 'string' ? `${spec.description} (default: ${spec.default})` : spec.description;
}

/** Two aligned columns, the second wrapped to ~80 characters. */
function table(rows: readonly (readonly [string, string])[], indent = '  '): string {
  const width = Math.min(32, Math.max(...rows.map(([left]) => left.length)));
  const wrapAt = Math.max(30, 80 - indent.length - width - 2);
  return rows
    .map(([left, right]) => {
      const lines = wrap(right, wrapAt);
      const pad = ' '.repeat(indent.length + width + 2);
      const first = left.length > width ? `${indent}${left}\n${pad}` : `${indent}${left.padEnd(width)}  `;
      return first + lines.join(`\n${pad}`);
    })
    .join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/u)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/** `seqlm <command> --help`. */
export function commandHelp(command: Command): string {
  const positionals = (command.positionals ?? []).map((p) => ` <${p.name}>`).join('');
  const parts = [`Usage: ${PROGRAM} ${command.name} [options]${positionals}`, '', command.summary];
  if (command.description !== undefined) parts.push('', wrap(command.description, 80).join('\n'));
  if (command.positionals !== undefined && command.positionals.length > 0) {
    parts.push('', 'Arguments:', table(command.positionals.map((p) => [`<${p.name}>`, p.description] as const)));
  }
  const options = [...Object.entries(command.options), ['help', HELP_OPTION] as const];
  parts.push('', 'Options:', table(options.map(([name, spec]) => [optionLabel(name, spec), optionText(spec)] as const)));
  if (command.examples !== undefined && command.examples.length > 0) {
    parts.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  }
  return `${parts.join('\n')}\n`;
}

/** `seqlm --help`, or the commands of one group (`seqlm corpus --help`). */
export function commandListHelp(commands: readonly Command[], version: string, group?: string): string {
  const shown = group === undefined ? commands : commands.filter((c) => c.name.split(' ')[0] === group);
  const head =
    group === undefined
      ? [`${PROGRAM} ${version}: statistical and neural language models from Dive into Deep Learning's sequence chapters.`, '', `Usage: ${PROGRAM} <command> [options]`]
      : [`Usage: ${PROGRAM} ${group} <command> [options]`];
  return `${[
    ...head,
    '',
    'Commands:',
    table(shown.map((c) => [c.name, c.summary] as const)),
    '',
    'Options:',
    table([
      ['-h, --help', 'Show this help and exit'],
      ...(group === undefined ? [['-v, --version', 'Print the version and exit'] as const] : []),
    ]),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
  ].join('\n')}\n`;
}
