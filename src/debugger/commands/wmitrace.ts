/**
 * `!wmitrace.logdump [-t Count] [LoggerId|LoggerName]`: the WPP messages of the trace session in the
 * dump, one line each with tracefmt's default prefix (kernel/etw/prefix.ts). The machine has one
 * session, logger 1 (logdump's default); its messages were formatted when logged with the TMFs the
 * images carried, so no search path or TMF file is asked for. Microsoft's page gives the syntax, not
 * a sample of the output: the header and trailer lines follow the extension's wording as we know it.
 */
import { traceLine } from '../../kernel/etw/prefix.ts';
import { WPP_LOGGER_ID } from '../../kernel/etw/session.ts';
import { CommandError, parseNumber, splitArgs, type Command } from '../command.ts';

/** The session's name, as `tracelog -start` would have been given it. */
export const WPP_LOGGER_NAME = 'DvWppSession';

export const wmitraceLogdump: Command = {
  name: '!wmitrace.logdump',
  syntax: '!wmitrace.logdump [-t Count] [LoggerId|LoggerName]',
  help: "Display the WPP trace session's messages (logger 1): [CPU]PID.TID::time [file]text; -t Count, the last Count.",
  run(t, args) {
    const words = splitArgs(args);
    let count: number | undefined;
    let logger: string | undefined;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (w.toLowerCase() === '-t') {
        const n = words[++i];
        count = n === undefined ? undefined : parseNumber(n);
        if (count === undefined) throw new CommandError('-t needs a message count');
      } else if (logger === undefined) logger = w;
      else throw new CommandError(`unexpected argument '${w}': a TMF file is not needed, the messages are formatted`);
    }
    const id = logger === undefined ? WPP_LOGGER_ID : /^\w+$/.test(logger) && logger.toLowerCase() === WPP_LOGGER_NAME.toLowerCase() ? WPP_LOGGER_ID : parseNumber(logger);
    if (id !== WPP_LOGGER_ID) throw new CommandError(`Logger ${logger} is not running: the machine's one trace session is logger ${WPP_LOGGER_ID} (${WPP_LOGGER_NAME}).`);
    const trace = t.dump.trace;
    const records = trace?.records ?? [];
    const shown = count === undefined ? records : records.slice(Math.max(0, records.length - count));
    const out = [`(WmiTrace)LogDump for Logger Id 0x${WPP_LOGGER_ID.toString(16).padStart(2, '0')}`];
    out.push(`Found Buffers: 1 Messages: ${records.length}, sorted entries: ${shown.length}`);
    if (trace && trace.lost > 0) out.push(`Lost Messages: ${trace.lost} (the oldest, dropped from a full log)`);
    for (const r of shown) out.push(traceLine(r));
    out.push(`Total of ${shown.length} Messages from 1 Buffers`);
    return out;
  },
};
