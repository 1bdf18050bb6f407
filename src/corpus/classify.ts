/**
 * What kind of driver a project is: its DriverType (WDM, KMDF, Miniport, ExportDriver) refined by
 * what its sources include and link, and what generated headers it needs (WPP's .tmh, mc.exe's and
 * ctrpp's headers), which a build without the WDK's tools cannot have.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveIgnoringCase } from './paths.ts';
import type { VcxProject } from './vcxproj.ts';

/**
 * Driver families, most specific first: the first whose header is included, whose library is linked
 * or whose routine is called names the class. Headers and libraries in lower case.
 */
export const FAMILIES: readonly { readonly name: string; readonly headers?: readonly string[]; readonly libraries?: readonly string[]; readonly calls?: readonly string[] }[] = [
  // A file system registers itself with the I/O manager (cdfs, fastfat).
  { name: 'file system', calls: ['IoRegisterFileSystem'] },
  { name: 'minifilter', headers: ['fltkernel.h'], libraries: ['fltmgr.lib'] },
  // WFP callouts include ndis.h too: they come first.
  { name: 'WFP callout', headers: ['fwpsk.h'], libraries: ['fwpkclnt.lib'] },
  { name: 'NDIS', headers: ['ndis.h'], libraries: ['ndis.lib'] },
  { name: 'Storport', headers: ['storport.h'], libraries: ['storport.lib'] },
  { name: 'audio', headers: ['portcls.h', 'acx.h'], libraries: ['portcls.lib'] },
  { name: 'AVStream', headers: ['ks.h'], libraries: ['ks.lib'] },
  { name: 'display', headers: ['dispmprt.h', 'd3dkmddi.h'] },
  { name: 'HID', headers: ['hidport.h'], libraries: ['hidclass.lib'] },
  { name: 'SD', headers: ['sdport.h'], libraries: ['sdport.lib'] },
];

export interface Classification {
  /** The family, or the driver model when no family applies: `HID`, `minifilter`, `WDM`, `KMDF`. */
  readonly family: string;
  /** The framework the driver is written against (KMDF when it includes wdf.h or says so). */
  readonly model: string;
  /** Generated headers the project needs: `WPP`, `mc`, `ctrpp`. */
  readonly needs: readonly string[];
  /** `HID (KMDF)`, `WDM`, `minifilter [WPP]`: the table's class column. */
  readonly label: string;
  /** Every header its sources include (file names, lower case), for the blocker's explanations. */
  readonly includes: ReadonlySet<string>;
}

/** What a project file says that classification reads, and the corpus folder. */
export type ClassifyInput = Pick<VcxProject, 'driverType' | 'sources' | 'includeDirs' | 'libraries' | 'wpp' | 'mcHeaders' | 'ctrppHeaders'> & {
  /** Only files under this folder are followed into (the corpus, never the system's headers). */
  readonly root: string;
};

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]/gm;

/** The headers the sources include, following the project's own headers (those found under root). */
export function scanIncludes(sources: readonly string[], includeDirs: readonly string[], root: string): { includes: Set<string>; text: string } {
  const includes = new Set<string>();
  const seen = new Set<string>();
  let text = '';
  const queue = [...sources];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let body: string;
    try {
      body = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    text += body + '\n';
    for (const m of body.matchAll(INCLUDE)) {
      const name = m[1]!.replace(/\\/g, '/');
      includes.add(name.slice(name.lastIndexOf('/') + 1).toLowerCase());
      for (const dir of [dirname(file), ...includeDirs]) {
        const found = resolveIgnoringCase(dir, name);
        if (found && found.startsWith(root)) {
          queue.push(found);
          break;
        }
      }
    }
  }
  return { includes, text };
}

export function classify(input: ClassifyInput): Classification {
  const { includes, text } = scanIncludes(input.sources, input.includeDirs, input.root);
  const libs = new Set(input.libraries);
  const family = FAMILIES.find(
    (f) =>
      f.headers?.some((h) => includes.has(h)) ||
      f.libraries?.some((l) => libs.has(l)) ||
      f.calls?.some((c) => new RegExp(`\\b${c}\\s*\\(`).test(text)),
  )?.name;
  const declared = input.driverType.trim();
  const model = includes.has('wdf.h') || /^kmdf$/i.test(declared) ? 'KMDF' : declared || 'WDM';
  const needs = [
    ...(input.wpp || [...includes].some((h) => h.endsWith('.tmh')) ? ['WPP'] : []),
    ...(input.mcHeaders.length > 0 ? ['mc'] : []),
    ...(input.ctrppHeaders.length > 0 ? ['ctrpp'] : []),
  ];
  const base = family ? (model === 'WDM' ? family : `${family} (${model})`) : model;
  const label = needs.length > 0 ? `${base} [${needs.join(', ')}]` : base;
  return { family: family ?? model, model, needs, label, includes };
}
