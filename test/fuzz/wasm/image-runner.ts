/**
 * Runs image loads in a worker thread with a host-time limit per image: an image whose load never
 * ends is reported as a hang (the worker is terminated and replaced), never hangs the test.
 */
import { Worker } from 'node:worker_threads';
import type { ImageOutcome } from './load-image.ts';

export type RunnerOutcome = ImageOutcome | { readonly kind: 'host-hang'; readonly message: string };

export class ImageRunner {
  private worker?: Worker;
  private next = 0;

  constructor(private readonly limitMs = 30_000) {}

  private start(): Worker {
    if (!this.worker) {
      // The worker registers tsx itself: Node 20 does not pass `--import tsx` hooks on to workers.
      const entry = new URL('./load-worker.ts', import.meta.url).href;
      const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
      this.worker = new Worker(boot, { eval: true });
      this.worker.unref();
    }
    return this.worker;
  }

  load(bytes: Uint8Array): Promise<RunnerOutcome> {
    const w = this.start();
    const id = ++this.next;
    return new Promise((resolve) => {
      const done = (o: RunnerOutcome) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        resolve(o);
      };
      const onMessage = (m: { id: number; outcome: ImageOutcome }) => m.id === id && done(m.outcome);
      const onError = (e: Error) => {
        this.worker = undefined;
        done({ kind: 'failure', message: `the load worker died: ${e.name}: ${e.message}` });
      };
      const timer = setTimeout(() => {
        void w.terminate();
        this.worker = undefined;
        done({ kind: 'host-hang', message: `no verdict within ${this.limitMs} ms of host time` });
      }, this.limitMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ id, bytes });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
