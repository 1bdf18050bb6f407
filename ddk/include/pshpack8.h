/* pshpack8.h - structures that follow are packed to 8-byte boundaries, until <poppack.h>. */
#pragma pack(push, 8)
