/**
 * The part of `!analyze -v` a memory stop adds (0x1F2, 0xD6, 0xD5, 0x50, 0xD1...): the address read
 * or written and what lies there, the access, the pool block it hit or ran off, and that block's
 * allocation and free stacks from the verifier's pool log, as `!verifier 0x80 <address>` finds them.
 */
import { formatTag } from '../../nt/pool.ts';
import { SHADOW_MEANING } from '../../kernel/mm/shadow.ts';
import { VA_MAP } from '../../kernel/mm/address-space.ts';
import type { CrashDump } from '../dump.ts';
import { hex, hex8 } from '../format.ts';
import type { DebugTarget } from '../target.ts';

type MemoryAccess = NonNullable<NonNullable<CrashDump['context']>['memoryAccess']>;

/** What lies at an address, by the machine's address map, as the debugger's READ_ADDRESS line names it. */
const REGIONS: ReadonlyArray<readonly [{ start: number; end: number }, string]> = [
  [VA_MAP.user, 'User address'],
  [VA_MAP.nonPagedPool, 'Nonpaged pool'],
  [VA_MAP.pagedPool, 'Paged pool'],
  [VA_MAP.session, 'Session pool'],
  [VA_MAP.specialPool, 'Special pool'],
  [VA_MAP.stacks, 'Kernel stack'],
  [VA_MAP.images, 'Driver image'],
  [VA_MAP.ntImage, 'nt image'],
];

export function regionOf(address: number): string {
  const a = address >>> 0;
  if (a < VA_MAP.user.start) return 'NULL page (no access)';
  return REGIONS.find(([r]) => a >= r.start && a < r.end)?.[1] ?? 'Invalid system memory';
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Where the bad byte is relative to its block: inside a freed one, past the end, before the start. */
function placeInBlock(m: MemoryAccess, b: NonNullable<MemoryAccess['block']>): string {
  const block = `${b.freed ? 'freed ' : ''}0x${hex(b.size)}-byte pool block at ${hex8(b.address)} (tag ${formatTag(b.tag)})`;
  if (m.bad < b.address) return `${plural(b.address - m.bad, 'byte')} before the ${block}`;
  const end = b.address + b.size;
  if (m.bad === end) return `just past the end of the ${block}`;
  if (m.bad > end) return `${plural(m.bad - end, 'byte')} past the end of the ${block}`;
  return `offset 0x${hex(m.bad - b.address)} of the ${block}`;
}

export function memoryAccessLines(t: DebugTarget, m: MemoryAccess): string[] {
  const out = [`${m.write ? 'WRITE' : 'READ'}_ADDRESS:  ${hex8(m.bad)} ${regionOf(m.bad)}`, ''];
  const what = `${m.size}-byte ${m.write ? 'write' : 'read'} at ${hex8(m.address)}`;
  out.push(`MEMORY_ACCESS:  ${m.block ? `${what}: ${placeInBlock(m, m.block)}` : what}`, '');
  if (m.shadow) out.push(`KASAN_SHADOW_CODE:  ${hex(m.shadow)} (${SHADOW_MEANING[m.shadow] ?? 'partly accessible granule'})`, '');
  if (m.block) {
    // The newest allocation of the block, and its free after that, from the verifier's log (newest first).
    const records = t.dump.verifier?.log.records.filter((r) => r.address === m.block!.address) ?? [];
    const alloc = records.find((r) => r.kind === 'alloc');
    const free = alloc && records.slice(0, records.indexOf(alloc)).reverse().find((r) => r.kind === 'free');
    for (const [title, r] of [['BLOCK_ALLOCATED_BY', alloc], ['BLOCK_FREED_BY', free]] as const) {
      if (!r) continue;
      out.push(`${title}:  thread ${hex8(r.thread)} (!verifier 0x80 ${hex8(m.block.address)} shows the whole log)`, ...r.stack.map((pc) => `${hex8(pc)} ${t.symbol(pc)}`), '');
    }
  }
  return out;
}
