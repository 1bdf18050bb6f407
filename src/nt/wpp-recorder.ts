/**
 * The WPP recorder's structures (wpprecorder.h) as the wasm32 C ABI lays them out
 * (test/wpp/Recorder.test.ts checks them against ddk/include), and its constants.
 */
import { array, struct, type StructLayout } from './layout.ts';

/** LogIdentifier's size: a log's name is at most this many characters, the NUL included. */
export const RECORDER_LOG_IDENTIFIER_MAX_CHARS = 16;
/** What RECORDER_LOG_CREATE_PARAMS_INIT sets: one page's worth of log, no error partition. */
export const RECORDER_LOG_DEFAULT_TOTAL_BUFFER_SIZE = 1024;
/** The largest log a driver may ask for, and the default log's size. */
export const RECORDER_LOG_MAX_TOTAL_BUFFER_SIZE = 0x10000;
export const RECORDER_DEFAULT_LOG_SIZE = 4096;

export const RECORDER_CONFIGURE_PARAMS = struct('RECORDER_CONFIGURE_PARAMS', [
  ['Size', 'u32'],
  ['CreateDefaultLog', 'u8'],
]);

export const RECORDER_LOG_CREATE_PARAMS = struct('RECORDER_LOG_CREATE_PARAMS', [
  ['Size', 'u32'],
  ['LogTag', 'u32'],
  ['TotalBufferSize', 'u32'],
  ['ErrorPartitionSize', 'u32'],
  ['LogIdentifierAppendValue', 'u32'],
  ['LogIdentifierAppendValueSet', 'u8'],
  ['LogIdentifierSize', 'u32'],
  ['LogIdentifier', array('u8', RECORDER_LOG_IDENTIFIER_MAX_CHARS)],
  ['UseTimeStamp', 'u32'],
  ['PreciseTimeStamp', 'u32'],
]);

/** dv/wpp.h's control block: one per WPP_DEFINE_CONTROL_GUID; the recorder's members after WPP's. */
export const WPP_TRACE_CONTROL_BLOCK = struct('WPP_TRACE_CONTROL_BLOCK', [
  ['ControlGuid', 'ptr'],
  ['Next', 'ptr'],
  ['Logger', 'u64'],
  ['RegHandle', 'u64'],
  ['Level', 'u8'],
  ['ReservedFlags', 'u8'],
  ['FlagsLen', 'u16'],
  ['Flags', array('u32', 1)],
  ['AutoLogContext', 'ptr'],
  ['AutoLogVerboseEnabled', 'u8'],
  ['AutoLogAttachToMiniDump', 'u8'],
]);

export const WPP_RECORDER_LAYOUTS: readonly StructLayout[] = [RECORDER_CONFIGURE_PARAMS, RECORDER_LOG_CREATE_PARAMS, WPP_TRACE_CONTROL_BLOCK];
