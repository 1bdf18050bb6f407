/**
 * Stack rows as kd prints them: each frame's return address (the next frame's address, 0 at the
 * bottom) and its call site. `k` numbers the rows; `!analyze -v`'s STACK_TEXT does not.
 */
import { hex8 } from './format.ts';
import type { DebugTarget } from './target.ts';

export function stackRows(t: DebugTarget, stack: readonly number[], numbered: boolean): string[] {
  const out = [numbered ? ' # RetAddr  Call Site' : 'RetAddr  Call Site'];
  stack.forEach((pc, i) => {
    const row = `${hex8(stack[i + 1] ?? 0)} ${t.symbol(pc)}`;
    out.push(numbered ? `${i.toString(16).padStart(2, '0')} ${row}` : row);
  });
  return out;
}
