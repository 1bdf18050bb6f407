/**
 * `!wdfkd.wdfdriverinfo [Driver [Flags]]` and `!wdfkd.wdfldr`: a KMDF driver's globals and object
 * tree (its devices, their contexts and queues), and the framework library with its clients.
 * WdfBindInfo: our drivers bind by direct imports (src/wdf/README.md), so there is no WDF_BIND_INFO
 * to show; the line says so. Our FxDriverGlobals is the WDF_DRIVER_GLOBALS block itself.
 */
import { WDF_LIBRARY_MODULE, WDF_LIBRARY_VERSION } from '../../nt/wdf.ts';
import { CommandError, kdNumber, splitArgs } from '../command.ts';
import type { WdfClientSnapshot } from '../dump.ts';
import { routineSymbol } from '../devices.ts';
import type { DebugTarget } from '../target.ts';
import { client, contextLines, h, handleTypeName, wdfCommand, type WdfObjectSnapshot } from './wdfcommon.ts';

const RULE = '----------------------------------';
const VERSION = `v${WDF_LIBRARY_VERSION.major}.${WDF_LIBRARY_VERSION.minor}`;

/** The handle tree under `o` (flag 0x10): each object, indented by depth (each once, should a damaged dump make a cycle). */
function treeLines(c: WdfClientSnapshot, o: WdfObjectSnapshot, depth: number, seen = new Set<number>()): string[] {
  seen.add(o.handle);
  const children = c.objects.filter((x) => x.parent === o.handle && !seen.has(x.handle));
  return [`${'    '.repeat(depth)}!wdfhandle ${h(o.handle)} (${handleTypeName(o.type)})`, ...children.flatMap((x) => treeLines(c, x, depth + 1, seen))];
}

function driverInfoLines(c: WdfClientSnapshot, flags: number): string[] {
  const out = [RULE, `Default driver image name: ${c.name}`, `WDF library image name: ${WDF_LIBRARY_MODULE}`, ` FxDriverGlobals  ${h(c.globals)}`, ` WdfBindInfo      none (bound by direct imports)`, `   Version        ${VERSION} build(${WDF_LIBRARY_VERSION.build})`, RULE];
  const driver = c.objects.find((o) => o.handle === c.driver);
  if (!driver) return [...out, 'WDFDRIVER: none (WdfDriverCreate has not run, or the driver object is gone)', RULE];
  out.push(`WDFDRIVER: ${h(driver.handle)}`);
  if (flags & 0x20) out.push(...contextLines(driver, '    '));
  for (const d of c.devices) {
    const o = c.objects.find((x) => x.handle === d.handle);
    out.push(`    !WDFDEVICE ${h(d.handle)}`);
    const ctx = o ? contextLines(o, '        ') : [];
    out.push(...(ctx.length > 0 ? ctx : ['        <no associated attribute callbacks>']));
    for (const q of c.queues.filter((x) => x.device === d.handle)) out.push(`        !WDFQUEUE ${h(q.handle)}`);
    out.push('');
  }
  out.push(RULE);
  if (flags & 0x1) {
    out.push(`WDF Verifier settings for ${c.name}.sys is ${c.verifierOn ? 'ON' : 'OFF'}`);
    const counts = new Map<string, number>();
    for (const o of c.objects) counts.set(handleTypeName(o.type), (counts.get(handleTypeName(o.type)) ?? 0) + 1);
    out.push('Object counts:', ...[...counts].sort(([a], [b]) => a.localeCompare(b)).map(([n, k]) => `  ${n.padEnd(16)} ${k}`), RULE);
  }
  if (flags & 0x10) {
    out.push('WDF handle tree:', ...treeLines(c, driver, 1));
    for (const orphan of c.objects.filter((o) => o.parent === 0 && o.handle !== driver.handle)) out.push(...treeLines(c, orphan, 1));
    out.push(RULE);
  }
  if (flags & 0x200) {
    // What would leak if the driver unloaded now: objects outside the WDFDRIVER's tree.
    const leaked = c.objects.filter((o) => o.parent === 0 && o.handle !== driver.handle);
    out.push(`Leaked handles: ${leaked.length}`, ...leaked.map((o) => `  !wdfhandle ${h(o.handle)} (${handleTypeName(o.type)})`), RULE);
  }
  return out;
}

export const wdfdriverinfo = wdfCommand('wdfdriverinfo', {
  syntax: '!wdfkd.wdfdriverinfo [Driver [Flags]]',
  help: 'A KMDF driver: its globals, WDFDRIVER, devices with their contexts and queues; flags 0x1 verifier and object counts, 0x10 the handle tree, 0x20 contexts, 0x200 leaked handles.',
  run(t, args) {
    const [name, f] = splitArgs(args);
    const flags = f === undefined ? 0 : kdNumber(f);
    if (Number.isNaN(flags)) throw new CommandError(`Couldn't resolve error at '${f}'`);
    return driverInfoLines(client(t, name), flags);
  },
});

export const wdfldr = wdfCommand('wdfldr', {
  syntax: '!wdfkd.wdfldr',
  help: 'The KMDF library (Wdf01000.sys): its version and image, and the client drivers bound to it.',
  run(t) {
    const lib = t.modules.find((m) => m.name === WDF_LIBRARY_MODULE);
    if (!lib) throw new CommandError(`${WDF_LIBRARY_MODULE} is not loaded in this dump (no KMDF driver ran)`);
    const list = t.dump.wdf?.clients ?? [];
    const out = [RULE, 'KMDF Libraries:', RULE, `LIBRARY_MODULE  ${h(lib.base)}`, `  Version       ${VERSION}`, `  Service       \\Registry\\Machine\\System\\CurrentControlSet\\Services\\${WDF_LIBRARY_MODULE}`, `  ImageName     ${lib.imageName}`, `  ImageAddress  ${h(lib.base)}`, `  ImageSize     ${h(lib.size)}`, `  Associated Clients: ${list.length}`, ''];
    out.push(`  ${'ImageName'.padEnd(24)} ${'Ver'.padEnd(6)} ${'WdfGlobals'.padEnd(10)} ${'FxGlobals'.padEnd(10)} ${'ImageAddress'.padEnd(12)} ImageSize`);
    for (const c of list) {
      const m = t.modules.find((x) => x.name === c.name);
      out.push(`  ${`${c.name}.sys`.padEnd(24)} ${VERSION.padEnd(6)} ${h(c.globals).padEnd(10)} ${h(c.globals).padEnd(10)} ${h(m?.base ?? 0).padEnd(12)} ${h(m?.size ?? 0)}`);
    }
    out.push(RULE, 'Total: 1 library loaded');
    return out;
  },
});

/** `EvtIoRead: (0x0000001c) KmdfNonPnp!KmdfNonPnpEvtIoRead`. */
export function callbackLine(t: DebugTarget, name: string, pointer: number): string {
  return `${name}: (${h(pointer)}) ${routineSymbol(t, pointer) || '<no symbol>'}`;
}
