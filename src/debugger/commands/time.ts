/** `.time`: the session time (the simulated clock when the dump was taken) and the system uptime. */
import type { Command } from '../command.ts';
import { kdDate, kdUptime } from '../time.ts';

export const time: Command = {
  name: '.time',
  syntax: '.time',
  help: 'Display the time of the dump (the simulated clock) and how long the machine had been up.',
  run(t) {
    return [`Debug session time: ${kdDate(t.dump.system.time)}`, `System Uptime: ${kdUptime(t.dump.system.time)}`];
  },
};
