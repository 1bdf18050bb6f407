/**
 * The requests of `dv run` in command-line order. Commander keeps one array per option, so --ioctl,
 * --read and --write each append to their own; it parses options in argv order, so each request
 * takes the next number of one sequence, and sorting the three arrays by it gives the order typed.
 */
import { InvalidArgumentError } from 'commander';
import { cliNumber, parseIoctl } from './args.ts';
import type { DeviceRequest } from '../system/run.ts';

export interface Sequenced {
  readonly seq: number;
  readonly request: DeviceRequest;
}

const HEX_BYTES = /^([0-9a-fA-F]{2})*$/;
/** The largest read, as for an IOCTL's output. */
const MAX_LENGTH = 0x100000;

/** Parsers for the three options, numbering requests from one sequence. */
export function requestParsers() {
  let next = 0;
  const add = (previous: readonly Sequenced[], request: DeviceRequest): Sequenced[] => [...previous, { seq: next++, request }];
  return {
    ioctl: (text: string, previous: readonly Sequenced[]) => add(previous, { kind: 'ioctl', ...parseIoctl(text)[0]! }),
    read: (text: string, previous: readonly Sequenced[]) => add(previous, { kind: 'read', length: parseReadLength(text) }),
    write: (text: string, previous: readonly Sequenced[]) => add(previous, { kind: 'write', data: parseWriteData(text) }),
  };
}

/** The requests of the three options, as typed. */
export function inOrder(...lists: ReadonlyArray<readonly Sequenced[]>): DeviceRequest[] {
  return lists
    .flat()
    .sort((a, b) => a.seq - b.seq)
    .map((s) => s.request);
}

export function parseReadLength(text: string): number {
  const n = cliNumber(text, MAX_LENGTH);
  if (n === undefined) throw new InvalidArgumentError(`'${text}' is not a byte count up to 0x100000 (hex; 0n for decimal)`);
  return n;
}

export function parseWriteData(text: string): Uint8Array {
  if (!HEX_BYTES.test(text)) throw new InvalidArgumentError(`'${text}' is not hex bytes (e.g. 0011aabb)`);
  if (text.length / 2 > MAX_LENGTH) throw new InvalidArgumentError(`${text.length / 2} bytes is more than a write of 0x100000`);
  return Buffer.from(text, 'hex');
}

/** The name forms --open takes: \Device\X, \??\X, \DosDevices\X, \\.\X. */
const DEVICE_NAME = /^(\\Device\\|\\\?\?\\|\\DosDevices\\|\\GLOBAL\?\?\\|\\\\\.\\)[^\\]+(\\[^\\]+)*$/i;

export function parseOpenName(text: string): string {
  if (!DEVICE_NAME.test(text)) throw new InvalidArgumentError(`'${text}' is not a device name: write \\Device\\X, \\??\\X, \\DosDevices\\X or \\\\.\\X`);
  return text;
}

/** `--open-interface`: an interface class GUID, with or without braces; given back in registry form ({...}, upper case). */
const GUID_TEXT = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

export function parseInterfaceClass(text: string): string {
  const m = GUID_TEXT.exec(text);
  if (!m) throw new InvalidArgumentError(`'${text}' is not an interface class GUID: write {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`);
  return `{${m[1]!.toUpperCase()}}`;
}
