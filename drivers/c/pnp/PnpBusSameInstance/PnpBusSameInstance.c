/*
 * PnpBusSameInstance: the violating twin of PnpBus. Every child it enumerates answers
 * IRP_MN_QUERY_ID/BusQueryInstanceID with the same ID ("0"), so the second child's instance path is the
 * first's: two PDOs claim one device. The PnP manager stops: 0xCA PNP_DETECTED_FATAL_ERROR with
 * Parameter 1 = 1 (duplicate PDO), the new PDO and the one it duplicates.
 */
#define PNPBUS_SAME_INSTANCE 1
#include "../PnpBus/PnpBus.c"
