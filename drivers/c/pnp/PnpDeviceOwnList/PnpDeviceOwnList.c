/*
 * PnpDeviceOwnList: the violating twin of PnpDevice. Its DPC takes the oldest read straight off the
 * driver's own list (the list its cancel-safe queue routines keep) instead of IoCsqRemoveNextIrp, so
 * the read it completes still has the queue's cancel routine set: a cancel could take the same IRP at
 * the same time. Driver Verifier's I/O verification (in /standard) stops the completion, 0xC9/0x07.
 */
#define PNPDEVICE_OWN_LIST 1
#include "../PnpDevice/PnpDevice.c"
