/** Times as kd prints them: a date in `.time`'s layout, and an uptime `0 days 0:00:01.234`. */
import { BOOT_SYSTEM_TIME } from '../kernel/ke/clock.ts';

/** 100 ns units between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The system time `sinceBoot` (100 ns units) after boot: `Thu Jan  1 00:00:01.500 2026 (UTC + 0:00)`. */
export function kdDate(sinceBoot: number): string {
  const ms = Number((BOOT_SYSTEM_TIME + BigInt(Math.floor(sinceBoot)) - FILETIME_UNIX_EPOCH) / 10_000n);
  const d = new Date(ms);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${clock} ${d.getUTCFullYear()} (UTC + 0:00)`;
}

/** `0 days 0:00:01.234`. */
export function kdUptime(sinceBoot: number): string {
  const totalMs = Math.floor(sinceBoot / 10_000);
  const days = Math.floor(totalMs / 86_400_000);
  const h = Math.floor(totalMs / 3_600_000) % 24;
  const m = Math.floor(totalMs / 60_000) % 60;
  const s = Math.floor(totalMs / 1000) % 60;
  return `${days} days ${h}:${pad(m)}:${pad(s)}.${pad(totalMs % 1000, 3)}`;
}
