/** Worker side of the image fuzzer: loads the images it is sent, one at a time (a hang stays in here). */
import { parentPort } from 'node:worker_threads';
import { loadImage } from './load-image.ts';

parentPort!.on('message', async (job: { id: number; bytes: Uint8Array }) => {
  parentPort!.postMessage({ id: job.id, outcome: await loadImage(job.bytes) });
});
