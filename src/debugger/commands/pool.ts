/**
 * `!pool Address [Flags]`: the pool page holding Address, each block's header row with the block
 * holding Address starred (Flags 2: that row only), and its tag's owner.
 */
import { CommandError, kdNumber, splitArgs, type Command } from '../command.ts';
import { parseAddress } from '../address.ts';
import { hex, hex8 } from '../format.ts';
import { formatTag, largeBlocks, liveSpecialBlock, poolRegion, smallBlocks, specialBlock, tagOwner } from '../pool-blocks.ts';
import type { DebugTarget } from '../target.ts';

/** Flags of !pool (the debugger docs): 2 shows only the block containing the address. */
const ONLY_CONTAINING = 0x2;

function ownerLine(tag: number): string {
  const owner = tagOwner(tag);
  return owner ? `\t\tPooltag ${formatTag(tag)} : ${owner.description}, Binary : ${owner.binary}` : '\t\tOwning component : Unknown (update pooltag.txt)';
}

function poolLines(t: DebugTarget, address: number, flags: number): string[] {
  const page = (address & ~0xfff) >>> 0;
  const region = poolRegion(address);
  const out = [`Pool page ${hex8(address)} region is ${region ?? 'Unknown'}`];
  if (!region) return [...out, `${hex8(page)} is not valid pool.`];

  const large = largeBlocks(t).find((b) => address >= b.address && address < b.address + b.size);
  if (large) return [...out, `*${hex8(large.address)} : large page allocation, tag is ${formatTag(large.tag)}, size is 0x${hex(large.size)} bytes`, ownerLine(large.tag)];

  if (region === 'Special pool') {
    const s = specialBlock(t, page) ?? specialBlock(t, (page - 0x1000) >>> 0);
    if (!s) return [...out, `${hex8(page)} is not a valid special pool allocation (a guard page, a freed block or a page the dump does not hold).`];
    const row = `*${hex8(s.address)} size: ${hex(s.size).padStart(4)} ${s.paged ? 'paged' : 'non-paged'} special pool, Tag is ${formatTag(s.tag)}`;
    if (!liveSpecialBlock(t, s.address)) return [...out, `${row} (Free: the page is no-access since the block was freed)`];
    return [...out, row, ownerLine(s.tag)];
  }

  const blocks = smallBlocks(t, page);
  const hit = blocks.find((b) => address >= b.header && address < b.header + b.size);
  if (!hit) return [...out, `${hex8(address)} is not a valid small pool allocation (not in a block the page's headers describe).`];
  for (const b of blocks) {
    if (flags & ONLY_CONTAINING && b !== hit) continue;
    const mark = b === hit ? '*' : ' ';
    const state = (b.allocated ? '(Allocated)' : '(Free)').padEnd(11);
    out.push(`${mark}${hex8(b.header)} size: ${hex(b.size).padStart(4)} previous size: ${hex(b.previousSize).padStart(4)}  ${state} ${mark}${formatTag(b.tag)}`);
    if (b === hit && b.allocated) out.push(ownerLine(b.tag));
  }
  return out;
}

export const pool: Command = {
  name: '!pool',
  syntax: '!pool Address [Flags]',
  help: 'Display the pool page holding Address: each block header (size, previous size, allocated or free, tag), the block holding Address starred (Flags 2: only it).',
  run(t, args) {
    const [a, f] = splitArgs(args);
    if (a === undefined) throw new CommandError('Usage: !pool Address [Flags]');
    const flags = f === undefined ? 0 : kdNumber(f);
    if (Number.isNaN(flags)) throw new CommandError(`Couldn't resolve error at '${f}'`);
    return poolLines(t, parseAddress(t, a), flags);
  },
};
