/*
 * <wpprecorder.h>: the WPP recorder (Inflight Trace Recorder): per-driver in-memory logs that a
 * driver's WPP messages go to besides the trace session (src/kernel/etw/recorder.ts), read from a
 * dump with !rcdrkd.rcdrlogdump. A driver is in recorder mode when built with ENABLE_WPP_RECORDER=1:
 * WPP_INIT_TRACING then starts its recorder and its default log, each trace call is also logged
 * to a recorder log (the default one, or the RECORDER_LOG its IFRLOG argument names) unless it is
 * verbose, and WPP_CLEANUP deletes the driver's logs. The DDIs take the driver's WPP control
 * blocks (WPP_MAIN_CB) first, as the WDK's imp_ routines do: the macros below pass them.
 * On Windows WppRecorder.sys exports these routines; here the kernel does (dv/wpprecorder.h, in wdm.h).
 */
#ifndef DV_WPPRECORDER_H
#define DV_WPPRECORDER_H

#include <wdm.h>

EXTERN_C_START

/* The driver's control blocks: WPP_MAIN_CB, from the .tmh (dv/wpp.h). */
#define WPP_RECORDER_CB ((PVOID)&WPP_MAIN_CB[0])
#define WppRecorderConfigure(ConfigureParams) imp_WppRecorderConfigure(WPP_RECORDER_CB, (ConfigureParams))
#define WppRecorderLogCreate(CreateParams, RecorderLog) imp_WppRecorderLogCreate(WPP_RECORDER_CB, (CreateParams), (RecorderLog))
#define WppRecorderLogDelete(RecorderLog) imp_WppRecorderLogDelete(WPP_RECORDER_CB, (RecorderLog))
#define WppRecorderLogGetDefault() imp_WppRecorderLogGetDefault(WPP_RECORDER_CB)
#define WppRecorderIsDefaultLogAvailable() imp_WppRecorderIsDefaultLogAvailable(WPP_RECORDER_CB)
#define WppRecorderLogSetIdentifier(RecorderLog, LogIdentifier) imp_WppRecorderLogSetIdentifier(WPP_RECORDER_CB, (RecorderLog), (LogIdentifier))
#define WppRecorderDumpLiveDriverData(OutBuffer, OutBufferLength, Guid) imp_WppRecorderDumpLiveDriverData(WPP_RECORDER_CB, (OutBuffer), (OutBufferLength), (Guid))

EXTERN_C_END

#endif /* DV_WPPRECORDER_H */
