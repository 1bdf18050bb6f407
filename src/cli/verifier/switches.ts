/**
 * verifier.exe's command line (dv-reference.md §5.1-5.2): switches start with `/` or `-` and are not
 * case-sensitive; /flags takes decimal or 0x-hex, as verifier.exe reads it (dv's other commands read hex);
 * /driver takes image names without wildcards. Several switches combine on one line
 * (`/flags 7 /driver beep.sys disksdd.sys`). A switch dv does not know, or one it cannot honour, is an
 * error that says why: nothing is silently ignored.
 */
import { STANDARD_FLAGS, VF, unknownFlagBits } from '../../verifier/flags.ts';
import { BOOT_MODES, type BootMode, type FaultOptions } from './state.ts';

export class SwitchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SwitchError';
  }
}

/** A change of settings: what was given; the rest stays as it is. */
export interface SettingsChange {
  readonly kind: 'set';
  readonly flags?: number;
  /** Image names, or '*' for /all. */
  readonly drivers?: readonly string[];
  readonly exclude?: readonly string[];
  readonly faults?: FaultOptions;
  readonly systematic?: 'enable' | 'disable';
  readonly bootMode?: BootMode;
  readonly bootCount?: number;
  readonly log?: string;
  /** /volatile: for the next run only (the machine's current boot), replacing the persisted settings there. */
  readonly volatile?: { readonly add: readonly string[]; readonly remove: readonly string[] };
}

export type VerifierCommand = SettingsChange | { readonly kind: 'reset' } | { readonly kind: 'query' } | { readonly kind: 'querysettings' } | { readonly kind: 'help' };

/**
 * Rule classes (/ruleclasses, /rc) and the option each turns on (§5.4); the classes with no option
 * here are refused by name.
 */
export const RULE_CLASSES: ReadonlyMap<number, number> = new Map([
  [1, VF.SPECIAL_POOL],
  [2, VF.FORCE_IRQL_CHECKING],
  [3, VF.RANDOMIZED_LOW_RESOURCES],
  [4, VF.POOL_TRACKING],
  [5, VF.IO_VERIFICATION],
  [6, VF.DEADLOCK_DETECTION],
  [8, VF.DMA_CHECKING],
  [9, VF.SECURITY_CHECKS],
  [10, VF.FORCE_PENDING_IO],
  [11, VF.IRP_LOGGING],
  [12, VF.MISCELLANEOUS_CHECKS],
  [14, VF.INVARIANT_MDL_STACK],
  [15, VF.INVARIANT_MDL_DRIVER],
  [16, VF.POWER_FRAMEWORK_DELAY_FUZZING],
  [17, VF.PORT_MINIPORT_CHECKING],
  [18, VF.DDI_COMPLIANCE],
  [19, VF.SYSTEMATIC_LOW_RESOURCES],
  [20, VF.DDI_COMPLIANCE_ADDITIONAL],
  [22, VF.NDIS_WIFI],
  [24, VF.KERNEL_SYNC_DELAY_FUZZING],
  [25, VF.VM_SWITCH],
  [26, VF.CODE_INTEGRITY],
]);

const UNSUPPORTED_CLASSES: ReadonlyMap<number, string> = new Map([
  [33, 'Driver isolation checks'],
  [34, 'WDF Verification (dv has no KMDF yet)'],
  [35, 'Additional IRQL checking'],
  [36, 'DIF mode'],
  [37, 'File System Filter verification'],
]);

/** The options that need I/O verification, which verifier.exe adds with them (§5.3). */
const NEEDS_IO_VERIFICATION = VF.FORCE_PENDING_IO | VF.IRP_LOGGING | VF.INVARIANT_MDL_STACK | VF.INVARIANT_MDL_DRIVER;

/** verifier.exe's number: decimal, or hex with 0x. */
export function exeNumber(text: string, what: string): number {
  const t = text.trim();
  const v = /^0x[0-9a-f]+$/i.test(t) ? Number.parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isSafeInteger(v) || v > 0xffffffff) {
    const hint = /^[0-9a-f]+$/i.test(t) ? ` (hex needs 0x, as verifier.exe reads it: 0x${t})` : '';
    throw new SwitchError(`${what} '${text}' is not a number: decimal, or hex with 0x${hint}`);
  }
  return v;
}

function withIoVerification(flags: number): number {
  return (flags & NEEDS_IO_VERIFICATION ? flags | VF.IO_VERIFICATION : flags) >>> 0;
}

/** `/name` or `-name` (letters and dots, as /driver.exclude): a Unix path such as /tmp/a.log is a value. */
const isSwitch = (a: string) => /^[/-](\?|[A-Za-z][A-Za-z.]*)$/.test(a);

/** Parse verifier.exe's arguments into one command. */
export function parseVerifierSwitches(argv: readonly string[]): VerifierCommand {
  if (argv.length === 0) throw new SwitchError('no switch given; dv verifier /? lists them');
  let i = 0;
  const next = () => argv[i++];
  /** The values after a switch, up to the next switch. */
  const values = (): string[] => {
    const out: string[] = [];
    while (i < argv.length && !isSwitch(argv[i]!)) out.push(argv[i++]!);
    return out;
  };
  const one = (sw: string): string => {
    const v = values();
    if (v.length !== 1) throw new SwitchError(`${sw} takes one value${v.length ? `, not ${v.length} (${v.join(' ')})` : ''}`);
    return v[0]!;
  };
  let flags: number | undefined;
  let drivers: string[] | undefined;
  let exclude: string[] | undefined;
  let faults: FaultOptions | undefined;
  let systematic: SettingsChange['systematic'];
  let bootMode: BootMode | undefined;
  let bootCount: number | undefined;
  let log: string | undefined;
  let volatile = false;
  const add: string[] = [];
  const remove: string[] = [];
  const alone: VerifierCommand[] = [];
  const setFlags = (sw: string, v: number) => {
    if (flags !== undefined) throw new SwitchError(`${sw}: the options were already given (/standard, /flags and /ruleclasses exclude each other)`);
    flags = v;
  };
  while (i < argv.length) {
    const raw = next()!;
    if (!isSwitch(raw)) throw new SwitchError(`'${raw}' is not a switch (switches start with / or -); dv verifier /? lists them`);
    const sw = `/${raw.slice(1).toLowerCase()}`;
    switch (sw) {
      case '/?':
      case '/help':
        alone.push({ kind: 'help' });
        break;
      case '/standard':
        setFlags(raw, STANDARD_FLAGS);
        break;
      case '/flags': {
        const v = exeNumber(one(raw), '/flags value');
        const unknown = unknownFlagBits(v);
        if (unknown !== 0) throw new SwitchError(`/flags 0x${v.toString(16)} sets bits that name no option: 0x${unknown.toString(16)}`);
        setFlags(raw, withIoVerification(v));
        break;
      }
      case '/ruleclasses':
      case '/rc': {
        const ids = values();
        if (ids.length === 0) throw new SwitchError(`${raw} takes rule class numbers (decimal), e.g. /rc 1 2 4 5`);
        let v = 0;
        for (const id of ids) {
          const n = exeNumber(id, 'rule class');
          const unsupported = UNSUPPORTED_CLASSES.get(n);
          if (unsupported) throw new SwitchError(`rule class ${n} (${unsupported}) is not supported by dv`);
          const f = RULE_CLASSES.get(n);
          if (f === undefined) throw new SwitchError(`${n} is not a rule class (verifier.exe's classes are 1-26 and 33-37)`);
          v |= f;
        }
        setFlags(raw, withIoVerification(v));
        break;
      }
      case '/all':
        drivers = ['*'];
        break;
      case '/driver':
      case '/drivers': {
        const names = values();
        if (names.length === 0) throw new SwitchError(`${raw} takes driver image names, e.g. ${raw} MyDriver.sys`);
        const wild = names.find((n) => /[*?]/.test(n));
        if (wild) throw new SwitchError(`${raw}: '${wild}': verifier.exe takes no wildcards in driver names (use /all)`);
        drivers = [...(drivers?.filter((d) => d !== '*') ?? []), ...names];
        break;
      }
      case '/driver.exclude':
        exclude = values();
        if (exclude.length === 0) throw new SwitchError(`${raw} takes driver image names`);
        break;
      case '/faults': {
        const [p, tags, apps, delay, ...more] = values();
        if (more.length) throw new SwitchError(`/faults takes at most four values (Probability PoolTags Applications DelayMins), not ${4 + more.length}`);
        const given = (s: string | undefined) => s !== undefined && s !== '';
        faults = {
          ...(given(p) ? { probability: exeNumber(p!, '/faults probability') } : {}),
          tags: given(tags) ? tags!.split(/\s+/).filter(Boolean) : [],
          applications: given(apps) ? apps!.split(/\s+/).filter(Boolean) : [],
          ...(given(delay) ? { delayMinutes: exeNumber(delay!, '/faults DelayMins') } : {}),
        };
        if (faults.probability !== undefined && faults.probability > 10000) throw new SwitchError(`/faults probability ${faults.probability} is over 10000 (chances in 10,000)`);
        const badTag = faults.tags.find((t) => t.length !== 4 || t.includes('*'));
        if (badTag !== undefined) throw new SwitchError(`/faults pool tag '${badTag}': dv matches whole tags of 4 characters, without wildcards`);
        if (faults.applications.length) throw new SwitchError('/faults Applications: dv fails allocations in every process context; give "" for this parameter');
        break;
      }
      case '/faultssystematic': {
        const opt = one(raw).toLowerCase();
        const mode = ({ enableruntime: 'enable', disableruntime: 'disable' } as const)[opt as 'enableruntime'];
        if (opt === 'recordruntime') throw new SwitchError('/faultssystematic recordruntime: dv run --faults exhaustive lists every failure point a run reaches, and fails each in a run of its own');
        if (!mode) {
          const boot = /boottime$/.test(opt);
          throw new SwitchError(
            boot
              ? `/faultssystematic ${opt}: dv has no boot-time phase (the verified driver loads after boot); use enableruntime or disableruntime`
              : `/faultssystematic ${opt} is not supported; use enableruntime or disableruntime`,
          );
        }
        systematic = mode;
        break;
      }
      case '/bootmode': {
        const m = one(raw).toLowerCase();
        const mode = m === 'rous' ? 'resetonunusualshutdown' : m;
        if (!BOOT_MODES.includes(mode as BootMode)) throw new SwitchError(`/bootmode ${m}: use ${BOOT_MODES.join(', ')}`);
        bootMode = mode as BootMode;
        break;
      }
      case '/bc':
        bootCount = exeNumber(one(raw), '/bc count');
        if (bootCount === 0) throw new SwitchError('/bc takes a number of reboots of 1 or more');
        break;
      case '/log':
        log = one(raw);
        break;
      case '/interval':
        throw new SwitchError('/interval: a dv run appends its statistics to the /log file once, when it ends; there is no running machine to sample between commands');
      case '/volatile':
        volatile = true;
        break;
      case '/adddriver':
      case '/removedriver': {
        const names = values();
        if (names.length === 0) throw new SwitchError(`${raw} takes driver image names`);
        (sw === '/adddriver' ? add : remove).push(...names);
        break;
      }
      case '/reset':
        alone.push({ kind: 'reset' });
        break;
      case '/query':
        alone.push({ kind: 'query' });
        break;
      case '/querysettings':
        alone.push({ kind: 'querysettings' });
        break;
      case '/dif':
      case '/now':
      case '/stop':
        throw new SwitchError(`${raw}: DIF mode is not supported by dv; use /ruleclasses or /flags`);
      case '/rules':
        throw new SwitchError('/rules: the rules cannot be switched one by one in dv; every rule of the options set is checked (docs/checks.md lists them)');
      case '/domain':
      case '/logging':
      case '/livedump':
        throw new SwitchError(`${raw}: verifier extension domains are not supported by dv`);
      default:
        throw new SwitchError(`unknown switch ${raw}; dv verifier /? lists them`);
    }
  }
  const change = flags !== undefined || drivers || exclude || faults || systematic || bootMode || bootCount !== undefined || log !== undefined || volatile || add.length || remove.length;
  if (alone.length > 1 || (alone.length === 1 && change)) throw new SwitchError(`${alone.length > 1 ? 'these switches' : `/${alone[0]!.kind}`} cannot be combined with other switches`);
  if (alone.length === 1) return alone[0]!;
  if ((add.length || remove.length) && !volatile) throw new SwitchError('/adddriver and /removedriver go with /volatile');
  if (exclude && drivers?.[0] !== '*') throw new SwitchError('/driver.exclude goes with /all');
  if (volatile && (drivers || exclude || bootMode || bootCount !== undefined || log !== undefined || systematic)) {
    throw new SwitchError('/volatile takes /flags, /faults, /adddriver and /removedriver only');
  }
  // /faults turns on randomized low resources simulation with its parameters (added to the options in force when no others are given).
  if (faults && flags !== undefined) flags = (flags | VF.RANDOMIZED_LOW_RESOURCES) >>> 0;
  return {
    kind: 'set',
    ...(flags !== undefined ? { flags } : {}),
    ...(drivers ? { drivers } : {}),
    ...(exclude ? { exclude } : {}),
    ...(faults ? { faults } : {}),
    ...(systematic ? { systematic } : {}),
    ...(bootMode ? { bootMode } : {}),
    ...(bootCount !== undefined ? { bootCount, bootMode: bootMode ?? 'resetonunusualshutdown' } : {}),
    ...(log !== undefined ? { log } : {}),
    ...(volatile ? { volatile: { add, remove } } : {}),
  };
}
