/**
 * CPU time of the workerd processes that `wrangler dev` started, read from
 * /proc (Linux): what Workers bills a request against its CPU limit is the
 * isolate's CPU, and the workerd process holds the isolate. Wall time would
 * count waiting for the other processes of a loaded 2-core machine.
 *
 * /proc counts in clock ticks (10 ms at the usual 100 Hz), so a figure per
 * request is the difference over many requests divided by their number. It
 * includes workerd's own HTTP and dev-proxy work, so it errs high.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  comm: string;
  pgrp: number;
  /** utime + stime, in ms. */
  cpuMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after the last ')' are space-separated.
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // After comm: state(0) ppid(1) pgrp(2) ... utime(11) stime(12).
    return {
      pid,
      comm: text.slice(open + 1, close),
      pgrp: Number(fields[2]),
      cpuMs: ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000,
    };
  } catch {
    return undefined; // gone, or not Linux
  }
}

/** The workerd processes in process group `pgid` (wrangler dev leads its own group when spawned detached). */
export function workerdPids(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map((e) => readStat(Number(e)))
    .filter((s): s is ProcStat => s !== undefined && s.pgrp === pgid && s.comm.startsWith('workerd'))
    .map((s) => s.pid);
}

/** Total CPU ms used so far by `pids`. */
export function cpuMsOf(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) total += readStat(pid)?.cpuMs ?? 0;
  return total;
}
