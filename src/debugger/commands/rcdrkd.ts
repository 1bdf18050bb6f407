/**
 * The WPP recorder's extension (rcdrkd): `!rcdrkd.rcdrloglist [Driver]` lists the recorder logs in the
 * dump, each with the command that dumps it; `!rcdrkd.rcdrlogdump Driver [-a Address]` dumps a
 * driver's logs merged in the order they were written (-a: one log), in the layout of the
 * extension's documented example, with its default prefix `%7!u!: %!FUNC! - `. The messages were formatted with the images' TMFs when logged, so no
 * TMF search path is asked for (the line says so). Also `!rcdrloglist` and `!rcdrlogdump`.
 */
import type { CrashDump } from '../dump.ts';
import { CommandError, driversAndAddress, splitArgs, type Command } from '../command.ts';
import { h } from './wdfcommon.ts';

type Log = NonNullable<CrashDump['recorder']>['logs'][number];

/** `KmdfRecorder`, `KmdfRecorder.sys` or its path: the driver's name as the recorder knows it. */
const driverName = (word: string) => word.replace(/^.*[\\/]/, '').replace(/\.sys$/i, '').toLowerCase();

export const rcdrloglist: Command = {
  name: '!rcdrkd.rcdrloglist',
  aliases: ['!rcdrloglist'],
  syntax: '!rcdrkd.rcdrloglist [Driver]',
  help: "List the WPP recorder's logs (all drivers', or one driver's): the command that dumps each, its name and buffer size.",
  run(t, args) {
    const words = splitArgs(args);
    if (words.length > 1) throw new CommandError('Usage: !rcdrkd.rcdrloglist [Driver]');
    const logs = (t.dump.recorder?.logs ?? []).filter((l) => words[0] === undefined || l.driver.toLowerCase() === driverName(words[0]!));
    if (logs.length === 0) return [words[0] === undefined ? 'No recorder logs in this dump (no driver started a WPP recorder)' : `No recorder logs of ${words[0]} in this dump`];
    const rows = logs.map((l) => [`!rcdrlogdump ${l.driver}.sys -a ${h(l.address)}`, l.identifier + (l.isDefault ? ' (default)' : ''), String(l.size)]);
    const width = Math.max('Log dump command'.length, ...rows.map((r) => r[0]!.length)) + 2;
    const idWidth = Math.max('Log ID'.length, ...rows.map((r) => r[1]!.length)) + 2;
    const line = (a: string, b: string, c: string) => `${a.padEnd(width)}${b.padEnd(idWidth)}${c}`;
    return [line('Log dump command', 'Log ID', 'Size'), line('================', '======', '===='), ...rows.map((r) => line(r[0]!, r[1]!, r[2]!))];
  },
};

export const rcdrlogdump: Command = {
  name: '!rcdrkd.rcdrlogdump',
  aliases: ['!rcdrlogdump'],
  syntax: '!rcdrkd.rcdrlogdump Driver [-a Address]',
  help: "Dump a driver's WPP recorder logs, merged oldest message first (-a: only the log at Address, as !rcdrloglist names it).",
  run(t, args) {
    const { names, at } = driversAndAddress(args, '!rcdrkd.rcdrlogdump Driver [-a Address]');
    if (names.length !== 1) throw new CommandError('Usage: !rcdrkd.rcdrlogdump Driver [-a Address]');
    const driver = driverName(names[0]!);
    const mine = (t.dump.recorder?.logs ?? []).filter((l) => l.driver.toLowerCase() === driver);
    if (mine.length === 0) throw new CommandError(`No recorder logs of ${names[0]} in this dump (!rcdrloglist lists those there are)`);
    let logs: readonly Log[] = mine;
    if (at !== undefined) {
      const one = mine.find((l) => l.address === at);
      if (!one) throw new CommandError(`${h(at)} is not a recorder log of ${names[0]} (!rcdrloglist ${names[0]} lists them)`);
      logs = [one];
    }
    const records = logs.flatMap((l) => l.records).sort((a, b) => a.sequence - b.sequence);
    const lost = logs.reduce((n, l) => n + l.lost, 0);
    return [
      'Trace searchpath is: ',
      '',
      'Trace format prefix is: %7!u!: %!FUNC! - ',
      'TMF file used for formatting the log is: none (the messages were formatted when logged)',
      ...(lost > 0 ? [`${lost} older messages were overwritten before these`] : []),
      '--- start of log ---',
      ...records.map((r) => `${r.sequence}: ${r.func ?? '<unknown>'} - ${r.text}`),
      '---- end of log ----',
    ];
  },
};
