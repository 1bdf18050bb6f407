/**
 * The --html page in a real headless Chromium (Debian's `chromium`, driven by playwright-core; no browser
 * download): loaded from its file, it fetches nothing, the DOM holds the bug check, the leak rows with their
 * tags and the requests, and the charts have drawn (their lines' pixels are on the screenshot). The
 * screenshots are written to test/output/html-report/ (git-ignored) for a person to look at.
 *
 * Without chromium or playwright-core the tests skip, saying why; under CI (CI=true) that is a failure:
 * .ci/run installs chromium.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { runHtmlReport } from '../../src/system/html-report/index.ts';
import { PALETTE } from '../../src/system/html-report/charts.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, fixture } from '../helpers.ts';

const CHROMIUM = process.env.DV_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT = join(ROOT, 'test', 'output', 'html-report');
const SAMPLE = fixture('ReportSample.ts');
const allocate = (n: number): DeviceRequest => ({ kind: 'ioctl', code: 0x222000, input: Buffer.from([n]), outputLength: 0 });
const FREE: DeviceRequest = { kind: 'ioctl', code: 0x222004, input: new Uint8Array(0), outputLength: 0 };

/** The part of playwright-core's API this test uses (the package is imported by name at run time, when it is there). */
interface Page {
  on(event: 'request', listener: (r: { url(): string }) => void): void;
  on(event: 'console', listener: (m: { type(): string; text(): string }) => void): void;
  goto(url: string): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  screenshot(options: { path?: string; fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number } }): Promise<Buffer>;
  close(): Promise<void>;
}
interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
  version(): string;
  close(): Promise<void>;
}
interface Playwright {
  chromium: { launch(options: { executablePath: string; headless: boolean; args?: string[] }): Promise<Browser> };
}

/** Why the browser tests cannot run here, or undefined when they can. */
async function unavailable(): Promise<string | undefined> {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium, or DV_CHROMIUM=path)`;
  try {
    const name = 'playwright-core';
    playwright = (await import(name)) as Playwright;
  } catch (e) {
    return `playwright-core cannot be imported (npm install): ${(e as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

let playwright: Playwright | undefined;
let browser: Browser | undefined;
let why: string | undefined;

before(async () => {
  why = await unavailable();
  if (why && process.env.CI === 'true') throw new Error(`the HTML report's browser test cannot run under CI: ${why}`);
  if (why) {
    console.log(`# skipping the headless Chromium tests: ${why}`);
    return;
  }
  mkdirSync(OUTPUT, { recursive: true });
  browser = await playwright!.chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
});

/** Write the page, open it from its file, and check it fetched nothing and logged no error. */
async function open(name: string, html: string): Promise<{ page: Page; file: string }> {
  const file = join(OUTPUT, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser!.newPage({ viewport: { width: 1040, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  assert.deepEqual(requests.filter((u) => u !== url), [], 'the page fetched something: it must be self-contained');
  assert.deepEqual(errors, []);
  return { page, file };
}

/**
 * What the leak test reads from the DOM, as plain JavaScript: a function the test runner compiled would
 * reach the page with the compiler's helpers (tsx names inner functions with `__name`), which the page lacks.
 */
const READ_LEAK_PAGE = `(() => {
  const cells = (table) => [...document.querySelectorAll('#' + table + ' tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
  return {
    title: document.title,
    code: document.querySelector('#bugcheck [data-code]')?.getAttribute('data-code'),
    params: cells('parameters').map((r) => r[1]),
    leaks: cells('leak-table').map((r) => r[2]),
    leakTagAttrs: [...document.querySelectorAll('#leak-table tbody tr')].map((tr) => tr.getAttribute('data-tag')),
    requests: cells('request-table').map((r) => r[1] + ' -> ' + r[2] + ', ' + r[3]),
    series: [...document.querySelectorAll('#pool-chart path.series')].map((p) => ({ tag: p.getAttribute('data-tag'), length: p.getTotalLength(), width: p.getBBox().width })),
    irqlLength: document.querySelector('#irql-chart path.irql-line')?.getTotalLength() ?? 0,
    scripts: document.scripts.length,
  };
})()`;

interface LeakPage {
  title: string;
  code: string | null;
  params: string[];
  leaks: string[];
  leakTagAttrs: (string | null)[];
  requests: string[];
  series: { tag: string | null; length: number; width: number }[];
  irqlLength: number;
  scripts: number;
}

const evaluateText = (page: Page, expression: string): Promise<unknown> => (page as unknown as { evaluate(e: string): Promise<unknown> }).evaluate(expression);

/** How many pixels of a chart, as Chromium drew it on the screen, have this colour (the screenshot decoded in the page). */
async function pixelsOf(page: Page, selector: string, color: string): Promise<number> {
  const box = await page.evaluate((s: string) => {
    const r = document.querySelector(s)!.getBoundingClientRect();
    return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
  }, selector);
  assert.ok(box.width > 0 && box.height > 0, `${selector} has no size`);
  const png = await page.screenshot({ clip: box, fullPage: true });
  const rgb = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
  return page.evaluate(
    async ({ data, rgb }: { data: string; rgb: number[] }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, img.width, img.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i]! - rgb[0]!) + Math.abs(px[i + 1]! - rgb[1]!) + Math.abs(px[i + 2]! - rgb[2]!) < 40) n++;
      return n;
    },
    { data: png.toString('base64'), rgb },
  );
}

test('a leak report in Chromium: the bug check, the leak rows and their tags, the requests, charts that have drawn', async (t) => {
  if (why) return t.skip(why);
  const requests = [allocate(5), allocate(3)];
  const outcome = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, requests, report: true });
  const { page } = await open('leak', runHtmlReport(outcome, '0.1.0', requests));
  const dom = (await evaluateText(page, READ_LEAK_PAGE)) as LeakPage;
  assert.equal(dom.title, 'Bug check: ReportSample.sys - driver-verifier');
  assert.equal(dom.code, '0xC4');
  assert.equal(dom.params[0], '00000062');
  assert.equal(dom.params[3], '00000008');
  assert.deepEqual(dom.leaks, Array(8).fill('<&">'));
  assert.deepEqual(dom.leakTagAttrs, Array(8).fill('<&">'));
  assert.deepEqual(dom.requests, ['open \\Device\\ReportSample -> STATUS_SUCCESS (0x0), ', 'IRP_MJ_DEVICE_CONTROL 0x222000 -> STATUS_SUCCESS (0x0), 5', 'IRP_MJ_DEVICE_CONTROL 0x222000 -> STATUS_SUCCESS (0x0), 3']);
  assert.equal(dom.scripts, 0);
  assert.deepEqual(dom.series.map((s) => s.tag), ['<&">', 'RpCx', 'RpTm']);
  for (const s of dom.series) assert.ok(s.length > 100 && s.width > 100, JSON.stringify(s));
  assert.ok(dom.irqlLength > 100);
  // The lines are on the screen: the first series' and the IRQL line's colour, drawn by Chromium.
  assert.ok((await pixelsOf(page, '#pool-chart', PALETTE[0]!)) > 300);
  assert.ok((await pixelsOf(page, '#irql-chart', PALETTE[0]!)) > 300);
  await page.screenshot({ path: join(OUTPUT, 'leak.png'), fullPage: true });
  await page.close();
});

test('a clean report in Chromium says it is clean, with no leak rows and its chart drawn', async (t) => {
  if (why) return t.skip(why);
  const requests = [allocate(4), FREE];
  const outcome = await runDriver({ driver: SAMPLE, verifierFlags: STANDARD_FLAGS, requests, report: true });
  const { page } = await open('clean', runHtmlReport(outcome, '0.1.0', requests));
  const dom = await page.evaluate(
    () => ({
      verdict: document.querySelector('#verdict')?.textContent,
      bugcheck: document.querySelector('#bugcheck .no-bugcheck')?.textContent,
      leakRows: document.querySelectorAll('#leak-table tbody tr').length,
      requests: document.querySelectorAll('#request-table tbody tr').length,
    }),
    undefined,
  );
  assert.deepEqual(dom, { verdict: 'Clean: no bug check, no hang', bugcheck: 'No bug check: the run is clean.', leakRows: 0, requests: 3 });
  assert.ok((await pixelsOf(page, '#pool-chart', PALETTE[0]!)) > 300);
  await page.screenshot({ path: join(OUTPUT, 'clean.png'), fullPage: true });
  await page.close();
});
