/**
 * `!irp Address [Detail]`: an IRP and its stack locations, in memory order (location 1, the bottom
 * driver's, first); `>` marks the current one. Each shows the major and minor function, the flags and
 * control bits, the device and file, the completion routine and context and when it is called
 * (Success Error Cancel, from the control bits; `pending` once a driver marked it pending), the
 * device's driver with the completion routine's symbol, and the four parameters.
 */
import { CommandError, kdNumber, parseNumber, splitArgs, type Command } from '../command.ts';
import { deviceObject, driverName, majorName, minorName, routineSymbol } from '../devices.ts';
import { hex8 } from '../format.ts';
import { IO_TYPE, SL } from '../../nt/io.ts';
import { IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import type { DebugTarget } from '../target.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;

const WHEN: ReadonlyArray<readonly [number, string]> = [
  [SL.INVOKE_ON_SUCCESS, 'Success'],
  [SL.INVOKE_ON_ERROR, 'Error'],
  [SL.INVOKE_ON_CANCEL, 'Cancel'],
  [SL.PENDING_RETURNED, 'pending'],
];

function locationLines(t: DebugTarget, sp: number, current: boolean): string[] {
  const u32 = (o: number) => t.u32(sp + o) ?? 0;
  const major = t.u8(sp + S.MajorFunction) ?? 0;
  const minor = t.u8(sp + S.MinorFunction) ?? 0;
  const flags = t.u8(sp + S.Flags) ?? 0;
  const control = t.u8(sp + S.Control) ?? 0;
  const device = u32(S.DeviceObject);
  const completion = u32(S.CompletionRoutine);
  // A location no driver has used yet is all zeros: kd names neither function.
  const unused = device === 0 && major === 0 && minor === 0;
  const mj = unused ? 'N/A' : (majorName(major) ?? 'N/A');
  const mn = unused ? 'N/A' : (minorName(major, minor) ?? 'N/A');
  const when = WHEN.filter(([bit]) => control & bit).map(([, w]) => w).join(' ');
  const driver = device ? (driverName(t, deviceObject(t, device).driverObject) ?? '') : '';
  const args = [0, 4, 8, 12].map((o) => hex8(u32(S.Parameters + o))).join(' ');
  return [
    `${current ? '>' : ' '}[${mj}(${major.toString(16)}), ${mn}(${minor.toString(16)})]`,
    `${' '.repeat(11)}${flags.toString(16).padStart(2)} ${control.toString(16).padStart(2)} ${hex8(device)} ${hex8(u32(S.FileObject))} ${hex8(t.code(completion))}-${hex8(u32(S.Context))} ${when}`.trimEnd(),
    driver || completion ? `\t       ${driver}\t${routineSymbol(t, completion)}`.trimEnd() : '',
    `\t\t\tArgs: ${args}`,
  ];
}

export const irp: Command = {
  name: '!irp',
  syntax: '!irp Address [Detail]',
  help: 'Display an IRP and its stack locations: functions, device, completion routine and when it runs, arguments (Detail: the IRP\'s fields too).',
  run(t, args) {
    const [a, detail] = splitArgs(args);
    if (a === undefined) throw new CommandError('Usage: !irp Address [Detail]');
    if (detail !== undefined && Number.isNaN(kdNumber(detail))) throw new CommandError(`Couldn't resolve error at '${detail}'`);
    const address = parseNumber(a);
    const type = t.u16(address + I.Type);
    if (type === undefined) throw new CommandError(`${hex8(address)}: Could not read Irp`);
    if (type !== IO_TYPE.IRP) throw new CommandError(`IRP signature does not match, probably not an IRP (${hex8(address)})`);
    const u32 = (o: number) => t.u32(address + o) ?? 0;
    const stackCount = t.u8(address + I.StackCount) ?? 0;
    const currentLocation = t.u8(address + I.CurrentLocation) ?? 0;
    const mdl = u32(I.MdlAddress);
    const buffer = u32(I['AssociatedIrp.SystemBuffer']);
    const out = [
      `Irp is active with ${stackCount} stacks ${currentLocation} is current (= 0x${hex8(u32(I['Tail.CurrentStackLocation']))})`,
      ` ${mdl ? `Mdl=${hex8(mdl)}` : 'No Mdl'}: ${buffer ? `System buffer=${hex8(buffer)}` : 'No System Buffer'}: Thread ${hex8(u32(I['Tail.Thread']))}:  Irp stack trace.`,
      '     cmd  flg cl Device   File     Completion-Context',
    ];
    for (let i = 1; i <= stackCount; i++) out.push(...locationLines(t, address + IRP.size + (i - 1) * IO_STACK_LOCATION.size, i === currentLocation));
    if (detail !== undefined) {
      const i8 = (o: number) => t.u8(address + o) ?? 0;
      out.push(
        '',
        `Irp Flags = ${hex8(u32(I.Flags))}`,
        `IoStatus.Status = ${hex8(u32(I['IoStatus.Status']))}  IoStatus.Information = ${hex8(u32(I['IoStatus.Information']))}`,
        `RequestorMode = ${i8(I.RequestorMode)}  PendingReturned = ${i8(I.PendingReturned)}  Cancel = ${i8(I.Cancel)}  CancelIrql = ${i8(I.CancelIrql)}`,
        `UserIosb = ${hex8(u32(I.UserIosb))}  UserEvent = ${hex8(u32(I.UserEvent))}  UserBuffer = ${hex8(u32(I.UserBuffer))}`,
        `CancelRoutine = ${hex8(t.code(u32(I.CancelRoutine)))}\t${routineSymbol(t, u32(I.CancelRoutine))}`.trimEnd(),
        `Tail.OriginalFileObject = ${hex8(u32(I['Tail.OriginalFileObject']))}`,
      );
    }
    return out;
  },
};
