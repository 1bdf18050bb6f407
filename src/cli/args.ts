/**
 * The values of dv's command-line options. Numbers follow one rule, kd's (debugger/command.ts):
 * hex by default, as the Windows tools read control codes and verifier flags (`222003` and
 * `0x222003` are the same IOCTL code), and `0n` for decimal (`0n16`).
 */
import { InvalidArgumentError } from 'commander';
import { kdNumber } from '../debugger/command.ts';
import type { IoctlRequest } from '../system/run.ts';
import { parseFlags, SettingsError } from '../verifier/settings.ts';

/** The rule as the help states it. */
export const NUMBER_RULE = 'hex, with or without 0x (222003 = 0x222003); write 0n for decimal (0n16)';

/** A number of dv's command line in [0, max], or undefined if `text` is not one. */
export function cliNumber(text: string, max = 0xffffffff): number | undefined {
  const v = kdNumber(text);
  return Number.isSafeInteger(v) && v >= 0 && v <= max ? v : undefined;
}

const HEX_BYTES = /^([0-9a-fA-F]{2})*$/;
const MAX_OUTPUT = 0x100000;

/** `CODE[:INPUT_HEX[:OUTPUT_LENGTH[:OUTPUT_HEX]]]`, appended to the requests given so far. */
export function parseIoctl(text: string, previous: IoctlRequest[] = []): IoctlRequest[] {
  const [codeS = '', inputS = '', lenS = '0', initS] = text.split(':');
  const code = cliNumber(codeS);
  if (code === undefined) throw new InvalidArgumentError(`'${codeS}' is not an IOCTL code (hex, e.g. 222003 or 0x222003)`);
  if (!HEX_BYTES.test(inputS)) throw new InvalidArgumentError(`input '${inputS}' is not hex bytes (e.g. 0011aabb)`);
  const outputLength = cliNumber(lenS, MAX_OUTPUT);
  if (outputLength === undefined) throw new InvalidArgumentError(`output length '${lenS}' is not a byte count up to 0x100000 (hex; 0n for decimal)`);
  if (initS !== undefined && !HEX_BYTES.test(initS)) throw new InvalidArgumentError(`output buffer contents '${initS}' are not hex bytes`);
  const outputInit = initS === undefined ? undefined : Buffer.from(initS, 'hex');
  return [...previous, { code: code >>> 0, input: Buffer.from(inputS, 'hex'), outputLength, outputInit }];
}

/** `standard`, `off`, or flags as a number of the command line's rule. */
export function parseVerifier(text: string): number | undefined {
  if (/^(off|none)$/i.test(text)) return undefined;
  const n = cliNumber(text);
  try {
    // verifier.exe's own syntax ('standard', hex) is parseFlags'; a 0n value reaches it as hex.
    return parseFlags(n === undefined || !/^\s*0n/i.test(text) ? text : `0x${n.toString(16)}`);
  } catch (e) {
    throw new InvalidArgumentError((e as SettingsError).message);
  }
}
