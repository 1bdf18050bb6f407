/**
 * The first blocker of a project, as a short line that stays the same from run to run and from
 * project to project (no paths, no line numbers), so the summary can count them: the first error
 * clang, wasm-ld or dv build's import check printed, said plainly.
 */
import { basename, dirname } from 'node:path';
import { resolveIgnoringCase } from './paths.ts';

export interface BlockerContext {
  /** Headers mc.exe and ctrpp would generate for the project (file names, lower case). */
  readonly mcHeaders: readonly string[];
  readonly ctrppHeaders: readonly string[];
  /**
   * Where a missing header was looked for besides the including file's folder (the project's include
   * folders, ddk/include): one there under another case is an #include that only NTFS's
   * case-insensitive names resolve, and the blocker says so.
   */
  readonly searchDirs?: readonly string[];
}

/** Rewrites of an error message, first match wins; `$1` is the quoted name. */
const RULES: readonly { readonly match: RegExp; readonly say: (m: RegExpExecArray, g: BlockerContext, line: string) => string }[] = [
  {
    match: /'([^']+)' file not found/,
    say: (m, g, line) => {
      const file = m[1]!.replace(/\\/g, '/').split('/').pop()!.toLowerCase();
      if (file.endsWith('.tmh')) return 'needs generated header (WPP .tmh)';
      if (g.mcHeaders.includes(file)) return 'needs generated header (mc.exe)';
      if (g.ctrppHeaders.includes(file)) return 'needs generated header (ctrpp)';
      const including = /^(.+?):\d+:\d+: /.exec(line)?.[1];
      const dirs = [...(including ? [dirname(including)] : []), ...(g.searchDirs ?? [])];
      const other = dirs.map((d) => resolveIgnoringCase(d, m[1]!)).find((f) => f !== undefined);
      return other ? `'${m[1]}' file not found (exists as '${basename(other)}': #include case)` : `'${m[1]}' file not found`;
    },
  },
  { match: /call to undeclared function '([^']+)'/, say: (m) => `undeclared function '${m[1]}'` },
  { match: /use of undeclared identifier '([^']+)'/, say: (m) => `undeclared identifier '${m[1]}'` },
  { match: /unknown type name '([^']+)'/, say: (m) => `unknown type name '${m[1]}'` },
  { match: /'([^']+)' is not exported by the simulated kernel/, say: (m) => `'${m[1]}' is not exported by the kernel` },
  { match: /undefined (function|variable) '([^']+)'/, say: (m) => `undefined ${m[1]} '${m[2]}'` },
  { match: /undefined symbol: (\S+)/, say: (m) => `undefined symbol '${m[1]}'` },
];

/** The message of a diagnostic line without its location, severity and warning flag. */
function messageOf(line: string): string {
  return line
    .replace(/^.*?\b(?:fatal )?error: /, '')
    .replace(/^dv build: (?:[^:]+: )?/, '')
    .replace(/\s*\[-W[^\]]*\]$/, '')
    .replace(/; .*$/, '')
    .trim();
}

/** Longest blocker kept: a row of the table, not a paragraph. */
const MAX = 100;

export function buildBlocker(diagnostics: string, context: BlockerContext): string {
  const lines = diagnostics.split('\n');
  const line = lines.find((l) => /\berror: /.test(l)) ?? lines.find((l) => l.startsWith('dv build:')) ?? lines.find((l) => l.trim() !== '') ?? 'build failed';
  for (const rule of RULES) {
    const m = rule.match.exec(line);
    if (m) return rule.say(m, context, line);
  }
  const message = messageOf(line)
    // Paths and numbers that differ between projects are not part of the reason.
    .replace(/(?:\/[\w.+-]+)+\/([\w.+-]+)/g, '$1')
    .replace(/\s+/g, ' ');
  return message.length > MAX ? message.slice(0, MAX - 3) + '...' : message;
}
