/* pshpack1.h - structures that follow are packed to 1-byte boundaries, until <poppack.h>. */
#pragma pack(push, 1)
