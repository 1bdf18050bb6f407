/**
 * `!poolused [Flags [TagString]]`: pool use by tag (allocations and bytes, nonpaged and paged),
 * counted from the pool pages in the dump and the verified drivers' whole-page blocks.
 * Flags 2 sorts by nonpaged bytes, 4 by paged bytes; TagString filters with * and ? wildcards.
 */
import { CommandError, kdNumber, splitArgs, type Command } from '../command.ts';
import { formatTag, largeBlocks, liveSpecialBlock, poolPages, poolRegion, smallBlocks, specialBlock, tagOwner } from '../pool-blocks.ts';
import type { DebugTarget } from '../target.ts';

const SORT_NONPAGED = 0x2;
const SORT_PAGED = 0x4;

interface Use {
  nonPagedAllocs: number;
  nonPagedBytes: number;
  pagedAllocs: number;
  pagedBytes: number;
}

function usage(t: DebugTarget): Map<number, Use> {
  const by = new Map<number, Use>();
  const add = (tag: number, paged: boolean, bytes: number) => {
    const u = by.get(tag) ?? { nonPagedAllocs: 0, nonPagedBytes: 0, pagedAllocs: 0, pagedBytes: 0 };
    if (paged) (u.pagedAllocs++, (u.pagedBytes += bytes));
    else (u.nonPagedAllocs++, (u.nonPagedBytes += bytes));
    by.set(tag, u);
  };
  const large = largeBlocks(t);
  const inLarge = (page: number) => large.some((b) => page >= (b.address & ~0xfff) >>> 0 && page < b.address + b.size);
  for (const page of poolPages(t)) {
    if (inLarge(page)) continue;
    if (poolRegion(page) === 'Special pool') {
      const s = specialBlock(t, page);
      if (s && liveSpecialBlock(t, s.address)) add(s.tag, s.paged, s.size);
    } else for (const b of smallBlocks(t, page)) if (b.allocated) add(b.tag, b.paged, b.size);
  }
  for (const b of large) add(b.tag, b.paged, b.size);
  return by;
}

/** kd's TagString: case-sensitive, `*` any run, `?` any one character. */
const tagPattern = (s: string) => new RegExp(`^${s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

export const poolused: Command = {
  name: '!poolused',
  syntax: '!poolused [Flags [TagString]]',
  help: 'Pool use by tag: allocations and bytes in nonpaged and paged pool (Flags 2: sort by nonpaged use, 4: by paged use; TagString with * and ?).',
  run(t, args) {
    const [f, pattern] = splitArgs(args);
    const flags = f === undefined ? 0 : kdNumber(f);
    if (Number.isNaN(flags)) throw new CommandError(`Couldn't resolve error at '${f}'`);
    const match = pattern === undefined ? () => true : (tag: string) => tagPattern(pattern).test(tag);
    const rows = [...usage(t)].map(([tag, u]) => ({ tag: formatTag(tag), raw: tag, ...u })).filter((r) => match(r.tag));
    rows.sort((a, b) =>
      flags & SORT_NONPAGED ? b.nonPagedBytes - a.nonPagedBytes || a.tag.localeCompare(b.tag) : flags & SORT_PAGED ? b.pagedBytes - a.pagedBytes || a.tag.localeCompare(b.tag) : a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0,
    );
    const by = flags & SORT_NONPAGED ? 'NonPaged Pool Consumed' : flags & SORT_PAGED ? 'Paged Pool Consumed' : 'Tag';
    const cols = (a1: number, u1: number, a2: number, u2: number) => `${String(a1).padStart(9)}${String(u1).padStart(9)}${String(a2).padStart(10)}${String(u2).padStart(9)}`;
    const out = [`   Sorting by  ${by}`, '', '  Pool Used:', '            NonPaged            Paged', ` Tag${'Allocs'.padStart(10)}${'Used'.padStart(9)}${'Allocs'.padStart(10)}${'Used'.padStart(9)}`];
    for (const r of rows) {
      const owner = tagOwner(r.raw);
      const text = owner ? `${owner.description} , Binary: ${owner.binary}` : `UNKNOWN pooltag '${r.tag}', please update pooltag.txt`;
      out.push(` ${r.tag}${cols(r.nonPagedAllocs, r.nonPagedBytes, r.pagedAllocs, r.pagedBytes)}${text}`);
    }
    const sum = (k: keyof Use) => rows.reduce((s, r) => s + r[k], 0);
    out.push(` TOTAL${cols(sum('nonPagedAllocs'), sum('nonPagedBytes'), sum('pagedAllocs'), sum('pagedBytes')).slice(1)}`);
    return out;
  },
};
