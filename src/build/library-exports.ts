/**
 * What drivers may import from library images at link time: the framework's routines are the
 * WDF_IMPORT declarations of ddk/include (wdf.h), from module Wdf01000, and its variable is
 * WdfDriverGlobals. The framework's own export table is checked against the headers
 * (test/wdf/Prototypes.test.ts), so the headers are the one list the build reads.
 */
import { WDF_LIBRARY_DATA, WDF_LIBRARY_MODULE } from '../nt/wdf.ts';
import { BATTC_LIBRARY_MODULE } from '../nt/battc.ts';
import { readBattcPrototypes, readWdfPrototypes } from './headers.ts';
import type { LibraryExports } from './import-check.ts';

let cached: LibraryExports | undefined;

export function libraryExports(): LibraryExports {
  cached ??= {
    routines: new Map([
      [WDF_LIBRARY_MODULE, new Set(readWdfPrototypes().map((p) => p.importName))],
      // battc.sys's routines: batclass.h's BATTC_IMPORT declarations.
      [BATTC_LIBRARY_MODULE, new Set(readBattcPrototypes().map((p) => p.importName))],
    ]),
    data: new Set(WDF_LIBRARY_DATA),
  };
  return cached;
}
