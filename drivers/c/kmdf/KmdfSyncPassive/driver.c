/* KmdfSyncPassive: KmdfSync at WdfExecutionLevelPassive (see ../KmdfSync/kmdfsync.h). */
#define KMDFSYNC_PASSIVE
#include "../KmdfSync/driver.c"
