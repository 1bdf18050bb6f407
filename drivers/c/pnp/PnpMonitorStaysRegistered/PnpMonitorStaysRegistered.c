/*
 * PnpMonitorStaysRegistered: the violating twin of PnpMonitor. Its DriverUnload lets go of its targets
 * but forgets the interface class notification. The registration keeps a reference on the driver object,
 * so the image stays loaded after DriverUnload, and the next arrival of the class runs the callback over
 * the device extension DriverUnload freed with its device: a use after free (0x1F2 under the memory checks).
 */
#define PNPMONITOR_STAYS_REGISTERED 1
#include "../PnpMonitor/PnpMonitor.c"
