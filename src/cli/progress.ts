/**
 * Progress of a long run (the corpus, the bench): a bar (cli-progress) on a terminal, where it redraws in
 * place; plain lines in a CI log or a pipe, where a bar would be a screenful of control codes. Either way the
 * line for each finished item names it, so a log says what ran.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  /** One item finished: its line (printed above the bar, or as a plain line). */
  item(line: string): void;
  stop(): void;
}

export function progress(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = stream.isTTY && !process.env.CI ? new SingleBar({ stream, format: `${label} [{bar}] {value}/{total} {percentage}% | {eta_formatted} left`, hideCursor: true, clearOnComplete: true, etaBuffer: 20 }) : undefined;
  let done = 0;
  bar?.start(total, 0);
  return {
    item(line) {
      done++;
      if (bar) {
        // Above the bar: clear its line, print, let it redraw.
        stream.write(`\r\x1b[2K${line}\n`);
        bar.update(done);
      } else {
        stream.write(`[${done}/${total}] ${line}\n`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
