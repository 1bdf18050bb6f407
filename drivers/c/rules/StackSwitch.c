/*
 * StackSwitch: a driver that runs part of its work on a private stack: it points the stack pointer
 * at a buffer of its own and calls the kernel from there. Only thread stacks and the DPC stack are
 * kernel stacks; anything else breaks stack-limit checks, exception dispatch and the debugger.
 * (KeExpandKernelStackAndCallout is the supported way to get more stack.)
 *
 * Driver Verifier: 0xC4 / 0x90, Parameter 2 = the stack pointer found, 3/4 = the thread stack's
 * limit and base (this project's parameters; Microsoft documents none).
 */
#include <ntddk.h>

#define PRIVATE_STACK_SIZE 0x2000

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD DriverUnload;

/* Driver-owned "stack": static storage in the image, not a kernel stack. */
static UCHAR PrivateStack[PRIVATE_STACK_SIZE] __attribute__((aligned(16)));
static KSPIN_LOCK Lock;

/* The wasm stack pointer is the global __stack_pointer: the only way to switch it is to set it. */
static inline ULONG_PTR GetStackPointer(void)
{
    ULONG_PTR sp;
    __asm__ volatile("global.get __stack_pointer\n\tlocal.set %0" : "=r"(sp));
    return sp;
}

static inline void SetStackPointer(ULONG_PTR sp)
{
    __asm__ volatile("local.get %0\n\tglobal.set __stack_pointer" ::"r"(sp));
}

/* Kept out of line so the switch and the call are in a function of their own. */
DECLSPEC_NOINLINE static VOID RunOnPrivateStack(VOID)
{
    ULONG_PTR saved = GetStackPointer();
    ULONG_PTR top = (ULONG_PTR)(PrivateStack + PRIVATE_STACK_SIZE);

    DbgPrint("StackSwitch: stack=%p\n", (PVOID)top);
    SetStackPointer(top);
    KeInitializeSpinLock(&Lock); // VIOLATION: called with the stack pointer in PrivateStack
    SetStackPointer(saved);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    RunOnPrivateStack();
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

static VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
