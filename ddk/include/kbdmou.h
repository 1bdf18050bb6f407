/*
 * kbdmou.h - how keyboard and mouse port drivers and the class drivers above them connect: the
 * internal IOCTLs (IRP_MJ_INTERNAL_DEVICE_CONTROL, METHOD_NEITHER) by which a class driver hands its
 * service callback down the stack, the CONNECT_DATA they carry, and the callback's type. A filter
 * between them (kbfiltr, moufiltr) swaps in its own callback on the way down. Our own text, after
 * the DDI reference.
 */
#ifndef DV_KBDMOU_H
#define DV_KBDMOU_H

#include <wdm.h>
#include <ntddkbd.h>
#include <ntddmou.h>

EXTERN_C_START

#define DD_KEYBOARD_PORT_DEVICE_NAME "\\Device\\KeyboardPort"
#define DD_KEYBOARD_PORT_DEVICE_NAME_U L"\\Device\\KeyboardPort"
#define DD_KEYBOARD_PORT_BASE_NAME_U L"KeyboardPort"
#define DD_POINTER_PORT_DEVICE_NAME "\\Device\\PointerPort"
#define DD_POINTER_PORT_DEVICE_NAME_U L"\\Device\\PointerPort"
#define DD_POINTER_PORT_BASE_NAME_U L"PointerPort"
#define DD_KEYBOARD_CLASS_BASE_NAME_U L"KeyboardClass"
#define DD_POINTER_CLASS_BASE_NAME_U L"PointerClass"
#define DD_KEYBOARD_RESOURCE_CLASS_NAME_U L"Keyboard"
#define DD_POINTER_RESOURCE_CLASS_NAME_U L"Pointer"
#define DD_KEYBOARD_MOUSE_COMBO_RESOURCE_CLASS_NAME_U L"Keyboard/Pointer"

#define POINTER_PORTS_MAXIMUM 8
#define KEYBOARD_PORTS_MAXIMUM 8

/* Error log detail values of the port drivers. */
#define KBDMOU_COULD_NOT_SEND_COMMAND 0x0000
#define KBDMOU_COULD_NOT_SEND_PARAM 0x0001
#define KBDMOU_NO_RESPONSE 0x0002
#define KBDMOU_INCORRECT_RESPONSE 0x0004
#define I8042_ERROR_VALUE_BASE 1000
#define INPORT_ERROR_VALUE_BASE 2000
#define SERIAL_MOUSE_ERROR_VALUE_BASE 3000

#define DV_KBDMOU_IOCTL(Type, Function) CTL_CODE((Type), (Function), METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_INTERNAL_KEYBOARD_CONNECT DV_KBDMOU_IOCTL(FILE_DEVICE_KEYBOARD, 0x0080)
#define IOCTL_INTERNAL_KEYBOARD_DISCONNECT DV_KBDMOU_IOCTL(FILE_DEVICE_KEYBOARD, 0x0100)
#define IOCTL_INTERNAL_KEYBOARD_ENABLE DV_KBDMOU_IOCTL(FILE_DEVICE_KEYBOARD, 0x0200)
#define IOCTL_INTERNAL_KEYBOARD_DISABLE DV_KBDMOU_IOCTL(FILE_DEVICE_KEYBOARD, 0x0400)
#define IOCTL_INTERNAL_MOUSE_CONNECT DV_KBDMOU_IOCTL(FILE_DEVICE_MOUSE, 0x0080)
#define IOCTL_INTERNAL_MOUSE_DISCONNECT DV_KBDMOU_IOCTL(FILE_DEVICE_MOUSE, 0x0100)
#define IOCTL_INTERNAL_MOUSE_ENABLE DV_KBDMOU_IOCTL(FILE_DEVICE_MOUSE, 0x0200)
#define IOCTL_INTERNAL_MOUSE_DISABLE DV_KBDMOU_IOCTL(FILE_DEVICE_MOUSE, 0x0400)

/* The connect IOCTLs' Parameters.DeviceIoControl.Type3InputBuffer: whom the port reports input to. */
typedef struct _CONNECT_DATA {
  PDEVICE_OBJECT ClassDeviceObject;
  PVOID ClassService;
} CONNECT_DATA, *PCONNECT_DATA;

/*
 * The class service callback, called by the port at DISPATCH_LEVEL (from its ISR's DPC) with the
 * ClassDeviceObject, the first and one-past-the-last KEYBOARD_INPUT_DATA / MOUSE_INPUT_DATA of the
 * packets, and a ULONG that receives how many it consumed.
 */
typedef VOID (NTAPI *PSERVICE_CALLBACK_ROUTINE)(_In_ PVOID NormalContext, _In_ PVOID SystemArgument1, _In_ PVOID SystemArgument2, _Inout_ PVOID SystemArgument3);

EXTERN_C_END

#endif /* DV_KBDMOU_H */
