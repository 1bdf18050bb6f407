/**
 * `dv run --junit FILE`: the run as JUnit XML, the report CI test tabs read (Jenkins, GitLab, GitHub
 * test reporters). One test suite for the run, one test case per step in order: load, open, each request,
 * unload, shutdown. The step the machine stopped in fails (a bug check) or errs (a hang); the steps after
 * it are skipped. A request's status is the driver's answer, not a verdict: it is reported, and the case
 * passes, unless the machine stopped in it.
 */
import type { DeviceRequest, RunOutcome } from '../system/run.ts';
import { IRP_MJ_NAMES } from './report.ts';
import { summaryLine } from './report.ts';

const hexs = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase()}`;

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

interface Step {
  readonly name: string;
  readonly out?: string;
  readonly verdict: 'pass' | 'stop' | 'skipped';
}

function requestName(r: DeviceRequest, i: number): string {
  const what = r.kind === 'ioctl' ? `IRP_MJ_DEVICE_CONTROL ${hexs(r.code)}` : r.kind === 'read' ? `IRP_MJ_READ ${hexs(r.length)} bytes` : `IRP_MJ_WRITE ${hexs(r.data.length)} bytes`;
  return `request ${i + 1}: ${what}`;
}

/** The steps in order, with the one the machine stopped in marked. */
function steps(outcome: RunOutcome, requested: readonly DeviceRequest[]): Step[] {
  const stopped = outcome.bugCheck !== null || outcome.hang !== null;
  const out: Step[] = [];
  let stopTaken = false;
  const step = (name: string, done: boolean, text?: string) => {
    const verdict = done ? 'pass' : stopTaken || !stopped ? 'skipped' : 'stop';
    if (verdict === 'stop') stopTaken = true;
    out.push({ name, verdict, ...(text !== undefined ? { out: text } : {}) });
  };
  step(`load ${outcome.driver}`, outcome.loaded);
  if (outcome.open) step(`open ${outcome.open.name}`, true, `status ${hexs(outcome.open.status)}`);
  requested.forEach((r, i) => {
    const res = outcome.requests[i];
    step(requestName(r, i), res !== undefined, res ? `${IRP_MJ_NAMES[res.major] ?? hexs(res.major)}: status ${hexs(res.status)}, information ${hexs(res.information)}` : undefined);
  });
  step(`unload ${outcome.driver}`, outcome.unloaded);
  step('shutdown', outcome.shutDown);
  // A stop after every step ran (a driver left loaded on purpose, then a bug check at shutdown) fails the last.
  if (stopped && !stopTaken) out[out.length - 1] = { ...out[out.length - 1]!, verdict: 'stop' };
  return out;
}

export function junitXml(outcome: RunOutcome, requested: readonly DeviceRequest[]): string {
  const all = steps(outcome, requested);
  const failures = outcome.bugCheck ? all.filter((s) => s.verdict === 'stop').length : 0;
  const errors = outcome.hang ? all.filter((s) => s.verdict === 'stop').length : 0;
  const skipped = all.filter((s) => s.verdict === 'skipped').length;
  const suite = escapeXml(outcome.driver);
  const stopText = escapeXml(summaryLine(outcome));
  const bc = outcome.bugCheck;
  const cases = all.map((s) => {
    const open = `    <testcase name="${escapeXml(s.name)}" classname="${suite}">`;
    const body: string[] = [];
    if (s.verdict === 'skipped') body.push('      <skipped message="not reached: the machine stopped before this step"/>');
    if (s.verdict === 'stop' && bc) body.push(`      <failure message="${stopText}" type="bugcheck ${hexs(bc.code)}">${escapeXml(`${bc.name} (${bc.params.map(hexs).join(', ')})`)}</failure>`);
    if (s.verdict === 'stop' && outcome.hang) body.push(`      <error message="${stopText}" type="hang">${escapeXml(outcome.hang.reason)}</error>`);
    if (s.out) body.push(`      <system-out>${escapeXml(s.out)}</system-out>`);
    return body.length ? [open, ...body, '    </testcase>'].join('\n') : `${open.slice(0, -1)}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="dv run" tests="${all.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    `  <testsuite name="${suite}" tests="${all.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
