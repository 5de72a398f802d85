/** CPU accounting of the benchmarks' processes, from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of a process so far, from /proc; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Pids of the processes whose command name is `comm` (PostgreSQL's backends, Redis). */
export function pidsOf(comm: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim().startsWith(comm);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The processes of each part of the pipeline, looked up again at every reading (pools start backends late). */
export type Parts = Record<string, () => number[]>;

/** CPU seconds of every process of every part, now. */
export function cpuSnapshot(parts: Parts): Record<string, Map<number, number>> {
  return Object.fromEntries(
    Object.entries(parts).map(([name, pids]) => [name, new Map(pids().map((pid) => [pid, cpuSeconds(pid)]))]),
  );
}

/** Share of one core each part used between two snapshots (a process started in between counts from zero). */
export function cpuShares(
  before: Record<string, Map<number, number>>,
  after: Record<string, Map<number, number>>,
  seconds: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([name, pids]) => {
      let used = 0;
      for (const [pid, cpu] of pids) used += cpu - (before[name]?.get(pid) ?? 0);
      return [name, Math.round((used / seconds) * 100) / 100];
    }),
  );
}
