/** dv run's low resources simulation options: --seed, --fault-probability, --fault-delay, --fault-tags, --faults. */
import { InvalidArgumentError } from 'commander';
import { TICKS_PER_MS } from '../kernel/ke/clock.ts';
import { poolTag } from '../nt/pool.ts';
import type { FaultSettings } from '../verifier/faults.ts';
import { VF } from '../verifier/flags.ts';
import { cliNumber } from './args.ts';
import { parseDuration } from './duration.ts';

export interface FaultArgs {
  readonly seed?: number;
  readonly faultProbability?: number;
  readonly faultDelay?: number;
  readonly faultTags?: readonly number[];
  readonly faults?: 'exhaustive';
}

/** A seed: a 32-bit number of the command line's rule (hex; 0n for decimal). */
export function parseSeed(text: string): number {
  const n = cliNumber(text);
  if (n === undefined) throw new InvalidArgumentError(`'${text}' is not a seed: a 32-bit number (hex, e.g. 1a2b; 0n for decimal)`);
  return n >>> 0;
}

/** `6%`, `0.5%`: the share of calls failed, kept in verifier /faults' unit (1 in 10000). */
export function parseProbability(text: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  const p = m ? Number(m[1]) : NaN;
  if (!(p >= 0 && p <= 100) || Math.round(p * 100) !== p * 100) throw new InvalidArgumentError(`'${text}' is not a probability: a percentage with the % sign, from 0% to 100% in steps of 0.01% (e.g. 6%)`);
  return Math.round(p * 100);
}

/** `Allc,Tag2`: the pool tags whose allocations may fail, as typed (4 characters each). */
export function parseTags(text: string): number[] {
  return text.split(',').map((t) => {
    if (t.length !== 4) throw new InvalidArgumentError(`'${t}' is not a pool tag: 4 characters, as !pool prints them (e.g. Allc)`);
    return poolTag(t);
  });
}

/** A simulated-time duration in NT units (100 ns). */
export const parseDelay = (text: string): number => parseDuration(text) * TICKS_PER_MS;

/**
 * The run's fault settings; a message (a usage error) when an option asks for what the flags do not
 * turn on: the probability, delay and tags are the randomized simulation's (0x4).
 */
export function faultSettings(a: FaultArgs, flags: number | undefined): FaultSettings | string {
  if (a.faults === 'exhaustive' && flags === undefined) return '--faults exhaustive needs Driver Verifier on (--verifier standard, or flags)';
  const randomOnly = [a.faultProbability !== undefined && '--fault-probability', a.faultDelay !== undefined && '--fault-delay', a.faultTags !== undefined && '--fault-tags'].filter(Boolean);
  if (randomOnly.length > 0 && !((flags ?? 0) & VF.RANDOMIZED_LOW_RESOURCES)) {
    return `${randomOnly.join(', ')} set${randomOnly.length === 1 ? 's' : ''} randomized low resources simulation, which is off: add 0x4 to --verifier (e.g. --verifier 0x209bf)`;
  }
  return { seed: a.seed, probability: a.faultProbability, delay: a.faultDelay, tags: a.faultTags };
}
