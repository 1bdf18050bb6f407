/** Where the C side of the DDK lives in the repository. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The headers drivers include (<wdm.h>, <ntddk.h>, <ntstrsafe.h>...). */
export const DDK_INCLUDE = join(REPO_ROOT, 'ddk', 'include');
/** The driver runtime linked into every image: crt.c (mem*, str*) and runtime.c (ntstrsafe, printf, stdio, stdlib, wcs*, ctype, wdmsec). */
export const CRT_SOURCES = ['crt.c', 'runtime.c'].map((f) => join(REPO_ROOT, 'ddk', 'crt', f));
export const DDI_SUPPORT_DOC = join(REPO_ROOT, 'docs', 'ddi-support.md');
