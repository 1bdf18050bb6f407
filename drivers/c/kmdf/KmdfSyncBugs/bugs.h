/*
 * KmdfSyncBugs: KmdfSync with one misuse per IOCTL, each in EvtIoDeviceControl, which the framework
 * calls under the device's callback lock (a spin lock: at DISPATCH_LEVEL).
 * - IOCTL_KMDFSYNC_BUG_WAIT: KeWaitForSingleObject with a time-out, fine at PASSIVE_LEVEL, a bug at
 *   DISPATCH_LEVEL (Driver Verifier under /standard: 0xC4/0x122).
 * - IOCTL_KMDFSYNC_BUG_RECURSIVE_LOCK: WdfObjectAcquireLock on the device whose lock the framework
 *   already holds for this callback (0x10D/0x2).
 * - IOCTL_KMDFSYNC_BUG_TIMER_LOCK: WdfObjectAcquireLock on a timer, which has no callback lock (0x10D/0xB).
 * - IOCTL_KMDFSYNC_BUG_PASSIVE_DDI: WdfStringCreate, a PASSIVE_LEVEL framework DDI: the framework's
 *   verifier refuses it ("Called at wrong IRQL") and breaks (0x1E without a debugger).
 */
static BOOLEAN KmdfSyncBug(WDFDEVICE Device, WDFREQUEST Request, ULONG IoControlCode) {
  KEVENT event;
  LARGE_INTEGER timeout;
  WDFSTRING string;

  switch (IoControlCode) {
    case IOCTL_KMDFSYNC_BUG_WAIT:
      KeInitializeEvent(&event, NotificationEvent, FALSE);
      timeout.QuadPart = WDF_REL_TIMEOUT_IN_MS(1);
      KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &timeout);
      break;
    case IOCTL_KMDFSYNC_BUG_RECURSIVE_LOCK:
      WdfObjectAcquireLock(Device);
      WdfObjectReleaseLock(Device);
      break;
    case IOCTL_KMDFSYNC_BUG_TIMER_LOCK:
      WdfObjectAcquireLock(DeviceGetContext(Device)->Timer);
      WdfObjectReleaseLock(DeviceGetContext(Device)->Timer);
      break;
    case IOCTL_KMDFSYNC_BUG_PASSIVE_DDI:
      if (NT_SUCCESS(WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &string))) WdfObjectDelete(string);
      break;
    default:
      return FALSE;
  }
  WdfRequestComplete(Request, STATUS_SUCCESS);
  return TRUE;
}
