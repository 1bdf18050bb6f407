export * from './irql.ts';
export * from './status.ts';
export * from './pool.ts';
export * from './io.ts';
export * from './bugcheck.ts';
export * from './layout.ts';
export * from './registry.ts';
export * from './access.ts';
