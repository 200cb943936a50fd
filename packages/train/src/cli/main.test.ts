import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { defineCommand, type CliIO, type Command } from './command.ts';
import { positiveInt } from './flags.ts';
import { main } from './main.ts';
import { packageRoot } from '../testing.test-util.ts';

interface Captured {
  io: CliIO;
  out: () => string;
  err: () => string;
}

function capture(env: Record<string, string | undefined> = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env, cwd: process.cwd() },
    out: () => out,
    err: () => err,
  };
}

const seen: unknown[] = [];
const echo = defineCommand({
  name: 'demo echo',
  summary: 'Echoes its flags',
  options: {
    count: { type: 'string', valueName: 'n', description: 'How many times', default: '1' },
    loud: { type: 'boolean', short: 'l', description: 'Upper case' },
    tail: { type: 'string', valueName: 'w', variadic: true, description: 'Words appended after the echo' },
  },
  positionals: [{ name: 'word', description: 'What to echo' }],
  async run({ values, positionals, io }) {
    seen.push(values);
    const n = positiveInt('count', values.count, 1);
    const word = values.loud ? (positionals[0] ?? '').toUpperCase() : (positionals[0] ?? '');
    io.stdout.write(`${[...Array(n).fill(word), ...(values.tail === undefined ? [] : [`[${values.tail}]`])].join(' ')}\n`);
  },
});
const failing = defineCommand({
  name: 'fail',
  summary: 'Always fails',
  options: {},
  async run({ io }) {
    if (io.env['KIND'] === 'seqlm') throw new SeqlmError('CORPUS_NOT_FOUND', 'no corpus\nhere');
    if (io.env['KIND'] === 'code') return 3;
    throw new TypeError('boom');
  },
});
const commands: Command[] = [echo, failing];

describe('main', () => {
  it('gives a variadic flag every word up to the next flag, joined by one space', async () => {
    const c = capture();
    expect(await main(['demo', 'echo', '--tail', '0', '0', '1', '-l', 'hi'], c.io, commands)).toBe(0);
    // "hi" after -l is the positional again: the variadic flag stopped at the flag
    expect(c.out()).toBe('HI [0 0 1]\n');
    const d = capture();
    expect(await main(['demo', 'echo', 'hi', '--tail', 'a', 'b'], d.io, commands)).toBe(0);
    expect(d.out()).toBe('hi [a b]\n');
  });

  it('runs a multi-word command with typed flags and positionals', async () => {
    const c = capture();
    expect(await main(['demo', 'echo', '--count', '2', '-l', 'hi'], c.io, commands)).toBe(0);
    expect(c.out()).toBe('HI HI\n');
    expect(c.err()).toBe('');
  });

  it('lists every command in --help and documents every flag in a command --help', async () => {
    const c = capture();
    expect(await main(['--help'], c.io, commands)).toBe(0);
    expect(c.out()).toContain('demo echo');
    expect(c.out()).toContain('Always fails');
    const h = capture();
    expect(await main(['demo', 'echo', '--count', 'x', '--help'], h.io, commands)).toBe(0);
    for (const flag of ['--count <n>', '-l, --loud', '-h, --help', '<word>', '(default: 1)']) expect(h.out()).toContain(flag);
    const g = capture();
    expect(await main(['demo', '--help'], g.io, commands)).toBe(0);
    expect(g.out()).toContain('demo echo');
    expect(g.out()).not.toContain('fail');
  });

  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(`${packageRoot}/package.json`, 'utf8')) as { version: string };
    const c = capture();
    expect(await main(['--version'], c.io, commands)).toBe(0);
    expect(c.out()).toBe(`${version}\n`);
  });

  it.each([
    [[], 'missing command'],
    [['nope'], 'unknown command "nope"'],
    [['demo'], '"demo" needs a subcommand: "demo echo"'],
    [['demo', 'shout'], 'unknown command "demo shout"'],
    [['--nope'], 'unknown option --nope'],
    [['demo', 'echo', '--nope'], 'unknown option --nope for "seqlm demo echo"'],
    [['demo', 'echo', '--count'], '--count needs a value'],
    [['demo', 'echo', '--loud=yes'], '--loud does not take a value'],
    [['demo', 'echo', '--count', '0'], '--count must be a positive integer (got "0")'],
    [['fail', 'extra'], 'unexpected argument "extra"'],
    // A negative number after a value-taking flag is its value, so the range check names the problem.
    [['demo', 'echo', '--count', '-1'], '--count must be a positive integer (got "-1")'],
    [['demo', 'echo', '--count', '-.5'], '--count must be a positive integer (got "-.5")'],
    [['demo', 'echo', '--count', '-2e3', 'hi'], '--count must be a positive integer (got "-2e3")'],
    // Other dash-words stay flags; the message says how to pass one as a value.
    [['demo', 'echo', '--count', '-x'], '--count needs a value (got the option-like "-x"; to pass it as the value write --count=-x)'],
    // A boolean flag takes no value, so "-1" after it is an (unknown) option.
    [['demo', 'echo', '--loud', '-1'], 'unknown option -1'],
  ])('exits 2 with one error line for %j', async (argv, message) => {
    const c = capture();
    expect(await main(argv, c.io, commands)).toBe(2);
    expect(c.out()).toBe('');
    expect(c.err()).toMatch(/^seqlm: error: [^\n]+\n$/);
    expect(c.err()).toContain(message);
  });

  it('exits 1 with one line for a runtime SeqlmError, and for an unexpected error without its stack', async () => {
    const s = capture({ KIND: 'seqlm' });
    expect(await main(['fail'], s.io, commands)).toBe(1);
    expect(s.err()).toBe('seqlm: error: no corpus here\n');
    const t = capture({});
    expect(await main(['fail'], t.io, commands)).toBe(1);
    expect(t.err()).toBe('seqlm: error: internal error: boom\n');
    const d = capture({ SEQLM_DEBUG: '1' });
    expect(await main(['fail'], d.io, commands)).toBe(1);
    expect(d.err()).toContain('at ');
  });

  it('leaves everything after -- alone', async () => {
    const c = capture();
    expect(await main(['demo', 'echo', '--', '-1'], c.io, commands)).toBe(0);
    expect(c.out()).toBe('-1\n');
  });

  it('passes through the exit code a command returns', async () => {
    expect(await main(['fail'], capture({ KIND: 'code' }).io, commands)).toBe(3);
  });
});
