/**
 * The DDI prototypes of ddk/include, read from the header text: every declaration introduced by
 * DDI_IMPORT(Name). Used to check the headers against the kernel's export table and to derive each
 * DDI's wasm signature for docs/ddi-support.md.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DDK_INCLUDE } from './paths.ts';

export interface CParam {
  /** The C type with annotations removed, e.g. `PLARGE_INTEGER`, `const WCHAR *`. */
  readonly type: string;
  readonly name: string;
}

export interface DdiPrototype {
  /** The name given to DDI_IMPORT: the wasm import name. */
  readonly importName: string;
  /** The C function the declaration declares (must equal importName). */
  readonly name: string;
  /** Header path relative to ddk/include, e.g. `dv/ke.h`. */
  readonly header: string;
  readonly returnType: string;
  readonly params: readonly CParam[];
  readonly variadic: boolean;
}

/** Words that qualify a declaration without being part of a type. */
const NON_TYPE_WORDS = new Set(['NTAPI', 'APIENTRY', 'FASTCALL', '__cdecl', '__stdcall', '__fastcall', 'DECLSPEC_NORETURN', 'DECLSPEC_IMPORT', 'extern']);

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/** Remove SAL annotations (`_In_`, `_Out_writes_bytes_(n)`, `__drv_x(y)`), nested parentheses included. */
export function stripAnnotations(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const m = /^(?:_[A-Z]\w*_|__drv_\w+)/.exec(text.slice(i));
    if (m && (i === 0 || !/\w/.test(text[i - 1]!))) {
      i += m[0].length;
      let j = i;
      while (text[j] === ' ') j++;
      if (text[j] === '(') {
        let depth = 0;
        do {
          if (text[j] === '(') depth++;
          else if (text[j] === ')') depth--;
          j++;
        } while (depth > 0 && j < text.length);
        i = j;
      }
      continue;
    }
    out += text[i++];
  }
  return out;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').replace(/\s*\*\s*/g, ' *').trim();

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) parts.push(cur);
  return parts;
}

export function parsePrototype(importName: string, declaration: string, header: string): DdiPrototype {
  const decl = stripAnnotations(declaration);
  const open = decl.indexOf('(');
  const close = decl.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`${header}: DDI_IMPORT(${importName}) is not followed by a function prototype`);
  const head = decl.slice(0, open).trim().split(/\s+/);
  const name = head.pop() ?? '';
  const returnType = squash(head.filter((w) => !NON_TYPE_WORDS.has(w)).join(' '));
  const params: CParam[] = [];
  let variadic = false;
  for (const raw of splitTopLevel(decl.slice(open + 1, close))) {
    const p = squash(raw);
    if (p === 'VOID' || p === 'void') continue;
    if (p === '...') {
      variadic = true;
      continue;
    }
    const m = /^(.*?)\s*\b(\w+)$/.exec(p);
    if (!m || !m[1]) throw new Error(`${header}: ${importName}: cannot read parameter '${p}'`);
    params.push({ type: squash(m[1]), name: m[2]! });
  }
  return { importName, name, header, returnType, params, variadic };
}

function headerFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? headerFiles(p) : p.endsWith('.h') ? [p] : [];
    });
}

/** Every DDI_IMPORT prototype under ddk/include (or another include directory). */
export function readDdiPrototypes(includeDir: string = DDK_INCLUDE): DdiPrototype[] {
  return readImportPrototypes('DDI_IMPORT', includeDir);
}

/** Every WDF_IMPORT prototype (the framework's DDIs, imported from Wdf01000: wdf.h). */
export function readWdfPrototypes(includeDir: string = DDK_INCLUDE): DdiPrototype[] {
  return readImportPrototypes('WDF_IMPORT', includeDir);
}

/** batclass.h's routines: imports from battc.sys (module BATTC). */
export function readBattcPrototypes(includeDir: string = DDK_INCLUDE): DdiPrototype[] {
  return readImportPrototypes('BATTC_IMPORT', includeDir);
}

function readImportPrototypes(macro: 'DDI_IMPORT' | 'WDF_IMPORT' | 'BATTC_IMPORT', includeDir: string): DdiPrototype[] {
  const out: DdiPrototype[] = [];
  for (const file of headerFiles(includeDir)) {
    const header = relative(includeDir, file).split('\\').join('/');
    const text = stripComments(readFileSync(file, 'utf8'))
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n');
    for (const m of text.matchAll(new RegExp(`\\b${macro}\\((\\w+)\\)([^;]*);`, 'g'))) out.push(parsePrototype(m[1]!, m[2]!, header));
  }
  return out;
}
