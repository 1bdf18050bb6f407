// Global new and delete for the driver, over ExAllocatePool2 (nonpaged, zeroed, tagged): the kernel
// has no C++ runtime, so a driver that uses new defines them itself. The nothrow form is the one the
// driver calls, so a failed allocation is a null to check.
#include "mycppdriver.h"

void *__cdecl operator new(size_t Size)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, MYCPP_TAG);
}

void *__cdecl operator new(size_t Size, const std::nothrow_t &) noexcept
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, MYCPP_TAG);
}

void *__cdecl operator new[](size_t Size)
{
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, Size, MYCPP_TAG);
}

void __cdecl operator delete(void *Block) noexcept
{
    if (Block != nullptr) {
        ExFreePoolWithTag(Block, MYCPP_TAG);
    }
}

void __cdecl operator delete(void *Block, size_t) noexcept
{
    operator delete(Block);
}

void __cdecl operator delete[](void *Block) noexcept
{
    operator delete(Block);
}

void __cdecl operator delete[](void *Block, size_t) noexcept
{
    operator delete(Block);
}
