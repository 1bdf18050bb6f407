/** Where the C side of the DDK lives in the repository. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The headers drivers include (<wdm.h>, <ntddk.h>, <ntstrsafe.h>...). */
export const DDK_INCLUDE = join(REPO_ROOT, 'ddk', 'include');
/** The driver runtime linked into every image: crt.c (mem*, str*) and runtime.c (ntstrsafe, printf, stdio, stdlib, wcs*, ctype, wdmsec). */
export const CRT_SOURCES = ['crt.c', 'runtime.c'].map((f) => join(REPO_ROOT, 'ddk', 'crt', f));
/**
 * Runtime files linked only into an image whose own objects call what they define (an archive's
 * rule, kept by dv build): C images without global destructors, pure virtuals or __try stay as they were.
 */
export const ON_DEMAND_RUNTIME: readonly { readonly source: string; readonly defines: readonly string[] }[] = [
  { source: join(REPO_ROOT, 'ddk', 'crt', 'atexit.c'), defines: ['atexit', '__cxa_atexit', '__cxa_finalize'] },
  { source: join(REPO_ROOT, 'ddk', 'crt', 'purecall.c'), defines: ['__cxa_pure_virtual', '_purecall'] },
  { source: join(REPO_ROOT, 'ddk', 'crt', 'sjlj.c'), defines: ['saveSetjmp', 'testSetjmp', 'getTempRet0', 'setTempRet0', 'malloc', 'free', 'realloc', '__THREW__', '__threwValue'] },
];
export const DDI_SUPPORT_DOC = join(REPO_ROOT, 'docs', 'ddi-support.md');
