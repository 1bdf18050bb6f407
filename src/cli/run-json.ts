/**
 * The shape of `dv run --json`, defined once: report.ts builds it with this type, and docs/run.schema.json
 * (`npm run docs:schemas`) is generated from it, so a CI script can validate what it reads.
 */
import { z } from 'zod';

const hexNumber = z.string().regex(/^0x[0-9a-f]+$/).describe('a number in hex: 0x...');
const frame = z.object({ address: hexNumber, symbol: z.string().describe('module!function+0xoffset, or the address') }).strict();

export const runJsonSchema = z
  .object({
    driver: z.string().describe('the image name, e.g. MyDriver.sys'),
    bugcheck: z.object({ code: hexNumber, name: z.string(), parameters: z.array(hexNumber).length(4) }).strict().nullable(),
    hang: z.object({ reason: z.string() }).strict().nullable(),
    open: z.object({ name: z.string(), status: hexNumber }).strict().nullable(),
    requests: z.array(
      z
        .object({
          major: z.string().describe('IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE'),
          code: hexNumber.optional().describe('the control code of an IOCTL'),
          status: hexNumber,
          information: hexNumber,
          output: z.string().regex(/^([0-9a-f]{2})*$/).describe('the bytes returned or read, as hex'),
        })
        .strict(),
    ),
    processes: z
      .array(
        z
          .object({
            image: z.string(),
            pid: hexNumber.nullable(),
            status: hexNumber,
            opens: z.array(z.object({ desiredAccess: hexNumber, grantedAccess: hexNumber }).strict()),
          })
          .strict(),
      )
      .optional(),
    pnp: z
      .object({
        instancePath: z.string(),
        hardwareIds: z.array(z.string()),
        addDevice: hexNumber,
        irps: z.array(z.object({ minor: z.string(), status: hexNumber, information: hexNumber }).strict()),
        state: z.string(),
      })
      .strict()
      .optional(),
    faults: z
      .union([
        z.object({ seed: z.number(), delays: z.number(), delayedMs: z.number() }).strict().describe('delay fuzzing only'),
        z
          .object({
            seed: z.number(),
            probability: z.number().describe('failures per 10,000 calls (randomized simulation)'),
            delay: z.string().describe('simulated time after boot before anything fails'),
            tags: z.array(hexNumber),
            pointsReached: z.number().int().min(0),
            injected: z.array(
              z.object({ ddi: z.string(), caller: frame, stackHash: hexNumber, thread: hexNumber, time: z.string(), stack: z.array(frame) }).strict(),
            ),
            delays: z.number().optional(),
            delayedMs: z.number().optional(),
            driverEntryStatus: z.string().optional(),
          })
          .strict(),
      ])
      .optional()
      .describe('low resources simulation and delay fuzzing: what was failed or delayed'),
    leakCount: z.number().int().min(0),
    leaks: z.array(
      z
        .object({
          address: hexNumber,
          size: hexNumber,
          tag: z.string().length(4),
          poolType: hexNumber,
          kind: z.enum(['pool', 'mdl', 'workitem']),
          caller: frame,
          thread: hexNumber,
          stack: z.array(frame),
        })
        .strict(),
    ),
  })
  .strict();

export type RunJson = z.infer<typeof runJsonSchema>;

export function runJsonSchemaDocument(): unknown {
  return { $id: 'https://driver-verifier.invalid/run.schema.json', title: 'dv run --json', ...z.toJSONSchema(runJsonSchema, { target: 'draft-7' }) };
}
