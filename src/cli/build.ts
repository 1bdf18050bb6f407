/** `dv build FILE.c|FILE.cpp... -o OUT.wasm`: compile a C or C++ driver to a wasm32 image the kernel can load. */
import { WDF_LIBRARY_MODULE } from '../nt/wdf.ts';
import type { Command } from 'commander';
import { shellQuote } from './quote.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description('compile C and C++ driver sources with clang (16 or newer) and wasm-ld into a wasm32 driver image')
    .argument('<sources...>', 'C (.c) and C++ (.cpp, .cxx, .cc, .C) source files')
    .requiredOption('-o, --output <file>', 'the driver image to write (.wasm)')
    .option('-I, --include <dir>', 'add an include directory (repeatable)', collect, [] as string[])
    .option('-D, --define <name[=value]>', 'define a macro, e.g. -D DBG=1 (repeatable)', collect, [] as string[])
    .option('--kasan', "instrument the driver's stack and global variables with AddressSanitizer (clang -fsanitize=address): an out-of-bounds or out-of-scope access is bug check 0x1F2 at the access")
    .option('--verbose', 'print the commands run')
    .action(async (sources: string[], opts: { output: string; include: string[]; define: string[]; kasan?: boolean }, command: Command) => {
      // Loaded here: the toolchain and the kernel's DDI table are no part of the other commands' start-up.
      const [{ buildDriver }, { kernelDdiNames }] = await Promise.all([import('../build/build.ts'), import('../build/kernel-ddis.ts')]);
      const result = buildDriver({ sources, output: opts.output, includeDirs: opts.include, defines: opts.define, kasan: opts.kasan === true });
      // --verbose is dv's global option too: `dv build --verbose` and `dv --verbose build` both reach here.
      if (command.optsWithGlobals().verbose) for (const argv of result.commands) process.stdout.write(argv.map(shellQuote).join(' ') + '\n');
      process.stderr.write(result.diagnostics);
      if (result.ok) {
        // DDIs called directly, and those a function with a __try calls through their address (GOT.func).
        const known = kernelDdiNames();
        const ddis = new Set(result.imports.filter((i) => i.module === 'ntoskrnl' || (i.module === 'GOT.func' && known.has(i.name))).map((i) => i.name)).size;
        // A KMDF driver's framework DDIs are imports from Wdf01000 (wdf.h).
        const wdf = new Set(result.imports.filter((i) => i.module === WDF_LIBRARY_MODULE).map((i) => i.name)).size;
        const framework = wdf > 0 ? `, ${wdf} framework DDI import${wdf === 1 ? '' : 's'} from ${WDF_LIBRARY_MODULE}` : '';
        process.stdout.write(`dv build: wrote ${opts.output} (${ddis} DDI import${ddis === 1 ? '' : 's'}${framework}${opts.kasan ? ', KASAN-instrumented' : ''})\n`);
      }
      process.exitCode = result.exitCode;
    });
}
