/** `vertarget`: the target's version, processors, kernel base, time and uptime. */
import { NT_VERSION } from '../../kernel/ps/version.ts';
import type { Command } from '../command.ts';
import { hex8 } from '../format.ts';
import { kdDate, kdUptime } from '../time.ts';

/** kd names every NT 10 kernel (Windows 11 too) `Windows 10 Kernel Version <build>`; the build is the one RtlGetVersion reports. */
const KERNEL_VERSION = `Windows ${NT_VERSION.major} Kernel Version ${NT_VERSION.build}`;

export const vertarget: Command = {
  name: 'vertarget',
  syntax: 'vertarget',
  help: 'Display the target: kernel version, processors, build, kernel base, the session time and the uptime.',
  run(t) {
    const { processors, build, time } = t.dump.system;
    const nt = t.modules.find((m) => m.name === 'nt');
    return [
      `${KERNEL_VERSION} ${processors > 1 ? 'MP' : 'UP'} (${processors} procs) Free x86 compatible`,
      `Built by: ${build}`,
      'Machine Name:',
      `Kernel base = 0x${hex8(nt?.base ?? 0)}`,
      `Debug session time: ${kdDate(time)}`,
      `System Uptime: ${kdUptime(time)}`,
    ];
  },
};
