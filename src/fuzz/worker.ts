/**
 * One worker of `dv fuzz --jobs N` (jobs.ts starts it): fuzz() on a machine of its own, its share of the
 * run (claims, corpus, findings, status) going through the parent thread's messages.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { SimulatorError } from '../kernel/errors.ts';
import type { WatchdogLimits } from '../kernel/ke/watchdog.ts';
import { fuzz, type Finding, type FuzzResult, type FuzzShare, type FuzzStatus } from './fuzzer.ts';
import type { Session } from './input.ts';

/** What a worker fuzzes: the run's options, its own seed and its share of the inputs. */
export interface WorkerOptions {
  readonly driver: string;
  readonly flags: number;
  readonly ioctls?: readonly number[];
  readonly seed: number;
  readonly runs?: number;
  readonly timeMs?: number;
  readonly corpusDir?: string;
  readonly outDir?: string;
  readonly recycle?: number;
  readonly limits?: Partial<WatchdogLimits>;
  readonly valueProfile?: boolean;
}

export type ToWorker =
  | { readonly t: 'answer'; readonly id: number; readonly value: number }
  | { readonly t: 'input'; readonly session: Session }
  | { readonly t: 'stop' };

export type FromWorker =
  | { readonly t: 'claim' | 'number'; readonly id: number; readonly bucket: string }
  | { readonly t: 'novel'; readonly session: Session }
  | { readonly t: 'status'; readonly status: FuzzStatus; readonly coverage: Uint8Array }
  | { readonly t: 'finding'; readonly finding: Finding }
  | { readonly t: 'done'; readonly result: FuzzResult; readonly coverage: Uint8Array }
  | { readonly t: 'failed'; readonly message: string; readonly usage: boolean; readonly stack?: string };

/** A status message at most this often (ms): the parent's status line needs no more. */
const STATUS_EVERY_MS = 100;

async function runWorker(o: WorkerOptions): Promise<void> {
  const port = parentPort!;
  const send = (m: FromWorker) => port.postMessage(m);
  const answers = new Map<number, (value: number) => void>();
  let nextId = 0;
  let incoming: Session[] = [];
  let stop = false;
  let coverage: Uint8Array = new Uint8Array(0);
  let sent = -Infinity;
  port.on('message', (m: ToWorker) => {
    if (m.t === 'answer') {
      answers.get(m.id)?.(m.value);
      answers.delete(m.id);
    } else if (m.t === 'input') incoming.push(m.session);
    else stop = true;
  });
  const ask = (t: 'claim' | 'number', bucket: string) =>
    new Promise<number>((resolve) => {
      const id = ++nextId;
      answers.set(id, resolve);
      send({ t, id, bucket });
    });
  const share: FuzzShare = {
    claim: async (bucket) => (await ask('claim', bucket)) !== 0,
    number: (bucket) => ask('number', bucket),
    novel: (session) => send({ t: 'novel', session }),
    incoming: () => {
      const got = incoming;
      if (got.length > 0) incoming = [];
      return got;
    },
    status: (status, bits) => {
      coverage = bits;
      if (status.elapsedMs - sent < STATUS_EVERY_MS) return;
      sent = status.elapsedMs;
      send({ t: 'status', status, coverage: bits });
    },
  };
  try {
    const result = await fuzz({ ...o, share, stopRequested: () => stop, onFinding: (finding) => send({ t: 'finding', finding }) });
    send({ t: 'done', result: { ...result, findings: [] }, coverage });
  } catch (e) {
    const error = e as Error;
    send({ t: 'failed', message: error.message, usage: e instanceof SimulatorError, stack: error.stack });
  }
}

const options = (workerData as { dvFuzzWorker?: WorkerOptions } | null)?.dvFuzzWorker;
if (!isMainThread && options) await runWorker(options);
