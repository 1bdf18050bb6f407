/**
 * esbuild, loaded on first use (a run of wasm drivers never needs it) and with require: it is CommonJS, and
 * an ESM import of it has Node lex its 100 KB main file for export names first.
 */
import { createRequire } from 'node:module';
import type * as Esbuild from 'esbuild';

let loaded: typeof Esbuild | undefined;

export const esbuild = (): typeof Esbuild => (loaded ??= createRequire(import.meta.url)('esbuild') as typeof Esbuild);
