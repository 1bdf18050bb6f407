/*
 * PnpMonitorStaysRegistered: the violating twin of PnpMonitor. Its DriverUnload lets go of its targets
 * but forgets the interface class notification. Windows keeps a reference on the driver object for each
 * registration; the image here is unloaded all the same, so the next arrival of the class calls
 * into the unloaded image: 0xCE, DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS.
 */
#define PNPMONITOR_STAYS_REGISTERED 1
#include "../PnpMonitor/PnpMonitor.c"
