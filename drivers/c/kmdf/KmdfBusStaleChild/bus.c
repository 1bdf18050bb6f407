/* KmdfBusStaleChild: KmdfBus keeping its static child's handle after the PDO is gone (see ../KmdfBus/bus.c). */
#define KMDFBUS_STALE_CHILD
#include "../KmdfBus/bus.c"
