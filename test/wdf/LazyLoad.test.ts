/**
 * The framework is a library loaded by the first driver that imports it: a run of WDM drivers never
 * imports src/wdf (nor maps Wdf01000.sys), a KMDF driver's run does. A child process records every
 * module it resolves (a module.register resolve hook) and runs one driver.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ROOT } from '../helpers.ts';

/** Run `driver` in a fresh process; what src/wdf modules it loaded and whether Wdf01000.sys is in its module list. */
function run(driver: string): { wdfModules: string[]; wdfImage: boolean } {
  const hooks = `export async function resolve(s, c, next) { const r = await next(s, c); if (/[\\\\/]src[\\\\/]wdf[\\\\/]/.test(r.url)) process.stderr.write('WDF ' + r.url + '\\n'); return r; }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    const { runDriver } = await import('./src/system/run.ts');
    const r = await runDriver({ driver: ${JSON.stringify(driver)}, verifierFlags: 0x209bb, ioctls: [] });
    console.log(JSON.stringify(r.machine.kernel.modules.some((m) => m.imageName === 'Wdf01000.sys') || r.dump.modules.some((m) => m.imageName === 'Wdf01000.sys')));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { wdfModules: r.stderr.split('\n').filter((l) => l.startsWith('WDF ')), wdfImage: r.stdout.trim() === 'true' };
}

test('a WDM driver run never loads src/wdf nor maps Wdf01000.sys', () => {
  assert.deepEqual(run('drivers/c/MyDriverClean/MyDriverClean.wasm'), { wdfModules: [], wdfImage: false });
});

test('a KMDF driver run loads the framework on its bind', () => {
  const r = run('drivers/c/kmdf/KmdfNonPnp/KmdfNonPnp.wasm');
  assert.ok(r.wdfModules.some((l) => l.endsWith('/src/wdf/framework.ts')), r.wdfModules.join('\n'));
  assert.equal(r.wdfImage, true);
});
