/**
 * Names a wasm driver image and the loader agree on beyond DriverEntry: dv build links them in,
 * the loader calls them. One definition for both sides.
 */

/**
 * The runtime routine that runs what the image registered with atexit/__cxa_atexit (its global
 * objects' destructors), last registered first: the loader calls it at unload, after DriverUnload.
 * The Itanium C++ ABI's name for "this module is going away".
 */
export const FINALIZE_EXPORT = '__cxa_finalize';
