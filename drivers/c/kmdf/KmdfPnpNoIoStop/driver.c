/* KmdfPnpNoIoStop: KmdfPnp without EvtIoStop (see ../KmdfPnp/kmdfpnp.h). */
#define KMDFPNP_NO_IO_STOP
#include "../KmdfPnp/driver.c"
