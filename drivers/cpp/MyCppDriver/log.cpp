// RequestLog: one pool block per request, built in place with placement new. The log is a global
// object: constructed before DriverEntry, destroyed at unload after DriverUnload, which frees it.
#include "mycppdriver.h"

RequestLog::RequestLog()
{
    KeInitializeSpinLock(&m_Lock);
    // Set before DriverEntry runs, if the image's constructors ran first.
    g_ConstructedBeforeEntry = 1;
}

RequestLog::~RequestLog()
{
    Clear();
}

void RequestLog::Append(ULONG MajorFunction, NTSTATUS Status)
{
    void *Block = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(Entry), MYCPP_TAG);
    if (Block == nullptr) {
        return;
    }
#ifdef CPP_SAMPLE_LEAK_AT_UNLOAD
    // The bug: a failed request's entry is built but never linked, so nothing frees it.
    if (!NT_SUCCESS(Status)) {
        new (Block) Entry(MajorFunction, Status, nullptr);
        return;
    }
#endif
    SpinLockGuard Guard(m_Lock);
    m_Newest = new (Block) Entry(MajorFunction, Status, m_Newest);
    m_Count++;
}

void RequestLog::Clear()
{
    SpinLockGuard Guard(m_Lock);
    while (m_Newest != nullptr) {
        Entry *Older = m_Newest->Next;
        m_Newest->~Entry();
        ExFreePoolWithTag(m_Newest, MYCPP_TAG);
        m_Newest = Older;
    }
    m_Count = 0;
}
