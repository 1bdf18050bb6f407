/**
 * The corpus on disk (`dv fuzz --corpus DIR`): each input that ran something new is a file of its own, named by
 * its content's hash, holding its requests as a scenario's steps; a later run reads them back and starts from
 * them, so a long campaign can stop and resume (libFuzzer's corpus folders). A file that is not one of ours
 * is an error naming it: nothing is guessed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceRequest } from '../system/run.ts';
import { SimulatorError } from '../kernel/errors.ts';
import { requestStep, withCaller, type Session } from './input.ts';
import { BAD_POINTERS, type BadPointer, type CallerBuffers } from '../kernel/io/caller-buffers.ts';

export class CorpusError extends SimulatorError {}

const HEX = /^([0-9a-fA-F]{2})*$/;

export function saveInput(dir: string, session: Session): void {
  const text = JSON.stringify({ requests: session.map(requestStep) }) + '\n';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${createHash('sha1').update(text).digest('hex')}.json`), text);
}

/** The inputs saved in `dir` (none if it does not exist yet), in name order. */
export function loadInputs(dir: string): Session[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CorpusError(`cannot read the corpus folder ${dir}: ${(e as Error).message}`);
  }
  return names.map((n) => {
    const file = join(dir, n);
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { requests?: unknown };
      if (!Array.isArray(doc.requests)) throw new Error('no requests array');
      return doc.requests.map(request);
    } catch (e) {
      throw new CorpusError(`${file} is not a dv fuzz corpus input: ${(e as Error).message}`);
    }
  });
}

const bytes = (v: unknown, what: string): Uint8Array => {
  if (v === undefined) return new Uint8Array(0);
  if (typeof v !== 'string' || !HEX.test(v)) throw new Error(`${what} is not hex bytes`);
  return new Uint8Array(Buffer.from(v, 'hex'));
};
const count = (v: unknown, what: string): number => {
  if (v === undefined) return 0;
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 0xffffffff) throw new Error(`${what} is not a length`);
  return v as number;
};

function request(step: unknown): DeviceRequest {
  const s = step as Record<string, Record<string, unknown> | undefined>;
  if (s.ioctl) {
    const code = typeof s.ioctl.code === 'string' && /^0x[0-9a-fA-F]{1,8}$/.test(s.ioctl.code) ? Number.parseInt(s.ioctl.code.slice(2), 16) : NaN;
    if (Number.isNaN(code)) throw new Error('an ioctl without a hex code');
    const outputInit = s.ioctl.output === undefined ? undefined : bytes(s.ioctl.output, 'output');
    const caller = callerOf(s.ioctl);
    return { kind: 'ioctl', code, input: bytes(s.ioctl.input, 'input'), outputLength: count(s.ioctl.outputLength, 'outputLength'), ...(outputInit ? { outputInit } : {}), ...(caller ? { caller } : {}) };
  }
  if (s.read) return { kind: 'read', length: count(s.read.length, 'read length') };
  if (s.write) return { kind: 'write', data: bytes(s.write.data, 'write data') };
  throw new Error('a request that is not an ioctl, read or write');
}

const pointer = (v: unknown, what: string): BadPointer | undefined => {
  if (v === undefined) return undefined;
  if (!(BAD_POINTERS as readonly unknown[]).includes(v)) throw new Error(`${what} is not one of ${BAD_POINTERS.join(', ')}`);
  return v as BadPointer;
};

/** The caller's lies an ioctl carries (input.ts callerFields wrote them). */
function callerOf(io: Record<string, unknown>): CallerBuffers | undefined {
  const race = io.race as Record<string, unknown> | undefined;
  if (race !== undefined && (typeof race !== 'object' || !Number.isInteger(race.call) || (race.call as number) < 1)) throw new Error('a race without a call number');
  return withCaller(undefined, {
    inputLength: io.inputLength === undefined ? undefined : count(io.inputLength, 'inputLength'),
    outputSize: io.outputSize === undefined ? undefined : count(io.outputSize, 'outputSize'),
    inputPointer: pointer(io.inputPointer, 'inputPointer'),
    outputPointer: pointer(io.outputPointer, 'outputPointer'),
    race: race === undefined ? undefined : { call: race.call as number, offset: count(race.offset, 'race offset'), data: bytes(race.data, 'race data') },
  });
}
