/**
 * `!ruleinfo RuleId [RuleState [SubState]]`: what a DDI compliance rule checks, as kd's extension
 * prints it (RULE_ID, RULE_NAME, RULE_DESCRIPTION, MSDN_LINK), from the rule table. With the state
 * arguments of a stop (Parameters 3 and 4 of a rule that keeps state), RULE_STATE lines follow.
 */
import { DDI_RULE_TABLE, MIN_RULE_ID, RULEINFO_LINK, ddiRule, levelName } from '../../nt/ddi-rules.ts';
import { CommandError, parseNumber, splitArgs, type Command } from '../command.ts';
import { hex } from '../format.ts';

const WIDTH = 100;

/** Words wrapped to lines of at most WIDTH columns. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export const ruleinfo: Command = {
  name: '!ruleinfo',
  syntax: '!ruleinfo RuleId [RuleState [SubState]]',
  help: 'Explain a DDI compliance rule (the Parameter 1 of a 0xC4 stop of 0x10000 or more): its name, what it checks, the DDIs it watches.',
  run(_t, args) {
    const [id, state, subState] = splitArgs(args);
    if (id === undefined) throw new CommandError('Usage: !ruleinfo RuleId [RuleState [SubState]]');
    const ruleId = parseNumber(id);
    if (ruleId < MIN_RULE_ID) throw new CommandError(`!ruleinfo: 0x${hex(ruleId)} is not a DDI compliance rule ID (rule IDs start at 0x${hex(MIN_RULE_ID)}).`);
    const rule = ddiRule(ruleId);
    if (!rule) throw new CommandError(`!ruleinfo: no rule has ID 0x${hex(ruleId)} (${DDI_RULE_TABLE.length} WDM rules are known).`);
    const out = [`RULE_ID: 0x${hex(rule.id)}`, `RULE_NAME: ${rule.name}`, 'RULE_DESCRIPTION:', ...wrap(rule.description)];
    const irql = Object.entries(rule.irql ?? {});
    const width = Math.max(...irql.map(([ddi]) => ddi.length));
    if (irql.length > 0) out.push('', 'DDIs watched:', ...irql.map(([ddi, r]) => `    ${ddi.padEnd(width)}  IRQL ${r.op} ${levelName(r.level)}`));
    if (rule.ddis) out.push('', 'DDIs watched:', ...rule.ddis.map((d) => `    ${d}`));
    out.push(`MSDN_LINK: ${RULEINFO_LINK}`);
    if (state !== undefined) out.push(`RULE_STATE: 0x${hex(parseNumber(state)).toUpperCase()}`);
    if (subState !== undefined) out.push(`RULE_SUBSTATE: 0x${hex(parseNumber(subState)).toUpperCase()}`);
    return out;
  },
};
