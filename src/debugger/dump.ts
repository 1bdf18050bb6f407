/**
 * The crash dump file: everything the debugger reads, frozen when the machine stopped, in a container
 * that tells damage from a foreign file. Every version of the format starts with the same header:
 *
 *   offset  size  field
 *   0       8     magic, `\x89DVDUMP\n`
 *   8       4     format version (u32 LE)
 *   12      4     file length in bytes (u32 LE)
 *   16      4     header check: the first 4 bytes of SHA-256 of bytes 0..15
 *   20      32    SHA-256 of the payload (bytes 52..end)
 *   52            payload: gzip'd JSON, validated against the schema in dump-schema.ts
 *
 * A file is read in that order: magic, header check, version, length, payload checksum, payload,
 * schema. So a flipped byte anywhere is a checksum mismatch, a short file is "truncated (N of M
 * bytes)", another version is named, and a dump whose fields are wrong names the first bad field.
 */
import { createHash } from 'node:crypto';
import { constants as bufferConstants } from 'node:buffer';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dumpSchema, DUMP_FORMAT, DUMP_VERSION, type CrashDump } from './dump-schema.ts';

export { DUMP_FORMAT, DUMP_VERSION };
export type { AllocationSnapshot, CrashDump, DeadlockSnapshot, DeviceNodeSnapshot, DevicesSnapshot, IrpLogRecordSnapshot, KernelSnapshot, LogRecordSnapshot, ModuleSnapshot, VerifiedDriverSnapshot, VerifierSnapshot, WdfClientSnapshot, WdfSnapshot } from './dump-schema.ts';

export const DUMP_MAGIC = Buffer.from('\x89DVDUMP\n', 'latin1');
export const HEADER_SIZE = 52;
const GZIP_MAGIC = [0x1f, 0x8b];

/** The dump cannot be read: not a dump, another version, or damaged (then the message starts "damaged dump:"). */
export class DumpError extends Error {
  constructor(
    message: string,
    /** For a field that fails validation: its path in the dump, e.g. ['verifier', 'drivers', 0]. */
    readonly path?: readonly (string | number)[],
  ) {
    super(message);
    this.name = 'DumpError';
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();
const headerCheck = (header: Uint8Array) => sha256(header.subarray(0, 16)).subarray(0, 4);

/** Wrap a payload (gzip'd JSON) in the container. `version` is for tests that make other versions. */
export function dumpContainer(payload: Uint8Array, version: number = DUMP_VERSION): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  DUMP_MAGIC.copy(header, 0);
  header.writeUInt32LE(version, 8);
  header.writeUInt32LE(HEADER_SIZE + payload.length, 12);
  headerCheck(header).copy(header, 16);
  sha256(payload).copy(header, 20);
  return Buffer.concat([header, payload]);
}

export function serializeDump(dump: CrashDump): Buffer {
  return dumpContainer(gzipSync(Buffer.from(JSON.stringify(dump))));
}

/** Parse and validate a dump file's bytes. `source` names the file in errors. */
export function parseDump(bytes: Uint8Array, source: string): CrashDump {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = (what: string, path?: readonly (string | number)[]) => new DumpError(`damaged dump: ${what} (${source})`, path);
  checkHeader(data, source, damaged);

  const expected = data.readUInt32LE(12);
  if (data.length < expected) throw damaged(`truncated (${data.length} of ${expected} bytes)`);
  if (data.length > expected) throw damaged(`${data.length - expected} bytes after its end (${expected} bytes)`);
  const payload = data.subarray(HEADER_SIZE);
  if (!sha256(payload).equals(data.subarray(20, HEADER_SIZE))) throw damaged('checksum mismatch');

  let json: unknown;
  try {
    json = JSON.parse(gunzipSync(payload, { maxOutputLength: bufferConstants.MAX_STRING_LENGTH }).toString('utf8'));
  } catch (e) {
    throw damaged(`its payload is not gzip'd JSON (${(e as Error).message})`);
  }
  const result = dumpSchema().safeParse(json);
  if (!result.success) {
    const [first, ...more] = result.error.issues;
    const path = first!.path.filter((p): p is string | number => typeof p !== 'symbol');
    const also = more.length > 0 ? `; and ${more.length} more problem${more.length > 1 ? 's' : ''}` : '';
    throw damaged(`${fieldName(path)} ${first!.message}${also}`, path);
  }
  const dump = result.data as CrashDump;
  const problem = inconsistency(dump);
  if (problem) throw damaged(`${fieldName(problem.path)} ${problem.message}`, problem.path);
  return dump;
}

/** Magic and header check, then the version: anything here that is wrong is not this dv's to read. */
function checkHeader(data: Buffer, source: string, damaged: (what: string) => DumpError): void {
  const magicLength = Math.min(data.length, DUMP_MAGIC.length);
  if (data.length === 0) throw new DumpError(`${source} is empty: not a driver-verifier crash dump`);
  if (!data.subarray(0, magicLength).equals(DUMP_MAGIC.subarray(0, magicLength))) {
    const older = versionOneDump(data);
    if (older) throw new DumpError(`${source}: dump format version ${older}, this dv reads ${DUMP_VERSION}`);
    // A damaged magic on an intact payload is still one of ours.
    if (data.length > HEADER_SIZE && sha256(data.subarray(HEADER_SIZE)).equals(data.subarray(20, HEADER_SIZE))) throw damaged('checksum mismatch in its header');
    throw new DumpError(`${source} is not a driver-verifier crash dump`);
  }
  if (data.length < HEADER_SIZE) {
    const length = data.length >= 16 ? ` of ${data.readUInt32LE(12)}` : '';
    throw damaged(`truncated (${data.length}${length} bytes; its header alone is ${HEADER_SIZE})`);
  }
  if (!headerCheck(data).equals(data.subarray(16, 20))) throw damaged('checksum mismatch in its header');
  const version = data.readUInt32LE(8);
  if (version !== DUMP_VERSION) throw new DumpError(`${source}: dump format version ${version}, this dv reads ${DUMP_VERSION}`);
}

/** Version 1 was bare gzip'd JSON: recognise it to say so rather than call it foreign. */
function versionOneDump(data: Buffer): 1 | undefined {
  if (data[0] !== GZIP_MAGIC[0] || data[1] !== GZIP_MAGIC[1]) return undefined;
  try {
    const json = JSON.parse(gunzipSync(data, { maxOutputLength: bufferConstants.MAX_STRING_LENGTH }).toString('utf8')) as unknown;
    if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format === DUMP_FORMAT) {
      if ((json as { version?: unknown }).version === 1) return 1;
    }
  } catch {
    // Not gzip'd JSON: not a dump at all.
  }
  return undefined;
}

/** `verifier.drivers[0].allocations[3].stack[1]`. */
export function fieldName(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the dump';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * What the schema cannot say field by field and the debugger relies on: modules inside the 32-bit
 * address space, symbols sorted by address (lookups are binary searches), line rows naming a file
 * of their module, the stopped processor one of the machine's, a deadlock report's locks named by index.
 */
function inconsistency(d: CrashDump): { path: (string | number)[]; message: string } | undefined {
  const modules: Array<['modules' | 'unloadedModules', readonly { base: number; size: number }[]]> = [
    ['modules', d.modules],
    ['unloadedModules', d.unloadedModules],
  ];
  for (const [key, list] of modules) {
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      if (m.base + m.size > 0x1_0000_0000) return { path: [key, i, 'size'], message: `runs the module past the 32-bit address space (base 0x${m.base.toString(16)}, size 0x${m.size.toString(16)})` };
    }
  }
  for (let i = 0; i < d.modules.length; i++) {
    const { functions, files, lines } = d.modules[i]!.symbols;
    for (let j = 1; j < functions.length; j++) {
      if (functions[j]!.start < functions[j - 1]!.start) return { path: ['modules', i, 'symbols', 'functions', j, 'start'], message: 'is below the previous function\'s (symbols must be sorted by address)' };
    }
    for (let j = 0; j < lines.length; j++) {
      if (j > 0 && lines[j]!.address < lines[j - 1]!.address) return { path: ['modules', i, 'symbols', 'lines', j, 'address'], message: "is below the previous row's (line rows must be sorted by address)" };
      if (lines[j]!.file >= files.length) return { path: ['modules', i, 'symbols', 'lines', j, 'file'], message: `is not an index into the module's ${files.length} source files` };
    }
  }
  const deadlock = d.verifier?.deadlock;
  for (const [i, th] of (deadlock?.threads ?? []).entries()) {
    for (const [j, a] of th.acquisitions.entries()) {
      if (a.lock >= deadlock!.locks.length) return { path: ['verifier', 'deadlock', 'threads', i, 'acquisitions', j, 'lock'], message: `is not an index into the ${deadlock!.locks.length} locks of the report` };
    }
  }
  if (d.context && d.context.processor >= d.system.processors) {
    return { path: ['context', 'processor'], message: `is not one of the machine's ${d.system.processors} processors` };
  }
  return undefined;
}
