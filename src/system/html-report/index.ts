/**
 * The `--html` report of a run: `dv run --html FILE`, `dv run --scenario X --html FILE`, and the library's
 * runs. Loaded only when a report is asked for. The run must have recorded (RunOptions.report,
 * ScenarioRunOptions.report) for the pool chart and the IRQL timeline; without it the page says so.
 */
import type { DeviceRequest, RunOutcome } from '../run.ts';
import type { ScenarioOutcome } from '../scenario/run.ts';
import { runReportModel, scenarioReportModel } from './model.ts';
import { renderHtmlReport } from './render.ts';

export { runReportModel, scenarioReportModel, type HtmlReportModel } from './model.ts';
export { renderHtmlReport } from './render.ts';

export function runHtmlReport(outcome: RunOutcome, version: string, requested?: readonly DeviceRequest[]): string {
  return renderHtmlReport(runReportModel(outcome, requested), version);
}

export function scenarioHtmlReport(outcome: ScenarioOutcome, version: string): string {
  return renderHtmlReport(scenarioReportModel(outcome), version);
}
