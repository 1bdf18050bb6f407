/**
 * The stopped thread's frames as `k` numbers them: each return address, preceded by a frame for each
 * inlined call its code is in, innermost first (WinDbg's inline frames). Each frame's source line:
 * the line table's for the innermost, the call's line (DW_AT_call_line) for the frames that called
 * an inlined function.
 */
import { inlineSitesAt } from '../kernel/symbols.ts';
import type { DebugTarget } from './target.ts';

export interface Frame {
  /** The code address (for an inline frame, the address inside the inlined code). */
  readonly pc: number;
  /** The next frame's code address (0 at the bottom); undefined for an inline frame, which returns nowhere. */
  readonly ret: number | undefined;
  /** `MyDriver!GetNecessaryObjects` for an inline frame, `MyDriver!DeviceControlDispatch+0x90` otherwise. */
  readonly name: string;
  readonly source: { readonly file: string; readonly line: number } | undefined;
  /** The stack entry this frame comes from (the index in the context's stack and frameBases). */
  readonly entry: number;
  /** An inline frame's place among the inlined calls at its pc, outermost 0; undefined for a real frame. */
  readonly inline?: number;
}

export function expandFrames(t: DebugTarget, stack: readonly number[]): Frame[] {
  const out: Frame[] = [];
  stack.forEach((pc, i) => {
    const ret = stack[i + 1] ?? 0;
    const r = t.resolve(pc);
    const sites = r ? inlineSitesAt(r.module, pc) : [];
    const here = t.line(pc);
    if (sites.length === 0) {
      out.push({ pc, ret, name: t.symbol(pc), source: here, entry: i });
      return;
    }
    const fileAt = (address: number) => t.line(address)?.file;
    for (let j = sites.length - 1; j >= 0; j--) {
      const site = sites[j]!;
      const inner = sites[j + 1];
      const source = inner ? { file: fileAt(site.entry) ?? here?.file ?? '', line: inner.callLine } : here;
      out.push({ pc, ret: undefined, name: `${r!.module.name}!${site.name}`, source, entry: i, inline: j });
    }
    const start = r!.fn?.start ?? pc;
    out.push({ pc, ret, name: t.symbol(pc), source: { file: fileAt(start) ?? here?.file ?? '', line: sites[0]!.callLine }, entry: i });
  });
  return out;
}

/** ` [file @ line]`, as kd shows a frame's source with `.lines` on. */
export const sourceText = (f: Frame): string => (f.source ? ` [${f.source.file} @ ${f.source.line}]` : '');
