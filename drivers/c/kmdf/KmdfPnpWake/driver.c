/* KmdfPnpWake: KmdfPnpIdle armed for wake from S0 idle and from a system sleep (see ../KmdfPnp/kmdfpnp.h, wake.c). */
#define KMDFPNP_IDLE
#define KMDFPNP_WAKE
#include "../KmdfPnp/driver.c"
