/**
 * Runs the projects in up to `jobs` child processes (clang is the cost, and a machine of 2 cores is
 * shared), in order of the list, its build and its run each bounded by a host-time limit: a child that
 * passes it is killed and replaced, and the project's row says it timed out in its build or its run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../build/paths.ts';
import { classify } from './classify.ts';
import type { DriverProject } from './discover.ts';
import { STANDARD_RUN, type CorpusRunSettings, type ProjectResult } from './project-run.ts';

export type ToChild = { readonly type: 'project'; readonly project: DriverProject; readonly root: string; readonly settings: CorpusRunSettings } | { readonly type: 'exit' };
export type FromChild =
  | { readonly type: 'phase'; readonly phase: 'build' | 'run' }
  | { readonly type: 'result'; readonly result: ProjectResult }
  | { readonly type: 'failed'; readonly message: string };

export interface PoolOptions {
  readonly jobs: number;
  /** Host milliseconds a project's build, and then its run, may each take. */
  readonly timeoutMs: number;
  /** Called as each project finishes, in completion order. */
  readonly onResult?: (result: ProjectResult, done: number, total: number) => void;
  /** The verifier flags and fault plan of the runs (default /standard, no failures). */
  readonly settings?: CorpusRunSettings;
}

/** How long a child may take to load dv and start on its project. */
const STARTUP_MS = 120_000;

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.ts');

function spawnChild(): ChildProcess {
  // tsx is resolved from the repository, wherever the corpus is.
  return fork(CHILD, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
}

/** A row for a project the child could not report on: classified here, the reason as the blocker. */
function failedRow(project: DriverProject, root: string, phase: 'build' | 'run' | undefined, blocker: string): ProjectResult {
  const c = classify({ ...project, root });
  return { path: project.path, label: c.label, family: c.family, model: c.model, needs: c.needs, built: phase === 'run', run: phase === 'run' ? blocker : 'not run', clean: false, blocker };
}

function runOne(child: ChildProcess, project: DriverProject, root: string, timeoutMs: number, settings: CorpusRunSettings): Promise<{ result: ProjectResult; alive: boolean }> {
  return new Promise((resolve) => {
    let phase: 'build' | 'run' | undefined;
    let stderr = '';
    const onData = (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-2000);
    };
    const finish = (result: ProjectResult, alive: boolean) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.stderr?.off('data', onData);
      resolve({ result, alive });
    };
    const onMessage = (m: FromChild) => {
      if (m.type === 'phase') {
        phase = m.phase;
        arm(timeoutMs);
      }
      else if (m.type === 'result') finish(m.result, true);
      else finish(failedRow(project, root, phase, `dv internal error: ${m.message}`.slice(0, 100)), true);
    };
    const onExit = (code: number | null, signal: string | null) => {
      const last = stderr.trim().split('\n').pop() ?? '';
      finish(failedRow(project, root, phase, `runner process ended (${signal ?? `exit ${code}`}) ${last}`.trim().slice(0, 100)), false);
    };
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        const what = phase === undefined ? `the runner process did not start within ${ms / 1000} s` : `timed out after ${ms / 1000} s in its ${phase}`;
        finish(failedRow(project, root, phase, what), false);
      }, ms);
    };
    // A fresh child first loads dv (seconds on a loaded machine): that is not the project's time.
    arm(STARTUP_MS);
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.stderr?.on('data', onData);
    child.send({ type: 'project', project, root, settings } satisfies ToChild);
  });
}

export async function runProjects(projects: readonly DriverProject[], root: string, options: PoolOptions): Promise<ProjectResult[]> {
  const results: ProjectResult[] = new Array(projects.length);
  let next = 0;
  let done = 0;
  const slot = async () => {
    let child: ChildProcess | undefined;
    try {
      while (next < projects.length) {
        const i = next++;
        child ??= spawnChild();
        const { result, alive } = await runOne(child, projects[i]!, root, options.timeoutMs, options.settings ?? STANDARD_RUN);
        if (!alive) child = undefined;
        results[i] = result;
        options.onResult?.(result, ++done, projects.length);
      }
    } finally {
      if (child?.connected) child.send({ type: 'exit' } satisfies ToChild);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, projects.length)) }, slot));
  return results;
}
