/*
 * PnpPofxRace: the racy twin of PnpPofx.c, which it is with one change (PNPPOFX_RACE).
 *
 * The race: the result is read after PoFxIdleComponent, as if the component stayed powered until the
 * request ends. Nothing promises that: once the reference is released the framework may deliver the
 * idle condition and put the component in F1 at once. Without Power framework delay fuzzing its
 * callbacks come after the request every time; with it (0x8000) they may come in between, the read
 * returns all ones, and the request fails (STATUS_IO_DEVICE_ERROR).
 */
#define PNPPOFX_RACE 1
#include "PnpPofx.c"
