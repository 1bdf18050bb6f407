/** Progress: plain numbered lines in a log or pipe; on a terminal a redrawn bar with each item's line above it. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { progress } from '../../src/cli/progress.ts';

function sink(tty: boolean) {
  let text = '';
  const s = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(s, { isTTY: tty, columns: 100, rows: 30, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, text: () => text });
  return s;
}

test('in a log (no terminal) each item is a numbered line and nothing else', () => {
  const s = sink(false);
  const p = progress(2, 'corpus', s);
  p.item('a: built');
  p.item('b: not built');
  p.stop();
  assert.equal(s.text(), '[1/2] a: built\n[2/2] b: not built\n');
});

test('on a terminal a bar counts the items and each item line is printed above it', () => {
  const ci = process.env.CI;
  delete process.env.CI;
  try {
    const s = sink(true);
    const p = progress(2, 'corpus', s);
    p.item('a: built');
    p.item('b: built');
    p.stop();
    const text = s.text();
    assert.match(text, /a: built\n/);
    assert.match(text, /corpus \[[^\]]*\] 2\/2 100%/);
  } finally {
    if (ci !== undefined) process.env.CI = ci;
  }
});
