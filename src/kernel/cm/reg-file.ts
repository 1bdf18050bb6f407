/**
 * .reg files, as regedit exports them: a "Windows Registry Editor Version 5.00" (or REGEDIT4) line,
 * then [KEY] sections ([-KEY] deletes a key and its subkeys) holding "name"=data lines (@ is the
 * default value; =- deletes a value). Data: "string", dword:XXXXXXXX, hex:bytes (REG_BINARY) and
 * hex(T):bytes for any type T (hex(2) REG_EXPAND_SZ, hex(7) REG_MULTI_SZ, hex(b) REG_QWORD...); a
 * line ending in a backslash continues on the next one; lines starting with ; are comments.
 */
import { REG } from '../../nt/registry.ts';
import { dwordData, szData, utf16Text } from './hive.ts';
import { nativeKeyPath, RegistryFileError, type SeedOp } from './seed.ts';

const HEADER_5 = 'Windows Registry Editor Version 5.00';
const HEADER_4 = 'REGEDIT4';

/** Text of a .reg file's bytes: UTF-16LE with its BOM (what regedit writes), else UTF-8. */
export function decodeRegFile(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

/** A quoted .reg string at `s[from]` (which is the opening quote): its text and the index after it. */
function quoted(s: string, from: number): { text: string; end: number } | undefined {
  let text = '';
  for (let i = from + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      text += s[++i];
      continue;
    }
    if (c === '"') return { text, end: i + 1 };
    text += c;
  }
  return undefined;
}

function hexBytes(list: string): Uint8Array | string {
  const body = list.replace(/\s+/g, '');
  if (body === '') return new Uint8Array(0);
  const parts = body.split(',');
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i]!)) return `'${parts[i]}' is not a hex byte (hex: takes bytes like 0a,ff,00)`;
    out[i] = parseInt(parts[i]!, 16);
  }
  return out;
}

/** REGEDIT4 writes hex(2) and hex(7) strings in 8-bit characters: widen them to UTF-16LE. */
function widen(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length * 2);
  bytes.forEach((b, i) => (out[2 * i] = b));
  return out;
}

/** The data after `=`: type and bytes, 'delete', or an error message. */
function parseData(data: string, ansi: boolean): { type: number; data: Uint8Array } | 'delete' | string {
  if (data === '-') return 'delete';
  if (data.startsWith('"')) {
    const q = quoted(data, 0);
    if (!q) return 'the string has no closing quote';
    if (data.slice(q.end).trim() !== '') return `unexpected text after the string: '${data.slice(q.end).trim()}'`;
    return { type: REG.SZ, data: szData(q.text) };
  }
  const dword = /^dword:([0-9a-fA-F]{1,8})$/.exec(data);
  if (dword) return { type: REG.DWORD, data: dwordData(parseInt(dword[1]!, 16)) };
  if (/^dword:/i.test(data)) return `'${data}' is not a dword (dword: takes 1 to 8 hex digits, e.g. dword:0000001f)`;
  const hex = /^hex(?:\(([0-9a-fA-F]{1,8})\))?:(.*)$/.exec(data);
  if (hex) {
    const type = hex[1] === undefined ? REG.BINARY : parseInt(hex[1], 16);
    const bytes = hexBytes(hex[2]!);
    if (typeof bytes === 'string') return bytes;
    return { type, data: ansi && (type === REG.EXPAND_SZ || type === REG.MULTI_SZ) ? widen(bytes) : bytes };
  }
  return `'${data}' is not a value: use "text", dword:XXXXXXXX, hex:bytes, hex(T):bytes or - (delete)`;
}

export function parseRegFile(text: string, file: string): SeedOp[] {
  const raw = text.split(/\r\n|\n|\r/);
  // Join continuation lines, remembering where each logical line starts.
  const lines: { text: string; line: number }[] = [];
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let t = raw[i]!;
    while (t.endsWith('\\') && !t.trimStart().startsWith('[') && i + 1 < raw.length) t = t.slice(0, -1) + raw[++i]!.trimStart();
    lines.push({ text: t.trim(), line: start + 1 });
  }
  const first = lines.find((l) => l.text !== '');
  if (!first || (first.text !== HEADER_5 && first.text !== HEADER_4)) {
    throw new RegistryFileError(file, first?.line ?? 1, `not a .reg file: the first line must be '${HEADER_5}' or '${HEADER_4}'`);
  }
  const ansi = first.text === HEADER_4;
  const ops: SeedOp[] = [];
  let key: { path: string; deleted: boolean } | undefined;
  for (const { text: t, line } of lines) {
    if (t === '' || t.startsWith(';') || t === first.text) continue;
    const fail = (message: string): never => {
      throw new RegistryFileError(file, line, message);
    };
    if (t.startsWith('[')) {
      if (!t.endsWith(']')) fail(`a key line must end with ']': ${t}`);
      const deleted = t.startsWith('[-');
      const path = nativeKeyPath(t.slice(deleted ? 2 : 1, -1));
      if (typeof path !== 'string') return fail(path.error);
      key = { path, deleted };
      ops.push({ op: deleted ? 'deleteKey' : 'key', path, line });
      continue;
    }
    if (!key) fail(`a value before any [key] line: ${t}`);
    if (key!.deleted) fail(`a value under [-key], which deletes the key: ${t}`);
    let name: string;
    let rest: string;
    if (t.startsWith('@')) {
      name = '';
      rest = t.slice(1);
    } else if (t.startsWith('"')) {
      const q = quoted(t, 0);
      if (!q) return fail(`the value name has no closing quote: ${t}`);
      name = q.text;
      rest = t.slice(q.end);
    } else {
      return fail(`expected "name"=data, @=data or a [key] line: ${t}`);
    }
    rest = rest.trimStart();
    if (!rest.startsWith('=')) fail(`expected '=' after the value name: ${t}`);
    const parsed = parseData(rest.slice(1).trim(), ansi);
    if (parsed === 'delete') ops.push({ op: 'deleteValue', path: key!.path, name, line });
    else if (typeof parsed === 'string') fail(parsed);
    else ops.push({ op: 'value', path: key!.path, name, type: parsed.type, data: parsed.data, line });
  }
  return ops;
}

/** REG_SZ data a quoted string gives back exactly: one NUL-terminated string, on one line. */
function isPlainSz(data: Uint8Array): boolean {
  const text = utf16Text(data);
  const again = szData(text);
  return !/[\r\n]/.test(text) && again.length === data.length && again.every((b, i) => b === data[i]);
}

const hexList = (data: Uint8Array): string => [...data].map((b) => b.toString(16).padStart(2, '0')).join(',');
const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The .reg (version 5.00) text of operations: parseRegFile reads it back to the same operations (and lines). */
export function formatRegFile(ops: readonly SeedOp[]): string {
  const out = [HEADER_5];
  let current: string | undefined;
  const keyName = (path: string) => 'HKEY_LOCAL_MACHINE' + path.replace(/^\\REGISTRY\\MACHINE/i, '');
  for (const o of ops) {
    if (o.op === 'key' || o.op === 'deleteKey') {
      out.push('', `[${o.op === 'deleteKey' ? '-' : ''}${keyName(o.path)}]`);
      current = o.op === 'key' ? o.path : undefined;
      continue;
    }
    if (current !== o.path) {
      out.push('', `[${keyName(o.path)}]`);
      current = o.path;
    }
    const name = o.name === '' ? '@' : quote(o.name);
    if (o.op === 'deleteValue') out.push(`${name}=-`);
    else if (o.type === REG.DWORD && o.data.length === 4) out.push(`${name}=dword:${new DataView(o.data.buffer, o.data.byteOffset).getUint32(0, true).toString(16).padStart(8, '0')}`);
    else if (o.type === REG.SZ && isPlainSz(o.data)) out.push(`${name}=${quote(utf16Text(o.data))}`)
    else if (o.type === REG.BINARY) out.push(`${name}=hex:${hexList(o.data)}`);
    else out.push(`${name}=hex(${o.type.toString(16)}):${hexList(o.data)}`);
  }
  return out.join('\r\n') + '\r\n';
}
