/* KmdfPnpIdle: KmdfPnp with S0 idle after 100 ms (see ../KmdfPnp/kmdfpnp.h). */
#define KMDFPNP_IDLE
#include "../KmdfPnp/driver.c"
