/* KmdfFilterPowerOwner: KmdfFilter claiming its stack's power policy above a function driver that owns it (see ../KmdfFilter/filter.c). */
#define KMDFFILTER_POWER_POLICY_OWNER
#include "../KmdfFilter/filter.c"
