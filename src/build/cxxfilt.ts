/**
 * Mangled C++ names in dv build's own messages, demangled by llvm-cxxfilt (shipped with the clang dv
 * build runs, beside it on disk): `_Znwm` reads as `operator new(unsigned long)`. Without the tool the
 * names stay as they are; the message is still right, only harder to read.
 */
import { spawnSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { which } from './toolchain.ts';
import type { Toolchain } from './toolchain.ts';

/** Itanium names as they appear quoted in a message: '_Z...'. */
const QUOTED_MANGLED = /'(_Z[A-Za-z0-9_.$]+)'/g;

/** llvm-cxxfilt of the toolchain's version (clang-16 -> llvm-cxxfilt-16), else any llvm-cxxfilt. */
function findCxxfilt(toolchain: Toolchain): string | undefined {
  const version = /-(\d+)$/.exec(basename(toolchain.clang))?.[1];
  const dir = dirname(toolchain.clang);
  return (version ? which(`llvm-cxxfilt-${version}`, dir) : undefined) ?? which('llvm-cxxfilt', dir) ?? which('llvm-cxxfilt');
}

/** Each '_Z…' quoted in `text` replaced by its demangled form. */
export function demangleQuoted(text: string, toolchain: Toolchain): string {
  const names = [...new Set([...text.matchAll(QUOTED_MANGLED)].map((m) => m[1]!))];
  if (names.length === 0) return text;
  const tool = findCxxfilt(toolchain);
  if (!tool) return text;
  const r = spawnSync(tool, [], { input: names.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) return text;
  const out = r.stdout.split('\n');
  const plain = new Map(names.map((n, i) => [n, out[i] || n]));
  return text.replace(QUOTED_MANGLED, (_all, n: string) => `'${plain.get(n) ?? n}'`);
}

/** The global allocation functions (operator new/new[]/delete/delete[], any form): mangled prefixes. */
const GLOBAL_ALLOCATION = /^_Z(nw|na|dl|da)/;

/** A note for a driver that uses new or delete without defining them, or undefined. */
export function allocationNote(undefinedNames: readonly string[]): string | undefined {
  if (!undefinedNames.some((n) => GLOBAL_ALLOCATION.test(n))) return undefined;
  return (
    `note: the kernel has no C++ runtime: a driver that uses new and delete defines its own global operator new ` +
    `and operator delete (over ExAllocatePool2), including the sized operator delete(void*, size_t) that delete ` +
    `calls; placement new is in <new> (ddk/README.md, "C++")`
  );
}

