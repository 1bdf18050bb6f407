/**
 * `!drvobj DriverObject [Flags]`: a DRIVER_OBJECT; 1 (the default) lists its device objects, 2 its
 * entry points and dispatch table, 4 (with 1) each device in detail.
 */
import { CommandError, kdNumber, splitArgs, type Command } from '../command.ts';
import { devicesOf, driverName, majorName, resolveDriver, routineSymbol } from '../devices.ts';
import { hex8 } from '../format.ts';
import { DRIVER_EXTENSION, DRIVER_OBJECT, IRP_MJ_COUNT } from '../../nt/layout.ts';
import type { DebugTarget } from '../target.ts';
import { devobjLines } from './devobj.ts';

const DRV = DRIVER_OBJECT.off;

/** `f7b9e1e4\tbeep!BeepOpen`: the code a pointer calls and its symbol. */
function entry(t: DebugTarget, pointer: number): string {
  const code = pointer === 0 ? 0 : t.code(pointer);
  return `${hex8(code)}\t${routineSymbol(t, pointer)}`.trimEnd();
}

export const drvobj: Command = {
  name: '!drvobj',
  syntax: '!drvobj DriverObject [Flags]',
  help: 'Display a driver object: 1 its device objects (the default), 2 its entry points and dispatch routines, 4 each device in detail.',
  run(t, args) {
    const [a, f] = splitArgs(args);
    if (a === undefined) throw new CommandError('Usage: !drvobj DriverObject [Flags]');
    const flags = f === undefined ? 1 : kdNumber(f);
    if (Number.isNaN(flags)) throw new CommandError(`Couldn't resolve error at '${f}'`);
    const driver = resolveDriver(t, a);
    const name = driverName(t, driver);
    if (name === undefined) throw new CommandError(`${hex8(driver)}: is not a driver object`);
    const out = [`Driver object (${hex8(driver)}) is for:`, ` ${name}`, '', 'Driver Extension List: (id , addr)', ''];
    if (flags & 1) {
      const devices = devicesOf(t, driver);
      out.push('Device Object list:');
      if (flags & 4) for (const d of devices) out.push(...devobjLines(t, d), '');
      else out.push(devices.map(hex8).join('  '));
    }
    if (flags & 2) {
      const u32 = (o: number) => t.u32(driver + o) ?? 0;
      const ext = u32(DRV.DriverExtension);
      const addDevice = ext ? (t.u32(ext + DRIVER_EXTENSION.off.AddDevice) ?? 0) : 0;
      out.push(
        '',
        `DriverEntry:   ${entry(t, u32(DRV.DriverInit))}`,
        `DriverStartIo: ${entry(t, u32(DRV.DriverStartIo))}`,
        `DriverUnload:  ${entry(t, u32(DRV.DriverUnload))}`,
        `AddDevice:     ${entry(t, addDevice)}`,
        '',
        'Dispatch routines:',
      );
      for (let i = 0; i < IRP_MJ_COUNT; i++) {
        out.push(`[${i.toString(16).padStart(2, '0')}] ${(majorName(i) ?? '').padEnd(35)}${entry(t, u32(DRV.MajorFunction + 4 * i))}`);
      }
    }
    return out;
  },
};
