/**
 * The corpus runner's worker process: takes projects one at a time from its parent, builds and runs
 * each, and sends back the result. A separate process so a run that never returns, or takes the
 * process down, costs one project and not the corpus (the parent kills it at its time limit).
 */
import { processProject } from './project-run.ts';
import type { ToChild, FromChild } from './pool.ts';

const send = (m: FromChild) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

process.on('message', (m: ToChild) => {
  if (m.type === 'exit') process.exit(0);
  void (async () => {
    let result;
    try {
      result = await processProject(m.project, m.root, (phase) => void send({ type: 'phase', phase }), m.settings);
    } catch (e) {
      // processProject charges the driver's faults to the driver; anything reaching here is ours.
      await send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    await send({ type: 'result', result });
  })();
});
