/** Repeated measurement: every figure is a median over runs, with min and max beside it. */
export interface Figure {
  readonly figure: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
  readonly note?: string;
}

export async function measure(figure: string, unit: string, runs: number, sample: () => number | Promise<number>, note?: string): Promise<Figure> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await sample());
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { figure, unit, median, min: values[0]!, max: values[values.length - 1]!, runs, note };
}

export function ratio(figure: string, a: Figure, b: Figure): Figure {
  const r = a.median / b.median;
  return { figure, unit: 'x', median: r, min: a.min / b.max, max: a.max / b.min, runs: Math.min(a.runs, b.runs), note: `${a.figure} / ${b.figure}, medians` };
}

export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.figure, fmt(f.median), fmt(f.min), fmt(f.max), f.unit, String(f.runs)]);
  const head = ['figure', 'median', 'min', 'max', 'unit', 'runs'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

function fmt(n: number): string {
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
