/*
 * trace.h - KmdfRecorder's WPP configuration, in recorder mode (ENABLE_WPP_RECORDER): one control
 * GUID with two flags, TraceEvents (to the driver's default recorder log) and TraceDevice, whose
 * IFRLOG argument names the device's own log.
 */
#ifndef KMDFRECORDER_TRACE_H
#define KMDFRECORDER_TRACE_H

#define ENABLE_WPP_RECORDER 1

/* {7a3e9c41-5b2d-4f60-8e17-c4d2b6a9f013} */
#define WPP_CONTROL_GUIDS                                                                          \
    WPP_DEFINE_CONTROL_GUID(KmdfRecorderTraceGuid, (7a3e9c41, 5b2d, 4f60, 8e17, c4d2b6a9f013), \
                            WPP_DEFINE_BIT(TRACE_DRIVER)                                          \
                            WPP_DEFINE_BIT(TRACE_DEVICE))

#define WPP_LEVEL_FLAGS_LOGGER(lvl, flags) WPP_LEVEL_LOGGER(flags)
#define WPP_LEVEL_FLAGS_ENABLED(lvl, flags) (WPP_LEVEL_ENABLED(flags) && WPP_CONTROL(WPP_BIT_##flags).Level >= lvl)

// begin_wpp config
// FUNC TraceEvents(LEVEL, FLAGS, MSG, ...);
// FUNC TraceDevice{LEVEL=TRACE_LEVEL_INFORMATION, FLAGS=TRACE_DEVICE}(IFRLOG, MSG, ...);
// end_wpp

#endif
