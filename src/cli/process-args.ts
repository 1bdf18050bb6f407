/**
 * `--process NAME[:ARGS]` and `--open-process NAME:ACCESS` of dv run: the user processes the run
 * starts after DriverEntry (in order), and the handles its client opens to them.
 */
import { InvalidArgumentError } from 'commander';
import type { ProcessRequest } from '../system/run.ts';
import { cliNumber } from './args.ts';

export interface ProcessArg {
  readonly image: string;
  readonly commandLine: string;
}

export interface OpenProcessArg {
  readonly image: string;
  readonly access: number;
}

/** An image name ends in a name, not a separator, and holds no character Windows file names refuse. */
const IMAGE_NAME = /^[^<>:"/\\|?*\s]+$/;

/** `NAME[:ARGS]`: ARGS (everything after the first colon) is the command line's tail. */
export function parseProcess(text: string, previous: ProcessArg[] = []): ProcessArg[] {
  const colon = text.indexOf(':');
  const image = colon < 0 ? text : text.slice(0, colon);
  if (!IMAGE_NAME.test(image)) throw new InvalidArgumentError(`'${image}' is not an image name (e.g. notepad.exe)`);
  return [...previous, { image, commandLine: colon < 0 ? '' : text.slice(colon + 1) }];
}

/** `NAME:ACCESS`: open the process started as NAME with ACCESS (hex, kd's rule). */
export function parseOpenProcess(text: string, previous: OpenProcessArg[] = []): OpenProcessArg[] {
  const colon = text.lastIndexOf(':');
  const access = colon < 0 ? undefined : cliNumber(text.slice(colon + 1));
  if (colon <= 0 || access === undefined) throw new InvalidArgumentError(`'${text}' is not NAME:ACCESS (e.g. notepad.exe:1fffff)`);
  return [...previous, { image: text.slice(0, colon), access }];
}

/** The run's process requests; an --open-process naming no --process is a usage error. */
export function processRequests(processes: readonly ProcessArg[], opens: readonly OpenProcessArg[]): ProcessRequest[] {
  const requests = processes.map((p) => ({ image: p.image, commandLine: p.commandLine, open: [] as number[] }));
  for (const o of opens) {
    const target = requests.find((r) => r.image.toLowerCase() === o.image.toLowerCase());
    if (!target) throw new InvalidArgumentError(`--open-process ${o.image}: no --process ${o.image} to open`);
    target.open.push(o.access);
  }
  return requests;
}
