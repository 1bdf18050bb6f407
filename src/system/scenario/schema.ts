/**
 * A scenario file: the machine, then the steps a run takes in order, each with what it must give. One
 * definition (zod): it validates the file and is exported as the file's JSON Schema
 * (docs/scenario.schema.json, `npm run docs:schemas`), so an editor completes and checks what a user writes.
 */
import { z } from 'zod';
import { STATUS } from '../../nt/status.ts';
import { BAD_POINTERS } from '../../kernel/io/caller-buffers.ts';

const HEX_BYTES = /^([0-9a-fA-F]{2})*$/;
const u32 = z.number().int().min(0).max(0xffffffff);
const bytes = z.string().regex(HEX_BYTES, 'hex bytes, e.g. 00ff10').describe('bytes as hex, e.g. 00ff10');
/** A number, or a string in hex (0x...) as kd and the Windows tools write codes. */
const code = z.union([u32, z.string().regex(/^0x[0-9a-fA-F]{1,8}$/, 'a number, or hex such as 0x222003')]).describe('a number, or hex such as 0x222003');
/** An NTSTATUS: STATUS_SUCCESS (a name of the status table) or a number. */
const status = z
  .union([u32, z.string().regex(/^0x[0-9a-fA-F]{1,8}$/), z.enum(Object.keys(STATUS).map((n) => `STATUS_${n}`) as [string, ...string[]])])
  .describe('an NTSTATUS: a name such as STATUS_SUCCESS, or a number');
/** `0xC4/0x62` (code and Parameter 1), `0xD6` (any Parameter 1), or `none`. */
const bugcheck = z
  .union([u32, z.string().regex(/^(none|0x[0-9a-fA-F]{1,8}(\/0x[0-9a-fA-F]{1,8})?)$/, "a bug check such as 0xC4/0x62 or 0xD6, or 'none'")])
  .describe("the bug check the step stops with: 0xC4/0x62 (code and Parameter 1), 0xD6 (any Parameter 1), or 'none'");

export const expectSchema = z
  .object({
    status: status.optional(),
    information: u32.optional(),
    output: bytes.optional(),
    bugcheck: bugcheck.optional(),
    hang: z.boolean().optional().describe('the step hangs (a runaway driver, a wait nothing can end)'),
  })
  .strict()
  .describe('what the step must give; a step that stops the machine must say so with bugcheck (or hang)');
export type StepExpectation = z.infer<typeof expectSchema>;

const withExpect = <T extends z.ZodRawShape>(shape: T) => z.object({ ...shape, expect: expectSchema.optional() }).strict();

const loadStep = z.union([
  z.string().describe('the driver image (.wasm or .ts), relative to the scenario file'),
  withExpect({
    driver: z.string(),
    pnp: z.boolean().optional().describe('load under the PnP manager: AddDevice and IRP_MN_START_DEVICE (default: when the driver sets AddDevice and creates no device)'),
    hardwareId: z.string().optional(),
    resources: z.string().optional().describe('as dv run --resources: mem:BASE:LEN,port:BASE:LEN,irq:N'),
    wake: z.boolean().optional().describe('as dv run --wake: the device can wake the system (its bus holds the IRP_MN_WAIT_WAKE its power policy owner sends)'),
  }),
]);

const openStep = z.union([
  z.string().describe('\\Device\\X, \\??\\X or \\\\.\\X'),
  withExpect({ name: z.string().optional(), interface: z.string().optional().describe('a device interface class {GUID}: its first enabled interface') }),
]);

/** What a caller may do beyond well-formed buffers (kernel/io/caller-buffers.ts): the fuzzer's lies, replayed. */
const badPointer = z.enum(BAD_POINTERS).describe('a pointer instead of the buffer: null, kernel (an unmapped kernel address) or unmapped (an unmapped user address)');
const callerLies = {
  inputLength: u32.optional().describe('the InputBufferLength declared (default: the size of input); larger is a lie: the buffer ends at an unmapped page'),
  outputSize: u32.optional().describe('the output buffer the caller really has (default: outputLength); smaller is a lie, as for inputLength'),
  inputPointer: badPointer.optional(),
  outputPointer: badPointer.optional(),
  race: z
    .object({ call: z.number().int().min(1), offset: u32, data: bytes })
    .strict()
    .optional()
    .describe("another thread of the caller writes data at offset of the input buffer at the driver's call-th DDI call of the request (a double fetch)"),
};

export const stepSchema = z.union([
  z.object({ load: loadStep }).strict(),
  z.object({ open: openStep }).strict(),
  z.object({
    ioctl: withExpect({
      code,
      input: bytes.optional(),
      outputLength: u32.optional(),
      output: bytes.optional().describe('initial output buffer contents (METHOD_IN_DIRECT data)'),
      ...callerLies,
    }),
  }).strict(),
  z.object({ read: withExpect({ length: u32 }) }).strict(),
  z.object({ write: withExpect({ data: bytes }) }).strict(),
  z.literal('close'),
  z.object({ close: withExpect({}) }).strict(),
  z.object({ process: z.union([withExpect({ start: z.string(), args: z.string().optional() }), withExpect({ end: z.string() })]) }).strict(),
  z.object({
    pnp: z
      .enum(['remove', 'surprise-remove', 'stop-start', 'sleep', 'hardware-profile-change', 'device-wake', 'sleep-device-wake'])
      .describe("device-wake: the (load: wake) device signals wake now, its pending IRP_MN_WAIT_WAKE completes (status STATUS_INVALID_DEVICE_STATE when none is pending); sleep-device-wake: a sleep the device wakes the machine from, signalling while in S3"),
  }).strict(),
  z.object({ wait: z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration such as 500ms, 10s, 2m').describe('let simulated time pass: timers fire, DPCs and threads run') }).strict(),
  z.literal('unload'),
  z.object({ unload: withExpect({}) }).strict(),
  z.literal('shutdown'),
  z.object({ shutdown: withExpect({}) }).strict(),
]);
export type ScenarioStep = z.infer<typeof stepSchema>;

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().optional(),
    machine: z
      .object({
        memory: z.string().regex(/^\d+[KMG]$/i).optional().describe('physical memory, e.g. 512M'),
        verifier: z
          .union([z.string().describe("'standard', hex flags such as 0x209bb, or 'off'"), z.object({ flags: z.string(), drivers: z.array(z.string()).min(1) }).strict()])
          .optional()
          .describe('Driver Verifier for the run (default: standard, on every driver the scenario loads)'),
        registry: z.array(z.string()).optional().describe('.reg or JSON files to seed the registry with, relative to the scenario'),
        stacks: z.boolean().optional().describe('capture callers and allocation stacks (default true)'),
      })
      .strict()
      .optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict();
export type Scenario = z.infer<typeof scenarioSchema>;

export function scenarioJsonSchema(): unknown {
  return { $id: 'https://driver-verifier.invalid/scenario.schema.json', title: 'dv scenario', ...z.toJSONSchema(scenarioSchema, { target: 'draft-7' }) };
}
