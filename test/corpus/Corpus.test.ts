/**
 * The corpus runner over a fake corpus built in a temp folder: which projects it finds, how it
 * classifies them, what builds, how each run ends, the blocker it names, and the rows of compat.md.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { discoverProjects } from '../../src/corpus/discover.ts';
import { runProjects } from '../../src/corpus/pool.ts';
import type { ProjectResult } from '../../src/corpus/project-run.ts';
import { compatMarkdown } from '../../src/corpus/report.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';
import { FAKE, writeFakeCorpus } from './fake-corpus.ts';

const root = mkdtempSync(join(tmpdir(), 'dv-corpus-test-'));
writeFakeCorpus(root);
after(() => rmSync(root, { recursive: true, force: true }));

test('finds the kernel driver projects and the driver folders without one, nothing else', () => {
  const paths = discoverProjects(root).map((p) => p.path);
  assert.deepEqual(paths, [FAKE.failing, FAKE.missingHeader, FAKE.cpp, FAKE.kmdf, FAKE.event, FAKE.ioctl, FAKE.shared, FAKE.hangs, FAKE.leaky, FAKE.loose]);
});

test("a project's sources, include folders and defines come from its Release|x64 configuration", () => {
  const p = discoverProjects(root).find((x) => x.path === FAKE.ioctl)!;
  assert.equal(p.configuration, 'Release|x64');
  assert.deepEqual(
    p.sources.map((s) => s.slice(root.length + 1)),
    ['general/ioctl/wdm/sys/sioctl.c', 'general/ioctl/wdm/common/shared.c'],
  );
  assert.deepEqual(p.includeDirs, [join(root, 'general/ioctl/wdm/inc')]); // $(DDK_INC_PATH) is ours to provide
  assert.deepEqual(p.defines, ['SAMPLE_ANSWER=42']);
});

let rows: ProjectResult[] = [];
const byPath = (path: string) => rows.find((r) => r.path === path)!;

before(async () => {
  if (NEEDS_CLANG) return;
  rows = await runProjects(discoverProjects(root), root, { jobs: 2, timeoutMs: 300_000 });
});

test('a WDM project builds from its project file and answers the IOCTL sample\'s four requests', { skip: NEEDS_CLANG }, () => {
  assert.deepEqual(byPath(FAKE.ioctl), { path: FAKE.ioctl, label: 'WDM', family: 'WDM', model: 'WDM', needs: [], built: true, run: 'clean, 4/4 requests ok', clean: true, blocker: '' });
});

test('a missing header is the blocker, named as clang names it; FltMgr.lib makes a minifilter', { skip: NEEDS_CLANG }, () => {
  const r = byPath(FAKE.missingHeader);
  assert.equal(r.label, 'minifilter');
  assert.equal(r.built, false);
  assert.equal(r.run, 'not run');
  assert.equal(r.blocker, "'dv_no_such_header.h' file not found");
  // Sources one folder over (..\src\entry.c) are found and built.
  assert.equal(byPath(FAKE.shared).blocker, "'dv_split_header.h' file not found");
});

test('a KMDF project with WPP is classed so: dv build generates its .tmh, wdf.h is found, and it stops on a framework DDI the headers do not declare', { skip: NEEDS_CLANG }, () => {
  const r = byPath(FAKE.kmdf);
  assert.deepEqual([r.label, r.family, r.needs], ['KMDF [WPP]', 'KMDF', ['WPP']]);
  assert.equal(r.built, false);
  assert.equal(r.blocker, "undeclared function 'WdfDvNoSuchDdi'");
});

test('a C++ project builds as C++ and runs like any other', { skip: NEEDS_CLANG }, () => {
  const r = byPath(FAKE.cpp);
  assert.deepEqual([r.built, r.clean, r.blocker], [true, true, ''], JSON.stringify(r));
});

test('a driver folder without a project builds from its sources; no device is said', { skip: NEEDS_CLANG }, () => {
  assert.deepEqual(byPath(FAKE.loose), { path: FAKE.loose, label: 'WDM', family: 'WDM', model: 'WDM', needs: [], built: true, run: 'clean, no device', clean: true, blocker: '' });
});

test("a run's bug check and a hang are the run result and the blocker", { skip: NEEDS_CLANG }, () => {
  const leaky = byPath(FAKE.leaky);
  assert.deepEqual([leaky.built, leaky.run, leaky.clean], [true, 'bug check 0xC4/0x62', false]);
  assert.equal(leaky.blocker, 'bug check 0xC4/0x62 DRIVER_VERIFIER_DETECTED_VIOLATION at unload');
  const hangs = byPath(FAKE.hangs);
  assert.deepEqual([hangs.built, hangs.run, hangs.clean], [true, 'hang', false]);
  assert.match(hangs.blocker, /^hang in DriverEntry: thread \(System\) waits forever on .*: nothing left to run can signal it$/); // no addresses
});

test('a DriverEntry that fails is a load failure; a documented request that fails is the blocker; a sample\'s breakpoint is continued, as under kd', { skip: NEEDS_CLANG }, () => {
  const failing = byPath(FAKE.failing);
  assert.deepEqual([failing.built, failing.run, failing.clean, failing.blocker], [true, 'load failed', false, 'DriverEntry failed with STATUS_UNSUCCESSFUL']);
  const event = byPath(FAKE.event);
  assert.deepEqual(
    [event.built, event.run, event.clean, event.blocker],
    [true, 'clean, 0/1 requests ok (first failure STATUS_INVALID_DEVICE_REQUEST); 1 breakpoint continued', false, 'IOCTL 0x222000 failed with STATUS_INVALID_DEVICE_REQUEST'],
  );
});

test('compat.md: counts, top blockers and one row per project, date-free', { skip: NEEDS_CLANG }, () => {
  const md = compatMarkdown(rows, { corpus: '`fake`', command: 'npm run corpus -- DIR' });
  assert.ok(md.includes('| **all** | 10 | 7 | 3 |'), md);
  assert.ok(md.includes('| WDM | 8 | 7 | 3 |'), md);
  assert.ok(md.includes('| **plain WDM (no framework, no generated headers)** | 8 | 7 | 3 |'), md);
  // The KMDF total counts every project written against the framework, with its own blockers.
  assert.ok(md.includes('| **written against KMDF (any class)** | 1 | 0 | 0 |'), md);
  assert.match(md, /## Top blockers: written against KMDF \(any class\)\n[^#]*\| 1 \| `undeclared function 'WdfDvNoSuchDdi'` \|/);
  assert.ok(md.includes(`| ${FAKE.ioctl} | WDM | yes | clean, 4/4 requests ok |   |`), md);
  assert.ok(md.includes(`| ${FAKE.missingHeader} | minifilter | no | not run | \`'dv_no_such_header.h' file not found\` |`), md);
  assert.ok(md.includes(`| ${FAKE.kmdf} | KMDF [WPP] | no | not run | \`undeclared function 'WdfDvNoSuchDdi'\` |`), md);
  assert.ok(md.includes(`| ${FAKE.loose} | WDM | yes | clean, no device |   |`), md);
  assert.ok(md.includes("| 1 | `'dv_no_such_header.h' file not found` |"), md);
  assert.doesNotMatch(md, /20\d\d-\d\d-\d\d/);
  assert.equal(compatMarkdown(rows, { corpus: '`fake`', command: 'npm run corpus -- DIR' }), md);
});

const corpusCli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/corpus/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

test('npm run corpus: prints the table, writes --out, progress on stderr', { skip: NEEDS_CLANG }, () => {
  const out = join(root, 'compat.md');
  const r = corpusCli(root, '--only', 'loose', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^loose\/\s+WDM\s+yes\s+clean, no device$/m);
  assert.match(r.stderr, /\[1\/1\] loose\/: built, clean, no device/);
  const md = readFileSync(out, 'utf8');
  assert.ok(md.includes('| loose/ | WDM | yes | clean, no device |   |'), md);
  assert.match(md, /not a git checkout/);
});

test("compat.md's header names a git checkout's commit, and --name/--commit name an exported tree", { skip: NEEDS_CLANG }, () => {
  const repo = mkdtempSync(join(tmpdir(), 'dv-corpus-git-'));
  try {
    writeFakeCorpus(repo);
    const git = (...args: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });
    assert.equal(git('init', '-q').status, 0);
    assert.equal(git('add', '.').status, 0);
    assert.equal(git('commit', '-qm', 'corpus').status, 0);
    const head = git('rev-parse', 'HEAD').stdout.trim();
    const out = join(repo, 'compat.md');
    assert.equal(corpusCli(repo, '--only', 'loose', '--out', out).status, 0);
    assert.ok(readFileSync(out, 'utf8').includes(`at commit \`${head}\``));
    // A folder inside a checkout is not that checkout's corpus: only what --commit says is named.
    const sub = join(repo, 'loose');
    assert.equal(corpusCli(sub, '--out', out, '--name', 'acme/drivers', '--commit', 'abc123').status, 0);
    assert.ok(readFileSync(out, 'utf8').includes('Corpus: `acme/drivers` at commit `abc123` (an exported tree'));
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

test('npm run corpus: a missing folder or an unwritable --out is exit 2 with a message, nothing run', () => {
  const missing = corpusCli(join(root, 'no-such-folder'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^corpus: .*no-such-folder: no such folder$/m);
  assert.doesNotMatch(missing.stderr, /\bat \w+ \(/); // no stack
  const badOut = corpusCli(root, '--out', join(root, 'nowhere', 'compat.md'));
  assert.equal(badOut.status, 2);
  assert.match(badOut.stderr, /--out .*: the folder .*nowhere does not exist/);
  const badJobs = corpusCli(root, '--jobs', '0');
  assert.equal(badJobs.status, 2);
});

test('a project past its time limit is killed, its row says so, and the next project gets a fresh runner', { skip: NEEDS_CLANG }, async () => {
  // 1 ms: no build (clang started three times) can finish in it, so both projects time out in their build.
  const projects = discoverProjects(root).filter((p) => p.path === FAKE.ioctl || p.path === FAKE.loose);
  const timedOut = await runProjects(projects, root, { jobs: 1, timeoutMs: 1 });
  assert.deepEqual(
    timedOut.map((r) => [r.path, r.built, r.run, r.blocker]),
    [
      [FAKE.ioctl, false, 'not run', 'timed out after 0.001 s in its build'],
      [FAKE.loose, false, 'not run', 'timed out after 0.001 s in its build'],
    ],
  );
});
