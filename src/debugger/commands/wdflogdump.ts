/**
 * `!wdfkd.wdflogdump [Driver] [-a Address]` (also `!wdflogdump`): a driver's in-flight recorder,
 * read from the dump's memory, in the extension's layout: the search path and format lines, where
 * the log is, how many entries, then `seq: Class::Method - text` oldest first. Our records carry
 * their text, so no TMF file is used (the line says so).
 */
import { readIfrLog, type IfrLog } from '../../nt/wdf-ifr.ts';
import { CommandError, driversAndAddress } from '../command.ts';
import { client, h, wdfCommand } from './wdfcommon.ts';

/** `12: FxRequest::Complete - ...` for each record. */
const ifrLines = (log: IfrLog): string[] => log.records.map((r) => `${r.sequence}: ${r.text}`);

export const wdflogdump = wdfCommand('wdflogdump', {
  syntax: '!wdfkd.wdflogdump [Driver] [-a Address]',
  help: "Dump a KMDF driver's in-flight recorder (the framework's log of its events), oldest entry first; -a reads the log at a WDF_IFR_HEADER address.",
  run(t, args) {
    const { names, at } = driversAndAddress(args, '!wdfkd.wdflogdump [Driver] [-a Address]', ' (the -d and -f options read logs saved on Windows)');
    if (names.length > 1) throw new CommandError('Usage: !wdfkd.wdflogdump [Driver] [-a Address]');
    const header = at ?? client(t, names[0]).ifr;
    const log = readIfrLog(t, header);
    if (!log) throw new CommandError(`No in-flight recorder log at ${h(header)} (its header is not in the dump, or not a log's)`);
    return [
      'Trace searchpath is: ',
      '',
      'Trace format prefix is: %7!u!: %!FUNC! - ',
      'TMF file used for formatting IFR log is: none (the framework records its messages as text)',
      `Log at ${h(header)}`,
      `Gather log: Please wait, this may take a moment (reading ${log.size} bytes).`,
      `There are ${log.records.length} log entries`,
      '--- start of log ---',
      ...ifrLines(log),
      '---- end of log ----',
    ];
  },
});
