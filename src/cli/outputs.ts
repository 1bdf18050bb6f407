/**
 * The files `dv run` writes (--dump, --json): checked before the machine boots, so a run never
 * ends in a write error with its verdict lost; written whole or not at all (temp file + rename);
 * and a path this run writes nothing to holds no verdict of an earlier run.
 */
import { accessSync, constants, existsSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A bad output path: a usage error (exit 2), found before anything runs. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

export interface OutputPath {
  /** The option that named it (`--dump`), for messages. */
  readonly option: string;
  readonly path: string;
}

/** Where a path really leads: symbolic links (of the file or of its folders) resolved. */
function realTarget(path: string): string {
  const abs = resolve(path);
  if (existsSync(abs)) return realpathSync(abs);
  return join(realpathSync(dirname(abs)), basename(abs));
}

/**
 * Each output's folder exists and is writable and the output is not a folder; no two outputs
 * share a file; no output is one of `inputs` (the driver being run). Throws OutputError.
 */
export function checkOutputs(outputs: readonly OutputPath[], inputs: readonly OutputPath[]): void {
  const seen = new Map<string, OutputPath>();
  const inputTargets = new Map(inputs.filter((i) => existsSync(i.path)).map((i) => [realTarget(i.path), i]));
  for (const o of outputs) {
    if (o.path.trim() === '') throw new OutputError(`${o.option} needs a file name`);
    const dir = dirname(resolve(o.path));
    if (!existsSync(dir)) throw new OutputError(`${o.option} ${o.path}: the folder ${dir} does not exist`);
    if (!statSync(dir).isDirectory()) throw new OutputError(`${o.option} ${o.path}: ${dir} is not a folder`);
    // A device or a pipe is written in place, so only its own permission matters; a file is renamed into its folder.
    const special = isSpecial(o.path);
    try {
      accessSync(special ? o.path : dir, constants.W_OK);
    } catch {
      throw new OutputError(special ? `${o.option} ${o.path} is not writable` : `${o.option} ${o.path}: the folder ${dir} is not writable`);
    }
    if (existsSync(o.path) && statSync(o.path).isDirectory()) throw new OutputError(`${o.option} ${o.path} is a folder: name a file`);
    const target = realTarget(o.path);
    const clash = seen.get(target);
    if (clash) throw new OutputError(`${clash.option} and ${o.option} name the same file (${o.path}): give each its own`);
    const input = inputTargets.get(target);
    if (input) throw new OutputError(`${o.option} ${o.path} is the ${input.option} being run: it would be overwritten`);
    seen.set(target, o);
  }
}

/** True if `path` names something other than a regular file or nothing: a device, a pipe (/dev/stdout). */
function isSpecial(path: string): boolean {
  return existsSync(path) && !statSync(path).isFile();
}

/**
 * Write `data` to `path` whole: a reader sees the old file or the new one, never half of one. A
 * device or a pipe (/dev/stdout, /dev/null) is written in place: renaming over it would replace it.
 */
export function writeAtomically(path: string, data: string | Uint8Array): void {
  if (isSpecial(path)) {
    try {
      writeFileSync(path, data);
    } catch (e) {
      throw new OutputError(`cannot write ${path}: ${(e as Error).message}`);
    }
    return;
  }
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(partial, data);
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    throw new OutputError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Remove a regular file an earlier run left at `path` (never a folder or a device); true if there was one. */
export function removeStale(path: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  rmSync(path, { force: true });
  return true;
}
