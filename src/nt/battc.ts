/** The battery class driver's library module (battc.sys): what batclass.h's BATTC_IMPORT names. */
export const BATTC_LIBRARY_MODULE = 'BATTC';
