/* KmdfPnpResend: KmdfPnp that sends its request to the lower device again while it is still out (see ../KmdfPnp/kmdfpnp.h). */
#define KMDFPNP_RESEND
#include "../KmdfPnp/driver.c"
