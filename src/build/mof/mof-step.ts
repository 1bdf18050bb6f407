/**
 * dv build's WMI step, what mofcomp + `wmimofck -h` do in a WDK build: each .mof a project names
 * becomes the header its sources include, written to the build's generated-include folder under the
 * name the project gives (busenumMof.h...). The binary MOF (.bmf) is not made: a driver only names it
 * as a resource (MofResourceName) for WMI to read, and nothing in the simulated kernel reads it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { mofHeader } from './mof-header.ts';
import { MofError, parseMof } from './mof-parse.ts';

export interface MofHeaderRequest {
  /** The .mof file. */
  readonly mof: string;
  /** The header's file name (no folder): what the sources #include. */
  readonly header: string;
}

/** `x.mof` alone (dv build's command line): the header wmimofck-using projects most often name, `xmof.h`. */
export const defaultMofHeader = (mof: string) => `${basename(mof, extname(mof))}mof.h`;

/** Writes each header into `folder`; on bad input, the error (file:line: error: ...) and nothing more is written. */
export function writeMofHeaders(requests: readonly MofHeaderRequest[], folder: string): { ok: true } | { ok: false; message: string } {
  for (const r of requests) {
    if (!existsSync(r.mof)) return { ok: false, message: `dv build: ${r.mof}: no such file` };
    if (basename(r.header) !== r.header || !r.header.toLowerCase().endsWith('.h')) return { ok: false, message: `dv build: ${r.header}: a MOF header is a file name ending in .h` };
    try {
      // mofcomp reads UTF-16 files (with their byte-order mark) as well as 8-bit ones.
      const bytes = readFileSync(r.mof);
      const text = (bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.toString('utf16le') : bytes.toString('utf8')).replace(/^\uFEFF/, '');
      writeFileSync(join(folder, r.header), mofHeader(parseMof(text, r.mof), r.mof, r.header));
    } catch (e) {
      if (e instanceof MofError) return { ok: false, message: e.message };
      throw e;
    }
  }
  return { ok: true };
}
