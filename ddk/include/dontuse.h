/*
 * dontuse.h - the WDK marks the unbounded C string routines (strcpy, sprintf...) deprecated here, to
 * steer drivers to ntstrsafe.h. That is advice for code analysis; here they stay callable.
 */
