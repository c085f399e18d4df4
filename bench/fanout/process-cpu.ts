import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's CPU times: USER_HZ, 100 on every Linux architecture Node runs on. */
const USER_HZ = 100

/**
 * CPU seconds (user + system) the processes have used so far, read from `/proc/<pid>/stat`, at a
 * resolution of 10 ms; undefined where there is no /proc (not Linux) or a process has exited.
 * @example const before = cpuSecondsOf(pids); ...; const used = (cpuSecondsOf(pids) ?? NaN) - (before ?? NaN)
 */
export function cpuSecondsOf(pids: readonly number[]): number | undefined {
  let ticks = 0
  for (const pid of pids) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      return undefined
    }
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields 14 (utime) and 15 (stime) of proc(5), counted from field 3 (state) here.
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return Number.isFinite(ticks) ? ticks / USER_HZ : undefined
}
