/*
 * suppress.h - code analysis suppressions (#pragma prefast(suppress: ...)); the compiler ignores
 * them, so nothing is defined.
 */
