/**
 * `npm run corpus -- DIR [--only PATTERN] [--out FILE] [--jobs N] [--timeout SECONDS] [--commit REV] [--name NAME]
 * [--flags FLAGS] [--faults exhaustive]`: find the kernel driver projects under DIR, build and run each, print
 * the table and write it as markdown (docs/compat.md by default for a whole corpus under /standard; a run
 * narrowed by --only, or under other flags or with its failure paths, writes only where --out says).
 * Progress goes to stderr, the table to stdout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { progress } from '../cli/progress.ts';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { REPO_ROOT } from '../build/paths.ts';
import { findToolchain } from '../build/toolchain.ts';
import { parseVerifier } from '../cli/args.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { STANDARD_FLAGS } from '../verifier/flags.ts';
import { discoverProjects, projectFilter } from './discover.ts';
import { runProjects } from './pool.ts';
import type { CorpusRunSettings } from './project-run.ts';
import { compatMarkdown, textReport } from './report.ts';

class UsageError extends Error {}

const DEFAULT_OUT = join(REPO_ROOT, 'docs', 'compat.md');

/** `--flags`: dv run's --verifier values, less `off` (the corpus is a verifier run). */
function verifierFlags(text: string): number {
  const flags = parseVerifier(text);
  if (flags === undefined) throw new InvalidArgumentError('the corpus runs its drivers under Driver Verifier: give flags, not off');
  return flags;
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${text}' is not a positive whole number`);
  return n;
}

/** The corpus as the header names it: the repository and commit when DIR is a git checkout. */
function corpusName(dir: string, commit: string | undefined, name: string | undefined): string {
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  // Only DIR's own repository: a corpus folder inside some other checkout has no commit of its own.
  const top = git('rev-parse', '--show-toplevel');
  const own = top !== undefined && realpathSync(top) === realpathSync(dir);
  const head = own ? git('rev-parse', 'HEAD') : undefined;
  const url = own ? git('config', '--get', 'remote.origin.url') : undefined;
  const repo = name ?? (url ? /([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(url)?.[1] ?? basename(dir) : basename(dir));
  if (head) return `\`${repo}\` at commit \`${head}\``;
  if (commit) return `\`${repo}\` at commit \`${commit}\` (an exported tree, not a git checkout: the commit is as given by --commit)`;
  return `\`${repo}\` (not a git checkout: no commit to name)`;
}

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('npm run corpus --')
    .description('build and run every kernel driver project under DIR with dv; print the table and write docs/compat.md')
    .argument('<dir>', 'a folder of driver projects (a checkout of microsoft/Windows-driver-samples, or your own tree)')
    .option('--only <pattern>', 'only projects whose path contains PATTERN (or matches it, * being any text)')
    .option('--out <file>', 'write the markdown table here (default docs/compat.md, unless --only narrows the run)')
    .option('--jobs <n>', 'projects built at once (clang is the cost)', positiveInt, 1)
    .option('--timeout <seconds>', 'host time a project\'s build, and then its run, may each take before it is killed', positiveInt, 600)
    .option('--commit <rev>', 'the corpus revision to name in the header when DIR is not a git checkout')
    .option('--name <name>', "the corpus's name in the header (default: its git remote's owner/name, else DIR's folder name)")
    .option('--flags <flags>', "the verifier flags of the runs, as dv run's --verifier takes them (default: standard, 0x209bb)", verifierFlags)
    .addOption(new Option('--faults <mode>', 'exhaustive: then take every allocation failure path of each clean run, one run each (dv run --faults exhaustive)').choices(['exhaustive']))
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{ only?: string; out?: string; jobs: number; timeout: number; commit?: string; name?: string; flags?: number; faults?: 'exhaustive' }>();
  const root = resolve(program.args[0]!);
  const settings: CorpusRunSettings = { verifierFlags: opts.flags ?? STANDARD_FLAGS, ...(opts.faults ? { faults: opts.faults } : {}) };
  // docs/compat.md is the /standard table: another run writes only where --out says.
  const standard = settings.verifierFlags === STANDARD_FLAGS && settings.faults === undefined;

  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${program.args[0]}: no such folder`);
  const out = opts.out !== undefined ? resolve(opts.out) : opts.only === undefined && standard ? DEFAULT_OUT : undefined;
  if (out && !(existsSync(dirname(out)) && statSync(dirname(out)).isDirectory())) throw new UsageError(`--out ${opts.out}: the folder ${dirname(out)} does not exist`);
  const toolchain = findToolchain();
  if (!toolchain.ok) throw new UsageError(`the corpus needs dv build's toolchain: ${toolchain.message}`);

  const started = performance.now();
  const keep = opts.only !== undefined ? projectFilter(opts.only) : () => true;
  const projects = discoverProjects(root).filter((p) => keep(p.path));
  if (projects.length === 0) throw new UsageError(`no kernel driver projects found under ${program.args[0]}${opts.only ? ` matching '${opts.only}'` : ''}`);
  process.stderr.write(`corpus: ${projects.length} driver projects under ${root}, ${opts.jobs} at a time\n`);

  const bar = progress(projects.length, 'corpus');
  const results = await runProjects(projects, root, {
    jobs: opts.jobs,
    timeoutMs: opts.timeout * 1000,
    settings,
    onResult: (r) => bar.item(`${r.path}: ${r.built ? 'built' : 'not built'}, ${r.run}${r.blocker ? ` (${r.blocker})` : ''}`),
  });
  bar.stop();

  process.stdout.write(textReport(results));
  if (out) {
    const under = standard ? '' : ` --flags 0x${settings.verifierFlags.toString(16)}${settings.faults ? ` --faults ${settings.faults}` : ''}`;
    const text = compatMarkdown(results, { corpus: corpusName(root, opts.commit, opts.name), command: `npm run corpus -- DIR${under}`, settings });
    const temp = `${out}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, out);
    process.stderr.write(`corpus: wrote ${out}\n`);
  }
  process.stderr.write(`corpus: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? EXIT.CLEAN : EXIT.USAGE;
  } else if (e instanceof UsageError) {
    process.stderr.write(`corpus: ${e.message}\n`);
    process.exitCode = EXIT.USAGE;
  } else {
    process.stderr.write(`corpus: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = EXIT.INTERNAL;
  }
}
