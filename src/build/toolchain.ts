/**
 * Finding clang and wasm-ld. clang 16 is the first that honours -fshort-wchar on wasm32 (14 and 15
 * keep wchar_t 32-bit, so L"..." would not match the kernel's 16-bit WCHAR), so older ones are refused.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';

export const INSTALL_HINT = 'apt-get install clang-16 lld-16';
export const MIN_CLANG = 16;
const VERSIONED = [16, 17, 18, 19];

export interface Toolchain {
  readonly clang: string;
  readonly wasmLd: string;
  readonly version: number;
}

export type ToolchainResult = { readonly ok: true; readonly toolchain: Toolchain } | { readonly ok: false; readonly message: string };

/** The first executable called `name` on the search path. */
export function which(name: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The major version a clang or lld prints (`clang version 16.0.6`, `LLD 16.0.6`). */
export function toolVersion(executable: string): number | undefined {
  const r = spawnSync(executable, ['--version'], { encoding: 'utf8' });
  const m = /(?:clang version|LLD) (\d+)\./.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return m ? Number(m[1]) : undefined;
}

function refuseOld(clang: string, version: number): ToolchainResult {
  return {
    ok: false,
    message:
      `${clang} is clang ${version}: clang ${version} ignores -fshort-wchar on wasm32, so L"..." literals would be ` +
      `32-bit while the kernel's WCHAR is 16-bit. Install clang ${MIN_CLANG} or newer: ${INSTALL_HINT}`,
  };
}

/** clang-16..19 with the wasm-ld of the same version, else a plain clang/wasm-ld of version 16 or newer. */
export function findToolchain(searchPath: string = process.env.PATH ?? ''): ToolchainResult {
  for (const v of VERSIONED) {
    const clang = which(`clang-${v}`, searchPath);
    if (!clang) continue;
    const wasmLd = which(`wasm-ld-${v}`, searchPath);
    if (!wasmLd) return { ok: false, message: `found ${clang} but not wasm-ld-${v}: apt-get install lld-${v}` };
    return { ok: true, toolchain: { clang, wasmLd, version: v } };
  }
  const clang = which('clang', searchPath);
  const old = [14, 15].map((v) => which(`clang-${v}`, searchPath)).find((c) => c !== undefined);
  if (clang) {
    const version = toolVersion(clang);
    if (version !== undefined && version >= MIN_CLANG) {
      const wasmLd = which('wasm-ld', searchPath);
      if (!wasmLd) return { ok: false, message: `found ${clang} (clang ${version}) but no wasm-ld: apt-get install lld` };
      return { ok: true, toolchain: { clang, wasmLd, version } };
    }
    if (version !== undefined) return refuseOld(clang, version);
  }
  if (old) return refuseOld(old, toolVersion(old) ?? Number(/clang-(\d+)$/.exec(old)?.[1]));
  return { ok: false, message: `clang ${MIN_CLANG} or newer was not found on PATH; install it with: ${INSTALL_HINT}` };
}
