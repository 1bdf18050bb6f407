/*
 * PnpFilterAnswersQueryRemove: the violating twin of PnpFilter. Having nothing to veto, it completes
 * IRP_MN_QUERY_REMOVE_DEVICE itself with success instead of passing it down, so the function driver
 * below never hears the device may go. Driver Verifier's I/O verification (in /standard) stops the
 * completion: 0xC9/0x22E.
 */
#define PNPFILTER_ANSWERS_QUERY_REMOVE 1
#include "../PnpFilter/PnpFilter.c"
