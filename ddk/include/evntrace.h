/* evntrace.h - trace levels, TRACEHANDLE and the classic enable context (dv/etw.h, part of wdm.h). */
#ifndef DV_EVNTRACE_H
#define DV_EVNTRACE_H
#include <wdm.h>
#endif
