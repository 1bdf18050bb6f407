/* KmdfFilterSyncAtDispatch: KmdfFilter sending synchronously at DISPATCH_LEVEL (see ../KmdfFilter/filter.c). */
#define KMDFFILTER_SYNC_AT_DISPATCH
#include "../KmdfFilter/filter.c"
