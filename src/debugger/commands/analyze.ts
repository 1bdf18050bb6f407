/** `!analyze [-v]`: the bug check, its arguments explained, and the details that locate the fault. */
import { WDF_LIBRARY_MODULE } from '../../nt/wdf.ts';
import { argumentTexts, bugCheckInfo, hasSubcodes } from '../../nt/bugcheck.ts';
import { blamesReturnedRoutine } from '../../nt/bugcheck-io.ts';
import { irqlName } from '../../nt/irql.ts';
import { DDI_RULE_LINK, ddiRule } from '../../nt/ddi-rules.ts';
import { CommandError, parseNumber, splitArgs, type Command } from '../command.ts';
import { stackRows } from '../stack-text.ts';
import { memoryAccessLines } from './memory-access.ts';
import { wdfAnalyzeLines } from './wdfanalyze.ts';
import { hex, hex8 } from '../format.ts';
import type { DebugTarget } from '../target.ts';

const BANNER = [
  '*******************************************************************************',
  '*                                                                             *',
  '*                        Bugcheck Analysis                                    *',
  '*                                                                             *',
  '*******************************************************************************',
];

/** Arg texts for the bug check: from its Parameter 1 table (0xC4, 0xC7) or the code's own table. */
export { argumentTexts };

/**
 * The module to blame: the first driver frame on the stack (not nt's, not the framework's), else the driver the stop names (the
 * culprit an unload or shutdown check recorded, with the driver code it points at), else the driver
 * the verifier names.
 */
function faultingModule(t: DebugTarget): { name: string; imageName: string; base: number; frame?: number } | undefined {
  const ctx = t.dump.context;
  // A check made when a driver's dispatch or completion routine returned names that routine: the driver frames still on the stack are its caller's.
  const named = ctx?.culprit;
  const bc0 = t.dump.bugCheck;
  if (named?.address !== undefined && bc0 && blamesReturnedRoutine(bc0.code, bc0.params[0]!)) {
    const r = t.resolve(named.address);
    if (r && r.module.name === named.module) return { name: r.module.name, imageName: r.module.imageName, base: r.module.base, frame: named.address };
  }
  for (const pc of ctx?.stack ?? []) {
    const r = t.resolve(pc);
    // The framework (Wdf01000) is system code too: its checks blame the driver that called it.
    if (r && r.module.name !== 'nt' && r.module.name !== WDF_LIBRARY_MODULE) return { name: r.module.name, imageName: r.module.imageName, base: r.module.base, frame: pc };
  }
  const culprit = ctx?.culprit;
  if (culprit) {
    const m = [...t.modules, ...t.dump.unloadedModules].find((x) => x.name === culprit.module);
    const at = culprit.address !== undefined && t.resolve(culprit.address)?.module.name === culprit.module ? culprit.address : undefined;
    if (m) return { name: m.name, imageName: m.imageName, base: m.base, frame: at };
  }
  const bc = t.dump.bugCheck;
  if (bc?.code === 0xc4 && bc.params[0] === 0x62) {
    const d = t.dump.verifier?.drivers.find((x) => x.entryAddress === bc.params[2]);
    const m = d && t.modules.find((x) => x.name === d.name);
    if (d) return { name: d.name, imageName: d.imageName, base: m?.base ?? 0 };
  }
  return undefined;
}

/** `!analyze -show Code [Parameters]`: a bug check's name, description and arguments, without a dump's. */
function showLines(args: string): string[] {
  const words = splitArgs(args);
  if (words.length === 0 || words.length > 5) throw new CommandError('Usage: !analyze -show Code [P1 [P2 [P3 [P4]]]]');
  const [code, ...rest] = words.map(parseNumber);
  const params = [0, 1, 2, 3].map((i) => rest[i] ?? 0);
  const info = bugCheckInfo(code!);
  const out = [`${info.name} (${hex(code!)})`, ...info.description, 'Arguments:'];
  argumentTexts(code!, params).forEach((lines, i) => {
    out.push(`Arg${i + 1}: ${hex8(params[i]!)}, ${lines[0] ?? ''}`);
    for (const more of lines.slice(1)) out.push(`\t${more}`);
  });
  return out;
}

export const analyze: Command = {
  name: '!analyze',
  syntax: '!analyze [-v] | !analyze -show Code [P1 [P2 [P3 [P4]]]]',
  help: 'Explain the bug check: its arguments, the faulting driver, stack and source line (-v: verbose); -show explains any bug check code and parameters.',
  run(t, args) {
    const show = /^\s*-show\b\s*([\s\S]*)$/i.exec(args);
    if (show) return showLines(show[1]!);
    const brk = t.dump.bugCheck ? undefined : (t.dump.breakIn ?? undefined);
    const bc = t.dump.bugCheck ?? brk;
    if (!bc) return ['No bug check: the machine was not stopped by a bug check (nothing to analyze).'];
    const verbose = /(^|\s)-v\b/.test(args);
    const info = bugCheckInfo(bc.code);
    const out = [...BANNER, ''];
    // A breakpoint the driver executed stands for the unhandled STATUS_BREAKPOINT exception; any other break is Driver Verifier's.
    const breakpoint = brk !== undefined && brk.params[0] === 0x80000003 && (brk.code === 0x1e || brk.code === 0x7e);
    if (brk) out.push(`${breakpoint ? 'Break instruction exception' : 'Driver Verifier break'}: a kernel debugger is attached (g continues, q quits).`, 'Without a debugger the machine would have stopped with:', '');
    out.push(`${info.name} (${hex(bc.code)})`, ...info.description, 'Arguments:');
    argumentTexts(bc.code, bc.params).forEach((lines, i) => {
      out.push(`Arg${i + 1}: ${hex8(bc.params[i]!)}, ${lines[0] ?? ''}`);
      for (const more of lines.slice(1)) out.push(`\t${more}`);
    });
    if (!verbose) return out;

    const ctx = t.dump.context;
    const fault = faultingModule(t);
    out.push('', 'Debugging Details:', '------------------', '');
    out.push(`BUGCHECK_CODE:  ${hex(bc.code)}`, '');
    bc.params.forEach((p, i) => out.push(`BUGCHECK_P${i + 1}: ${hex(p)}`, ''));
    // A DDI compliance rule is bucketed by its name, with the _XDV suffix of the rule extension's stops.
    const rule = bc.code === 0xc4 ? ddiRule(bc.params[0]!) : undefined;
    const bucket = rule ? `0xc4_${rule.name}_XDV` : hasSubcodes(bc.code) ? `0x${hex(bc.code)}_${hex(bc.params[0]!)}` : `0x${hex(bc.code)}`;
    out.push(`BUGCHECK_STR:  ${bucket}`, '');
    if (rule) {
      out.push(`DV_VIOLATED_CONDITION:  ${t.cstring(bc.params[1]!) ?? '<the condition text is not in the dump>'}`, '');
      out.push(`DV_MSDN_LINK: !url ${DDI_RULE_LINK}`, '', `DV_RULE_INFO: !ruleinfo 0x${hex(rule.id)}`, '');
    }
    if (fault) {
      out.push(`IMAGE_NAME:  ${fault.imageName}`, '', `MODULE_NAME: ${fault.name}`, '');
      if (fault.base) out.push(`FAULTING_MODULE: ${hex8(fault.base)} ${fault.name}`, '');
    }
    if (bc.code === 0xc4) out.push('DEFAULT_BUCKET_ID:  WIN8_DRIVER_FAULT', '');
    if (ctx) {
      out.push(`PROCESS_NAME:  ${ctx.processName}`, '', `CURRENT_IRQL:  ${hex(ctx.irql)} (${irqlName(ctx.irql)})`, '');
      if (ctx.exception) out.push(`EXCEPTION_RECORD:  host exception in driver code: ${ctx.exception.message}`, '');
      if (ctx.hang) out.push(`HANG_REASON:  ${ctx.hang.reason}`, '', 'The machine hung; dv forced this crash dump, as CrashOnCtrlScroll would, to show where it was.', '');
      if (ctx.memoryAccess) out.push(...memoryAccessLines(t, ctx.memoryAccess));
      out.push('STACK_TEXT:  ', ...stackRows(t, ctx.stack, false), '', '');
    }
    if (fault?.frame !== undefined) {
      const sym = t.symbol(fault.frame);
      out.push(`SYMBOL_NAME:  ${sym}`, '');
      const line = t.line(fault.frame);
      if (line) {
        out.push(`FAULTING_SOURCE_LINE:  ${line.file}(${line.line})+0x${hex(fault.frame - line.lineStart)}`, '');
        out.push(`FAULTING_SOURCE_FILE:  ${line.file}`, '', `FAULTING_SOURCE_LINE_NUMBER:  ${line.line}`, '');
      }
    }
    out.push(...wdfAnalyzeLines(t, bc.code, bc.params, fault?.name));
    if (bc.code === 0xc4 && bc.params[0] === 0x62 && fault) {
      out.push(`FOLLOWUP_NAME:  MachineOwner`, '', `FAILURE_BUCKET_ID:  0xc4_62_VRF_LEAKED_POOL_IMAGE_${fault.imageName}`, '');
      out.push(`Followup:     MachineOwner`, '---------');
    } else {
      out.push(`FAILURE_BUCKET_ID:  ${bucket}_VRF_${fault ? (fault.frame !== undefined ? t.functionName(fault.frame) || fault.name : fault.imageName) : 'nt'}`, '');
      out.push(`Followup:     MachineOwner`, '---------');
    }
    return out;
  },
};
