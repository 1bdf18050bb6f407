/* KmdfSyncBugs: KmdfSync's violating twin (see bugs.h). */
#define KMDFSYNC_BUGS
#include "../KmdfSync/driver.c"
