/**
 * The JSON seed format: an object of keys (HKEY_LOCAL_MACHINE\..., HKLM\... or \Registry\...), each
 * an object of values, or null to delete the key and its subkeys. A value is
 *   { "type": "REG_DWORD", "data": 31 }     any REG_* type with data in its natural form:
 *                                            REG_SZ / REG_EXPAND_SZ a string, REG_MULTI_SZ an array
 *                                            of strings, REG_DWORD a number, REG_QWORD a number or a
 *                                            decimal / 0x string, REG_BINARY and the rest hex ("0aff")
 *   "text"  31  ["a", "b"]                  shorthand for REG_SZ, REG_DWORD, REG_MULTI_SZ
 *   null                                    delete the value
 * "" (or "@") names the default value.
 */
import { REG } from '../../nt/registry.ts';
import { dwordData, multiSzData, qwordData, szData } from './hive.ts';
import { nativeKeyPath, RegistryFileError, type SeedOp } from './seed.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The 1-based line of a character offset. */
const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

/** The line where a key, and then a value name inside it, is written (the first occurrence after `from`). */
function locate(text: string, name: string, from = 0): { line: number; offset: number } {
  const at = text.indexOf(JSON.stringify(name), from);
  return at < 0 ? { line: lineAt(text, from), offset: from } : { line: lineAt(text, at), offset: at };
}

function valueData(v: unknown): { type: number; data: Uint8Array } | string {
  if (typeof v === 'string') return { type: REG.SZ, data: szData(v) };
  if (typeof v === 'number') return dword(v);
  if (Array.isArray(v)) return multi(v);
  if (!isRecord(v)) return 'a value is a string, a number, an array of strings, null, or { "type": "REG_...", "data": ... }';
  const unknown = Object.keys(v).filter((k) => k !== 'type' && k !== 'data');
  if (unknown.length > 0) return `unknown field '${unknown[0]}' (a value has "type" and "data")`;
  const typeName = v.type;
  if (typeof typeName !== 'string') return 'the value has no "type" (e.g. "REG_DWORD")';
  const typeKey = typeName.toUpperCase().replace(/^REG_/, '');
  const type = (REG as Record<string, number>)[typeKey];
  if (type === undefined) return `unknown type '${typeName}' (known: ${Object.keys(REG).map((n) => `REG_${n}`).join(', ')})`;
  const data = v.data;
  switch (type) {
    case REG.SZ:
    case REG.EXPAND_SZ:
      return typeof data === 'string' ? { type, data: szData(data) } : `${typeName} data is a string`;
    case REG.MULTI_SZ:
      return Array.isArray(data) ? multi(data) : `${typeName} data is an array of strings`;
    case REG.DWORD:
      return typeof data === 'number' ? dword(data) : `${typeName} data is a number`;
    case REG.QWORD: {
      let n: bigint | undefined;
      if (typeof data === 'number' && Number.isSafeInteger(data) && data >= 0) n = BigInt(data);
      if (typeof data === 'string' && /^(0x[0-9a-fA-F]{1,16}|[0-9]+)$/.test(data)) n = BigInt(data);
      if (n === undefined || n >= 2n ** 64n) return `${typeName} data is a number from 0 to 2^64-1 (a string for the large ones: "0x..." or decimal)`;
      return { type, data: qwordData(n) };
    }
    default: {
      if (data === undefined) return { type, data: new Uint8Array(0) };
      if (typeof data !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(data.replace(/[\s,]/g, ''))) return `${typeName} data is a hex string, e.g. "0aff10"`;
      const hex = data.replace(/[\s,]/g, '');
      return { type, data: Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)) };
    }
  }
}

function dword(n: number): { type: number; data: Uint8Array } | string {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? { type: REG.DWORD, data: dwordData(n) } : `REG_DWORD data is an integer from 0 to 0xffffffff, not ${n}`;
}

function multi(list: unknown[]): { type: number; data: Uint8Array } | string {
  if (!list.every((s) => typeof s === 'string' && s !== '' && !s.includes('\0'))) return 'REG_MULTI_SZ data is an array of non-empty strings';
  return { type: REG.MULTI_SZ, data: multiSzData(list as string[]) };
}

export function parseJsonRegistry(text: string, file: string): SeedOp[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    throw new RegistryFileError(file, pos ? lineAt(text, Number(pos[1])) : undefined, `not valid JSON: ${message}`);
  }
  if (!isRecord(doc)) throw new RegistryFileError(file, 1, 'the file must be a JSON object of keys: { "HKEY_LOCAL_MACHINE\\\\...": { "Name": value } }');
  const ops: SeedOp[] = [];
  for (const [keyName, values] of Object.entries(doc)) {
    const at = locate(text, keyName);
    const path = nativeKeyPath(keyName);
    if (typeof path !== 'string') throw new RegistryFileError(file, at.line, path.error);
    if (values === null) {
      ops.push({ op: 'deleteKey', path, line: at.line });
      continue;
    }
    if (!isRecord(values)) throw new RegistryFileError(file, at.line, `key '${keyName}' must map to an object of values (or null to delete it)`);
    ops.push({ op: 'key', path, line: at.line });
    for (const [rawName, v] of Object.entries(values)) {
      const vat = locate(text, rawName, at.offset);
      const name = rawName === '@' ? '' : rawName;
      if (v === null) {
        ops.push({ op: 'deleteValue', path, name, line: vat.line });
        continue;
      }
      const parsed = valueData(v);
      if (typeof parsed === 'string') throw new RegistryFileError(file, vat.line, `value '${rawName}' of ${keyName}: ${parsed}`);
      ops.push({ op: 'value', path, name, type: parsed.type, data: parsed.data, line: vat.line });
    }
  }
  return ops;
}
