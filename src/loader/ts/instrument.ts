/**
 * Call-site instrumentation of a TypeScript driver: every call, throw and loop of its JavaScript goes
 * through the kernel's shadow-stack recorders with the code address of its place in the source.
 */
import { LOOPS, type CallSite, type Node } from './source.ts';

/** The kernel's recorders (CallStacks) by the names instrumented code calls them: the sandbox binds them. */
export const HOOKS = { callAt: '__dvc', callMethodAt: '__dvm', throwAt: '__dvt', loopAt: '__dvl' } as const;

/**
 * Route every call through the kernel's call-site recorder: `f(a)` becomes `__dvc(pc, f, a)` and
 * `o.m(a)` becomes `__dvm(pc, o, "m", a)`, so the shadow stack holds the driver's frames exactly.
 * `throw v` becomes `throw __dvt(pc, v)`, and each loop iteration calls `__dvl(pc)` (a budget).
 * Calls whose shape is not recognised (optional chains, super) run uninstrumented.
 */
export function instrumentCalls(js: string, calls: readonly CallSite[], pcOf: (sourceOffset: number) => number): string {
  type Edit = { start: number; end: number; text: string; order: number };
  const edits: Edit[] = [];
  const openParen = (from: number): number => {
    let i = from;
    for (;;) {
      while (i < js.length && /\s/.test(js[i]!)) i++;
      if (js.startsWith('/*', i)) i = js.indexOf('*/', i) + 2;
      else if (js.startsWith('//', i)) i = js.indexOf('\n', i) + 1;
      else break;
      if (i <= 0) return -1;
    }
    return js[i] === '(' ? i : -1;
  };
  for (const { node, sourceOffset } of calls) {
    if (LOOPS.has(node.type)) {
      // Count each iteration: a loop that never ends becomes a clear error, not a hung process.
      const body = node.body as Node;
      const check = `${HOOKS.loopAt}(0x${pcOf(sourceOffset).toString(16)});`;
      if (body.type === 'BlockStatement') edits.push({ start: body.start + 1, end: body.start + 1, text: check, order: 0 });
      else {
        edits.push({ start: body.start, end: body.start, text: `{${check}`, order: body.end - body.start + 1 });
        edits.push({ start: body.end, end: body.end, text: '}', order: body.end - body.start + 1 });
      }
      continue;
    }
    if (node.type === 'ThrowStatement') {
      const argument = node.argument as Node;
      // The throw's wrapper encloses any call the argument starts with: order it as the larger node.
      const order = node.end - node.start;
      edits.push({ start: argument.start, end: argument.start, text: `${HOOKS.throwAt}(0x${pcOf(sourceOffset).toString(16)}, `, order });
      edits.push({ start: argument.end, end: argument.end, text: ')', order });
      continue;
    }
    const callee = node.callee as Node;
    const args = (node.arguments as Node[]).length > 0;
    const pc = `0x${pcOf(sourceOffset).toString(16)}`;
    const size = node.end - node.start;
    if (callee.type === 'MemberExpression') {
      if ((callee.object as Node).type === 'Super' || callee.optional) continue;
      const object = callee.object as Node;
      const property = callee.property as Node & { name?: string };
      const paren = openParen(callee.end);
      if (paren < 0) continue;
      edits.push({ start: node.start, end: node.start, text: `${HOOKS.callMethodAt}(${pc}, `, order: size });
      if (callee.computed) {
        edits.push({ start: object.end, end: property.start, text: ', ', order: size });
        edits.push({ start: property.end, end: paren + 1, text: args ? ', ' : '', order: size });
      } else {
        edits.push({ start: object.end, end: paren + 1, text: `, ${JSON.stringify(property.name)}${args ? ', ' : ''}`, order: size });
      }
    } else {
      const paren = openParen(callee.end);
      if (paren < 0) continue;
      edits.push({ start: node.start, end: node.start, text: `${HOOKS.callAt}(${pc}, `, order: size });
      edits.push({ start: callee.end, end: paren + 1, text: args ? ', ' : '', order: size });
    }
  }
  // Apply from the end; at one position the inner call's edit goes in first, so the outer one lands before it.
  edits.sort((a, b) => b.start - a.start || a.order - b.order);
  let out = js;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
