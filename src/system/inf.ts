/**
 * A small INF reader: what the PnP manager needs from a driver's INF to enumerate its device. The
 * syntax followed is the INF format's: [sections], `key = value, value...` entries, `;` comments
 * outside quotes, `\` continuing a line, "quoted" fields (`""` for a quote), %strkey% tokens from
 * [Strings] (`%%` for a percent sign), section names without regard to case, UTF-16 files with a BOM.
 *
 * The device: [Manufacturer] names models sections (`%Mfg% = Models, NTx86, NTamd64`); each models
 * entry is `description = install-section, hardware-id, compatible-id...`. The first entry of the
 * first manufacturer's models section is the device. The section decorated for this machine (x86:
 * NTx86, then NT, then none) is preferred; an INF that lists only other platforms still names its
 * hardware, so the first decoration it lists is used then (the image run is the one given, whatever
 * platform the INF was stamped for). `$ARCH$` (stampinf's placeholder) reads as x86.
 */
import { readFileSync } from 'node:fs';
import { SimulatorError } from '../kernel/errors.ts';

export class InfError extends SimulatorError {
  constructor(message: string) {
    super(message);
    this.name = 'InfError';
  }
}

interface InfLine {
  /** The entry's key (undefined for a line with no `=`), and its comma-separated fields, raw. */
  readonly key?: string;
  readonly fields: readonly string[];
  readonly line: number;
}

export interface Inf {
  readonly file: string;
  /** Sections by lower-case name, their lines in order (sections named twice are merged). */
  readonly sections: ReadonlyMap<string, readonly InfLine[]>;
}

export interface InfDevice {
  readonly hardwareId: string;
  readonly compatibleIds: readonly string[];
  readonly description: string;
  /** [Version] Class, when given. */
  readonly deviceClass?: string;
  /** Where the device came from: `Models.NTx86` line N. */
  readonly source: string;
}

/** The platform decorations this (x86) machine matches, best first. */
const DECORATIONS = ['ntx86', 'nt'];

/** The text of an INF file: UTF-16LE with its BOM (as most INFs are), else UTF-8. */
export function decodeInf(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return Buffer.from(bytes.subarray(2)).toString('utf16le');
  const text = Buffer.from(bytes).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Split one logical line into key and fields, dropping a comment; quotes keep `;`, `,` and `=` as text. */
function splitLine(text: string): { key?: string; fields: string[] } {
  const fields: string[] = [];
  let key: string | undefined;
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (quoted && text[i + 1] === '"') {
        current += '"';
        i++;
      } else {
        quoted = !quoted;
        current += '\u0000';
      }
    } else if (quoted) {
      current += c;
    } else if (c === ';') {
      break;
    } else if (c === '=' && key === undefined && fields.length === 0) {
      key = clean(current);
      current = '';
    } else if (c === ',') {
      fields.push(clean(current));
      current = '';
    } else {
      current += c;
    }
  }
  fields.push(clean(current));
  return { key, fields };
}

/** A field's text: spaces around it trimmed (quoted spaces kept), the quote marks gone. */
const clean = (raw: string) => raw.trim().replace(/\u0000/g, '');

export function parseInf(text: string, file: string): Inf {
  const sections = new Map<string, InfLine[]>();
  let section: InfLine[] | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const number = i + 1;
    let line = lines[i]!;
    // A `\` last on a line (outside a comment) continues it on the next.
    while (/\\\s*$/.test(line.replace(/;.*$/, '')) && i + 1 < lines.length) line = line.replace(/\\\s*$/, '') + lines[++i]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[')) {
      const end = trimmed.indexOf(']');
      if (end < 0) throw new InfError(`${file}(${number}): a section name with no closing ']': ${trimmed}`);
      const name = trimmed.slice(1, end).trim().toLowerCase();
      section = sections.get(name) ?? [];
      sections.set(name, section);
      continue;
    }
    if (!section) throw new InfError(`${file}(${number}): an entry before the first [section]: ${trimmed}`);
    section.push({ ...splitLine(line), line: number });
  }
  return { file, sections };
}

/** Replace %strkey% tokens with their [Strings] values (`%%` is a percent sign). */
function expand(inf: Inf, text: string, line: number): string {
  const strings = inf.sections.get('strings') ?? [];
  return text.replace(/%([^%]*)%/g, (_, name: string) => {
    if (name === '') return '%';
    const entry = strings.find((s) => s.key?.toLowerCase() === name.toLowerCase());
    if (!entry) throw new InfError(`${inf.file}(${line}): %${name}% is not defined in [Strings]`);
    return entry.fields.join(',').replace(/%%/g, '%');
  });
}

/** The device the INF installs on: its first model's hardware ID, compatible IDs and the INF's class. */
export function infDevice(inf: Inf): InfDevice {
  const manufacturers = inf.sections.get('manufacturer');
  if (!manufacturers?.length) throw new InfError(`${inf.file}: no [Manufacturer] section: the INF names no device`);
  const mfg = manufacturers[0]!;
  // The manufacturer's name is a string token like any: an undefined one is the INF's error.
  expand(inf, mfg.key ?? '', mfg.line);
  const models = expand(inf, mfg.fields[0] ?? '', mfg.line);
  if (models === '') throw new InfError(`${inf.file}(${mfg.line}): the [Manufacturer] entry names no models section`);
  const decorations = mfg.fields.slice(1).map((d) => d.toLowerCase().replace(/\$arch\$/g, 'x86')).filter((d) => d !== '');
  const candidates = [
    ...decorations.filter((d) => DECORATIONS.some((x) => d === x || d.startsWith(`${x}.`))).sort((a, b) => rank(a) - rank(b)),
    '',
    ...decorations,
  ];
  const tried: string[] = [];
  for (const d of candidates) {
    const name = d === '' ? models.toLowerCase() : `${models.toLowerCase()}.${d}`;
    tried.push(`[${d === '' ? models : `${models}.${d}`}]`);
    const entries = inf.sections.get(name);
    if (!entries) continue;
    const model = entries.find((e) => e.key !== undefined);
    if (!model) throw new InfError(`${inf.file}: [${name}] has no model entry (description = install-section, hardware-id)`);
    const ids = model.fields.slice(1).map((f) => expand(inf, f, model.line)).filter((f) => f !== '');
    if (ids.length === 0) throw new InfError(`${inf.file}(${model.line}): the model entry names no hardware ID (description = install-section, hardware-id)`);
    const version = inf.sections.get('version') ?? [];
    const cls = version.find((v) => v.key?.toLowerCase() === 'class');
    return {
      hardwareId: ids[0]!,
      compatibleIds: ids.slice(1),
      description: expand(inf, model.key!, model.line),
      deviceClass: cls ? expand(inf, cls.fields[0] ?? '', cls.line) || undefined : undefined,
      source: `[${name}] line ${model.line}`,
    };
  }
  throw new InfError(`${inf.file}(${mfg.line}): the models section the [Manufacturer] entry names is missing (looked for ${[...new Set(tried)].join(', ')})`);
}

/** NTx86 before NT, a versioned decoration (NTx86.6.1) after its plain form. */
const rank = (d: string) => DECORATIONS.findIndex((x) => d === x || d.startsWith(`${x}.`)) * 2 + (d.includes('.') ? 1 : 0);

/** Read and parse an INF file; a file that cannot be read is an InfError naming it. */
export function readInf(path: string): InfDevice {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InfError(`cannot read the INF ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return infDevice(parseInf(decodeInf(bytes), path));
}
