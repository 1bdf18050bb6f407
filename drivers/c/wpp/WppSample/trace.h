/*
 * trace.h - WppSample's WPP configuration: its control GUID and flags, the TraceEvents function with a
 * level and a flag as its conditions, TraceReturn (a status traced only when it is a failure, through
 * PRE/POST macros), a custom enumeration type and the hexdump helper.
 */
#ifndef WPPSAMPLE_TRACE_H
#define WPPSAMPLE_TRACE_H

/* {6f1b5d7e-3c2a-4e8b-9d0f-1a2b3c4d5e6f} */
#define WPP_CONTROL_GUIDS                                                      \
    WPP_DEFINE_CONTROL_GUID(WppSampleTraceGuid, (6f1b5d7e, 3c2a, 4e8b, 9d0f, 1a2b3c4d5e6f), \
                            WPP_DEFINE_BIT(DBG_INIT)                           \
                            WPP_DEFINE_BIT(DBG_IOCTL))

#define WPP_LEVEL_FLAGS_LOGGER(lvl, flags) WPP_LEVEL_LOGGER(flags)
#define WPP_LEVEL_FLAGS_ENABLED(lvl, flags) (WPP_LEVEL_ENABLED(flags) && WPP_CONTROL(WPP_BIT_##flags).Level >= lvl)

/* TraceReturn(status): logged only for a failure status (the PRE macro's test). */
#define WPP_LEVEL_FLAGS_EXP_LOGGER(lvl, flags, status) WPP_LEVEL_FLAGS_LOGGER(lvl, flags)
#define WPP_LEVEL_FLAGS_EXP_ENABLED(lvl, flags, status) WPP_LEVEL_FLAGS_ENABLED(lvl, flags)
#define WPP_LEVEL_FLAGS_EXP_PRE(lvl, flags, status) { if (!NT_SUCCESS(status)) {
#define WPP_LEVEL_FLAGS_EXP_POST(lvl, flags, status) ; } }

typedef enum _SAMPLE_STATE {
    SampleIdle = 0,
    SampleBusy = 1,
    SampleBroken = 0x10
} SAMPLE_STATE;

/* A buffer and its length, for %!HEXDUMP!. */
typedef struct xstr { char *_buf; short _len; } xstr_t;
static __inline xstr_t log_xstr(void *p, short l) { xstr_t xs; xs._buf = (char *)p; xs._len = l; return xs; }
#define WPP_LOGHEXDUMP(x) WPP_LOGPAIR(2, &((x)._len)) WPP_LOGPAIR((x)._len, (x)._buf)

// begin_wpp config
// FUNC TraceEvents(LEVEL, FLAGS, MSG, ...);
// FUNC TraceReturn{LEVEL=TRACE_LEVEL_ERROR, FLAGS=DBG_IOCTL}(EXP);
// USESUFFIX(TraceReturn, "%!FUNC! failed: %!STATUS!", EXP);
// CUSTOM_TYPE(state, ItemEnum(_SAMPLE_STATE));
// DEFINE_CPLX_TYPE(HEXDUMP, WPP_LOGHEXDUMP, xstr_t, ItemHEXDump, "s", _HEX_, 0, 2);
// end_wpp

#endif
