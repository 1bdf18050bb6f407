/* pshpack2.h - structures that follow are packed to 2-byte boundaries, until <poppack.h>. */
#pragma pack(push, 2)
