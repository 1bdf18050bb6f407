/*
 * runtime.c - the driver runtime beyond crt.c: one translation unit, so dv build compiles it with
 * one clang run. Each part keeps its own file (and its own line numbers for `ln`).
 */
#include "format.c"
#include "ntstrsafe.c"
#include "stdio.c"
#include "stdlib.c"
#include "strings.c"
#include "wdmsec.c"
#include "wmilib.c"
