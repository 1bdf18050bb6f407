/**
 * The ETW DDIs WPP's kernel-mode code calls (wdm.h): EtwRegisterClassicProvider and EtwUnregister for
 * WPP_INIT_TRACING and WPP_CLEANUP, WmiTraceMessage for each message. A registration is enabled at
 * once by the machine's trace session (session.ts): the callback gets EVENT_CONTROL_CODE_ENABLE_PROVIDER
 * and a TRACE_ENABLE_CONTEXT (LoggerId, Level, EnableFlags), whose 8 bytes are the logger handle WPP
 * passes back to WmiTraceMessage.
 */
import { TRACE_ENABLE_CONTEXT } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { argSource } from '../rtl/exports.ts';
import type { ArgSource } from '../rtl/format.ts';
import { TAG } from '../tags.ts';
import { traceSession, WPP_LOGGER_ID } from './session.ts';
import { WppReader, WPP_EXTENDED_TYPES } from './wpp-types.ts';

/** EVENT_CONTROL_CODE_* (evntprov.h). */
export const EVENT_CONTROL_CODE_DISABLE_PROVIDER = 0;
export const EVENT_CONTROL_CODE_ENABLE_PROVIDER = 1;
/** The most bytes one message carries: ETW's event size limit (64 KB) less its header. */
const MAX_MESSAGE_BYTES = 0xffb8;
/** More pairs than any WPP message has: a list with no NULL end stops here. */
const MAX_PAIRS = 512;
const TEC = TRACE_ENABLE_CONTEXT.off;

export function etwExports(k: Kernel) {
  const as = k.as;
  const guidAt = (p: number) => WPP_EXTENDED_TYPES.GUID!.decode(new WppReader(as.read(p, 16)));
  /** The session's TRACE_ENABLE_CONTEXT, made at the first registration: the kernel's, never freed. */
  let enableContext = 0;
  return {
    EtwRegisterClassicProvider(ProviderGuid: number, _Type: number, EnableCallback: number, CallbackContext: number, RegHandle: number): number {
      if (ProviderGuid === 0 || RegHandle === 0) return STATUS.INVALID_PARAMETER;
      const session = traceSession(k);
      const handle = session.register(guidAt(ProviderGuid >>> 0));
      as.setU64(RegHandle >>> 0, handle);
      if (EnableCallback !== 0) {
        if (enableContext === 0) enableContext = k.allocateKernelObject(TRACE_ENABLE_CONTEXT.size, TAG.EtwSession);
        as.setU16(enableContext + TEC.LoggerId, WPP_LOGGER_ID);
        as.setU8(enableContext + TEC.Level, session.level);
        as.setU8(enableContext + TEC.InternalFlag, 0);
        as.setU32(enableContext + TEC.EnableFlags, session.flags >>> 0);
        k.callRoutine(EnableCallback >>> 0, [ProviderGuid >>> 0, EVENT_CONTROL_CODE_ENABLE_PROVIDER, enableContext, CallbackContext >>> 0]);
      }
      return STATUS.SUCCESS;
    },
    EtwUnregister(RegHandle: bigint): number {
      return traceSession(k).providers.delete(BigInt.asUintN(64, BigInt(RegHandle))) ? STATUS.SUCCESS : STATUS.INVALID_HANDLE;
    },
    /**
     * The variable arguments are (PVOID, SIZE_T) pairs ending with a NULL pointer: the bytes are copied
     * as the message's data (a bad pointer faults here, in the caller's context, as on Windows).
     */
    WmiTraceMessage(LoggerHandle: bigint, _MessageFlags: number, MessageGuid: number, MessageNumber: number, ...rest: (number | bigint | ArgSource)[]): number {
      const handle = BigInt.asUintN(64, BigInt(LoggerHandle));
      if (Number(handle & 0xffffn) !== WPP_LOGGER_ID || MessageGuid === 0) return STATUS.INVALID_HANDLE;
      traceSession(k).log(k, guidAt(MessageGuid >>> 0), MessageNumber & 0xffff, messageBytes(k, rest));
      return STATUS.SUCCESS;
    },
  };
}

/** A message's (PVOID, SIZE_T) pairs, up to a NULL pointer, as its bytes (WmiTraceMessage, the recorder's WppAutoLogTrace). */
export function messageBytes(k: Kernel, rest: readonly (number | bigint | ArgSource)[]): Uint8Array {
  const args = argSource(rest);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let pair = 0; pair < MAX_PAIRS; pair++) {
    const p = args.int() >>> 0;
    if (p === 0) break;
    const length = args.int() >>> 0;
    const n = Math.min(length, MAX_MESSAGE_BYTES - total);
    if (n > 0) parts.push(k.as.read(p, n));
    total += n;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const b of parts) {
    bytes.set(b, at);
    at += b.length;
  }
  return bytes;
}

/** The registry form of the GUID at `p`, as WPP's messages name it. */
export const messageGuidAt = (k: Kernel, p: number): string => WPP_EXTENDED_TYPES.GUID!.decode(new WppReader(k.as.read(p, 16)));
