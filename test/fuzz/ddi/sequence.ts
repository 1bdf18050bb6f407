/**
 * fast-check arbitraries for DDI sequences: operations from the table in ops.ts, with selectors that
 * mostly name an object an earlier call made (sometimes at an offset inside it) and sometimes a wild
 * value (null, the top of the address space, another pool, nt's image...).
 */
import fc from 'fast-check';
import type { Scenario } from './harness.ts';
import { OPS, OP_NAMES, WILD, type Op, type Sel } from './ops.ts';

const sel: fc.Arbitrary<Sel> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ r: fc.nat(15), d: fc.constant(0) }) },
  { weight: 1, arbitrary: fc.record({ r: fc.nat(15), d: fc.constantFrom(1, 2, 8, -8, 0x10, 0x1000) }) },
  { weight: 1, arbitrary: fc.constantFrom(...WILD).map((w) => ({ w })) },
  { weight: 1, arbitrary: fc.nat({ max: 0xffffffff }).map((w) => ({ w })) },
  { weight: 1, arbitrary: fc.nat(63).map((x) => ({ x })) },
);

const num = fc.oneof({ weight: 4, arbitrary: fc.nat(15) }, { weight: 1, arbitrary: fc.nat(0xffff) });

export const opArb: fc.Arbitrary<Op> = fc.constantFrom(...OP_NAMES).chain((op) => {
  const spec = OPS[op];
  return fc.record({ op: fc.constant(op), s: fc.array(sel, { minLength: spec.sels.length, maxLength: spec.sels.length }), n: fc.array(num, { minLength: spec.nums, maxLength: spec.nums }) });
});

export function scenarioArb(opts: { verifier?: boolean; maxOps?: number } = {}): fc.Arbitrary<Scenario> {
  const maxOps = opts.maxOps ?? 40;
  return fc.record({
    verifier: opts.verifier === undefined ? fc.boolean() : fc.constant(opts.verifier),
    entry: fc.array(opArb, { maxLength: maxOps }),
    unload: fc.array(opArb, { maxLength: Math.ceil(maxOps / 4) }),
    callback: fc.array(opArb, { maxLength: Math.ceil(maxOps / 8) }),
    tidy: fc.boolean(),
    unloadDriver: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    stacks: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
  });
}
