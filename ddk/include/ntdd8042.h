/*
 * ntdd8042.h - the i8042 port driver's internal IOCTLs: how a keyboard or mouse upper filter hooks
 * the port's initialization and interrupt service (IOCTL_INTERNAL_I8042_HOOK_*), writes to the
 * device, and learns the port's interrupt object. Our own text, after the DDI reference.
 */
#ifndef DV_NTDD8042_H
#define DV_NTDD8042_H

#include <wdm.h>
#include <ntddkbd.h>
#include <ntddmou.h>

EXTERN_C_START

#define DV_I8042_IOCTL(Type, Function) CTL_CODE((Type), (Function), METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_INTERNAL_I8042_HOOK_KEYBOARD DV_I8042_IOCTL(FILE_DEVICE_KEYBOARD, 0x0FF0)
#define IOCTL_INTERNAL_I8042_KEYBOARD_WRITE_BUFFER DV_I8042_IOCTL(FILE_DEVICE_KEYBOARD, 0x0FF1)
#define IOCTL_INTERNAL_I8042_CONTROLLER_WRITE_BUFFER DV_I8042_IOCTL(FILE_DEVICE_KEYBOARD, 0x0FF2)
#define IOCTL_INTERNAL_I8042_KEYBOARD_START_INFORMATION DV_I8042_IOCTL(FILE_DEVICE_KEYBOARD, 0x0FF3)
#define IOCTL_INTERNAL_I8042_HOOK_MOUSE DV_I8042_IOCTL(FILE_DEVICE_MOUSE, 0x0FF0)
#define IOCTL_INTERNAL_I8042_MOUSE_WRITE_BUFFER DV_I8042_IOCTL(FILE_DEVICE_MOUSE, 0x0FF1)
#define IOCTL_INTERNAL_I8042_MOUSE_START_INFORMATION DV_I8042_IOCTL(FILE_DEVICE_MOUSE, 0x0FF3)

#define I8042_POWER_SYS_BUTTON 0x0001
#define I8042_SLEEP_SYS_BUTTON 0x0002
#define I8042_WAKE_SYS_BUTTON 0x0004
#define I8042_SYS_BUTTONS (I8042_POWER_SYS_BUTTON | I8042_SLEEP_SYS_BUTTON | I8042_WAKE_SYS_BUTTON)

typedef enum _TRANSMIT_STATE { Idle = 0, SendingBytes } TRANSMIT_STATE;

/* What the port is sending to the device when an interrupt comes. */
typedef struct _OUTPUT_PACKET {
  PUCHAR Bytes;
  ULONG CurrentByte;
  ULONG ByteCount;
  TRANSMIT_STATE State;
} OUTPUT_PACKET, *POUTPUT_PACKET;

typedef enum _KEYBOARD_SCAN_STATE { Normal, GotE0, GotE1 } KEYBOARD_SCAN_STATE, *PKEYBOARD_SCAN_STATE;

typedef enum _MOUSE_STATE { MouseIdle, XMovement, YMovement, ZMovement, MouseExpectingACK, MouseResetting } MOUSE_STATE, *PMOUSE_STATE;

/* Where the mouse reset sequence is; a filter's own states go between the CustomHook bounds. */
typedef enum _MOUSE_RESET_SUBSTATE {
  ExpectingReset,
  ExpectingResetId,
  ExpectingGetDeviceIdACK,
  ExpectingGetDeviceIdValue,
  ExpectingSetResolutionDefaultACK,
  ExpectingSetResolutionDefaultValueACK,
  ExpectingSetResolutionACK,
  ExpectingSetResolutionValueACK,
  ExpectingSetScaling1to1ACK,
  ExpectingSetScaling1to1ACK2,
  ExpectingSetScaling1to1ACK3,
  ExpectingReadMouseStatusACK,
  ExpectingReadMouseStatusByte1,
  ExpectingReadMouseStatusByte2,
  ExpectingReadMouseStatusByte3,
  StartPnPIdDetection,
  ExpectingLoopSetSamplingRateACK,
  ExpectingLoopSetSamplingRateValueACK,
  ExpectingPnpIdByte1,
  ExpectingPnpIdByte2,
  ExpectingPnpIdByte3,
  ExpectingPnpIdByte4,
  ExpectingPnpIdByte5,
  ExpectingPnpIdByte6,
  ExpectingPnpIdByte7,
  EnableWheel,
  Enable5Buttons,
  ExpectingGetDeviceId2ACK,
  ExpectingGetDeviceId2Value,
  ExpectingSetSamplingRateACK,
  ExpectingSetSamplingRateValueACK,
  ExpectingEnableACK,
  ExpectingFinalResolutionACK,
  ExpectingFinalResolutionValueACK,
  ExpectingGetDeviceIdDetectACK,
  ExpectingGetDeviceIdDetectValue,
  CustomHookStateMinimum = 100,
  CustomHookStateMaximum = 999,
  I8042ReservedMinimum = 1000
} MOUSE_RESET_SUBSTATE, *PMOUSE_RESET_SUBSTATE;

/* The START_INFORMATION IOCTLs' input: the port's interrupt object, for KeSynchronizeExecution. */
typedef struct _INTERNAL_I8042_START_INFORMATION {
  ULONG Size;
  PKINTERRUPT InterruptObject;
  ULONG Reserved[8];
} INTERNAL_I8042_START_INFORMATION, *PINTERNAL_I8042_START_INFORMATION;

/* The port's routines a hook may call (Context is the hook structure's CallContext). */
typedef VOID (NTAPI *PI8042_ISR_WRITE_PORT)(_In_ PVOID Context, _In_ UCHAR Value);
typedef VOID (NTAPI *PI8042_QUEUE_PACKET)(_In_ PVOID Context);
typedef NTSTATUS (NTAPI *PI8042_SYNCH_READ_PORT)(_In_ PVOID Context, _Out_ PUCHAR Value, _In_ BOOLEAN WaitForACK);
typedef NTSTATUS (NTAPI *PI8042_SYNCH_WRITE_PORT)(_In_ PVOID Context, _In_ UCHAR Value, _In_ BOOLEAN WaitForACK);

/* The filter's routines the port calls. */
typedef NTSTATUS (NTAPI *PI8042_KEYBOARD_INITIALIZATION_ROUTINE)(_In_ PVOID InitializationContext, _In_ PVOID SynchFuncContext, _In_ PI8042_SYNCH_READ_PORT ReadPort, _In_ PI8042_SYNCH_WRITE_PORT WritePort, _Out_ PBOOLEAN TurnTranslationOn);
typedef BOOLEAN (NTAPI *PI8042_KEYBOARD_ISR)(_In_ PVOID IsrContext, _In_ PKEYBOARD_INPUT_DATA CurrentInput, _In_ POUTPUT_PACKET CurrentOutput, _Inout_ UCHAR StatusByte, _In_ PUCHAR Byte, _Out_ PBOOLEAN ContinueProcessing, _In_ PKEYBOARD_SCAN_STATE ScanState);
typedef BOOLEAN (NTAPI *PI8042_MOUSE_ISR)(_In_ PVOID IsrContext, _In_ PMOUSE_INPUT_DATA CurrentInput, _In_ POUTPUT_PACKET CurrentOutput, _Inout_ UCHAR StatusByte, _In_ PUCHAR Byte, _Out_ PBOOLEAN ContinueProcessing, _In_ PMOUSE_STATE MouseState, _In_ PMOUSE_RESET_SUBSTATE ResetSubState);

/* IOCTL_INTERNAL_I8042_HOOK_KEYBOARD's input: the filter fills the first three, the port gave the rest. */
typedef struct _INTERNAL_I8042_HOOK_KEYBOARD {
  PVOID Context;
  PI8042_KEYBOARD_INITIALIZATION_ROUTINE InitializationRoutine;
  PI8042_KEYBOARD_ISR IsrRoutine;
  PI8042_ISR_WRITE_PORT IsrWritePort;
  PI8042_QUEUE_PACKET QueueKeyboardPacket;
  PVOID CallContext;
} INTERNAL_I8042_HOOK_KEYBOARD, *PINTERNAL_I8042_HOOK_KEYBOARD;

typedef struct _INTERNAL_I8042_HOOK_MOUSE {
  PVOID Context;
  PI8042_MOUSE_ISR IsrRoutine;
  PI8042_ISR_WRITE_PORT IsrWritePort;
  PI8042_QUEUE_PACKET QueueMousePacket;
  PVOID CallContext;
} INTERNAL_I8042_HOOK_MOUSE, *PINTERNAL_I8042_HOOK_MOUSE;

EXTERN_C_END

#endif /* DV_NTDD8042_H */
