/**
 * The pieces of the corpus runner that need no compiler: reading project files (XML, conditions,
 * configurations, item definitions), the blocker's wording, the requests table, the --only filter.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildBlocker } from '../../src/corpus/blocker.ts';
import { evaluateCondition } from '../../src/corpus/condition.ts';
import { projectFilter } from '../../src/corpus/discover.ts';
import { requestsFor } from '../../src/corpus/requests.ts';
import { readVcxproj } from '../../src/corpus/vcxproj.ts';
import { parseXml, XmlError } from '../../src/corpus/xml.ts';

test('XML: elements, attributes, entities, comments, CDATA; a broken file is an XmlError with where', () => {
  const x = parseXml('\uFEFF<?xml version="1.0"?><!-- c --><P a="1 &amp; 2"><C Condition="$(X)&lt;3">t<![CDATA[<u>]]></C><E/></P>');
  assert.equal(x.name, 'P');
  assert.equal(x.attributes.a, '1 & 2');
  assert.deepEqual(x.children.map((c) => [c.name, c.attributes.Condition, c.text]), [['C', '$(X)<3', 't<u>'], ['E', undefined, '']]);
  assert.throws(() => parseXml('<P><C></P>'), (e: unknown) => e instanceof XmlError && /mismatched closing tag for <C> at offset \d+/.test(e.message));
  assert.throws(() => parseXml('<P>'), XmlError);
});

test('conditions: configuration, negation, numbers, and/or, unknown properties empty, exists() false', () => {
  const props = new Map([['configuration', 'Release'], ['platform', 'x64'], ['usedebuglibraries', 'False'], ['_nt_target_version', '0xA00'], ['_nt_target_version_win8', '0x602']]);
  assert.equal(evaluateCondition("'$(Configuration)|$(Platform)'=='Release|x64'", props), true);
  assert.equal(evaluateCondition("'$(Configuration)|$(Platform)'=='Debug|x64'", props), false);
  assert.equal(evaluateCondition("!('$(UseDebugLibraries)'=='false')", props), false); // case-insensitive
  assert.equal(evaluateCondition('$(_NT_TARGET_VERSION)<$(_NT_TARGET_VERSION_WIN8)', props), false);
  assert.equal(evaluateCondition('!($(_NT_TARGET_VERSION)<$(_NT_TARGET_VERSION_WIN8)) And $(Nothing)==\'\'', props), true);
  assert.equal(evaluateCondition("'$(Configuration)'=='Debug' or '$(Platform)' != 'ARM64'", props), true);
  assert.equal(evaluateCondition("exists('$(UserRootDir)\\x.props')", props), false);
  assert.equal(evaluateCondition(undefined, props), true);
});

function withProject(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dv-corpus-proj-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a project: Release|x64 chosen, Platform fixed by the solution, %(X) accumulates, WDK paths skipped, sources case-insensitive', () => {
  const project = `<Project>
  <ItemGroup><ProjectConfiguration Include="Debug|x64"/><ProjectConfiguration Include="Release|x64"/></ItemGroup>
  <PropertyGroup><Platform>Desktop</Platform><Common>..\\common</Common></PropertyGroup>
  <PropertyGroup Condition="'$(Configuration)|$(Platform)'=='Release|x64'"><ConfigurationType>Driver</ConfigurationType><DriverType>WDM</DriverType><TargetName>drv</TargetName></PropertyGroup>
  <ItemDefinitionGroup Condition="'$(Configuration)|$(Platform)'=='Release|x64'">
    <ClCompile>
      <AdditionalIncludeDirectories>%(AdditionalIncludeDirectories);$(DDK_INC_PATH);$(Common)</AdditionalIncludeDirectories>
      <AdditionalIncludeDirectories>$(ProjectDir)inc;%(AdditionalIncludeDirectories)</AdditionalIncludeDirectories>
      <PreprocessorDefinitions>A=1;/wd4996;%(PreprocessorDefinitions)</PreprocessorDefinitions>
      <PreprocessorDefinitions Condition="'$(Configuration)'=='Debug'">%(PreprocessorDefinitions);DBG_ONLY</PreprocessorDefinitions>
      <PreprocessorDefinitions>%(PreprocessorDefinitions);B</PreprocessorDefinitions>
    </ClCompile>
    <Link><AdditionalDependencies>%(AdditionalDependencies);$(DDK_LIB_PATH)\\FltMgr.lib</AdditionalDependencies></Link>
  </ItemDefinitionGroup>
  <ItemGroup>
    <Src Include="Main.C"/>
    <ClCompile Include="@(Src);gone.c" />
    <ClCompile Include="*.cpp" Exclude="skip.cpp" />
  </ItemGroup>
</Project>`;
  withProject({ 'p/drv.vcxproj': project, 'p/main.c': '', 'p/a.cpp': '', 'p/skip.cpp': '', 'p/inc/x.h': '', 'common/y.h': '' }, (dir) => {
    const p = readVcxproj(join(dir, 'p/drv.vcxproj'));
    assert.deepEqual([p.configuration, p.configurationType, p.driverType, p.targetName], ['Release|x64', 'Driver', 'WDM', 'drv']);
    assert.deepEqual(p.sources, [join(dir, 'p/main.c'), join(dir, 'p/a.cpp')]);
    assert.deepEqual(p.missingSources, ['gone.c']);
    assert.deepEqual(p.includeDirs, [join(dir, 'p/inc'), join(dir, 'common')]);
    assert.deepEqual(p.defines, ['A=1', 'B']);
    assert.deepEqual(p.libraries, ['fltmgr.lib']);
  });
});

test("WPP's defines are the compile's too: WppPreprocessorDefinitions (a source's own metadata), and WppRecorderEnabled's ENABLE_WPP_RECORDER", () => {
  const project = (recorder: string) => `<Project>
  <PropertyGroup><ConfigurationType>Driver</ConfigurationType>${recorder}</PropertyGroup>
  <ItemDefinitionGroup><ClCompile><WppEnabled>true</WppEnabled><PreprocessorDefinitions>A</PreprocessorDefinitions></ClCompile></ItemDefinitionGroup>
  <ItemGroup><ClCompile Include="main.c"><WppPreprocessorDefinitions>ENABLE_WPP_RECORDER=1;/bad</WppPreprocessorDefinitions></ClCompile></ItemGroup>
</Project>`;
  withProject({ 'p/drv.vcxproj': project(''), 'p/main.c': '' }, (dir) => assert.deepEqual(readVcxproj(join(dir, 'p/drv.vcxproj')).defines, ['A', 'ENABLE_WPP_RECORDER=1']));
  const noItemDefines = project('<WppRecorderEnabled>true</WppRecorderEnabled>').replace(/<WppPreprocessorDefinitions>.*<\/WppPreprocessorDefinitions>/, '');
  withProject({ 'p/drv.vcxproj': noItemDefines, 'p/main.c': '' }, (dir) => assert.deepEqual(readVcxproj(join(dir, 'p/drv.vcxproj')).defines, ['A', 'ENABLE_WPP_RECORDER=1']));
});

test('blockers: one stable line, no paths or line numbers; generated headers named as such', () => {
  const g = { mcHeaders: ['serlog.h'], ctrppHeaders: ['kcscounters.h'] };
  assert.equal(buildBlocker('/x/y/sioctl.c:12:10: fatal error: \'fltKernel.h\' file not found\n#include <fltKernel.h>\n', g), "'fltKernel.h' file not found");
  assert.equal(buildBlocker("a.c:3:1: fatal error: 'trace.tmh' file not found\n", g), 'needs generated header (WPP .tmh)');
  assert.equal(buildBlocker("a.c:3:1: fatal error: 'SerLog.h' file not found\n", g), 'needs generated header (mc.exe)');
  assert.equal(buildBlocker("a.c:3:1: fatal error: 'kcsCounters.h' file not found\n", g), 'needs generated header (ctrpp)');
  assert.equal(
    buildBlocker("a.c:9:5: warning: unused variable 'x' [-Wunused-variable]\na.c:10:5: error: call to undeclared function 'IoAcquireRemoveLock'; ISO C99 and later do not support implicit function declarations [-Werror,-Wimplicit-function-declaration]\n", g),
    "undeclared function 'IoAcquireRemoveLock'",
  );
  assert.equal(buildBlocker("sioctl.c: error: 'KeFoo' is not exported by the simulated kernel (docs/ddi-support.md lists the DDIs it exports)\n", g), "'KeFoo' is not exported by the kernel");
  assert.equal(buildBlocker('/a/b/c.c:1:2: error: expected \';\' after expression\n', g), "expected ';' after expression");
  withProject({ 'p/Local.H': '', 'p/a.c': '' }, (dir) => {
    // Found under another case beside the including file, or in a search folder: the #include's case is the blocker.
    assert.equal(buildBlocker(`${dir}/p/a.c:1:10: fatal error: 'local.h' file not found\n`, g), "'local.h' file not found (exists as 'Local.H': #include case)");
    assert.equal(buildBlocker("x.c:1:10: fatal error: 'LOCAL.h' file not found\n", { ...g, searchDirs: [join(dir, 'p')] }), "'LOCAL.h' file not found (exists as 'Local.H': #include case)");
  });
});

test('requests: the IOCTL sample\'s four methods with 100-byte buffers; the event sample\'s IRP-based registration', () => {
  const ioctl = requestsFor('general/ioctl/wdm/sys')!.requests;
  assert.deepEqual(
    ioctl.map((r) => (r.kind === 'ioctl' ? [r.code.toString(16), r.outputLength, r.input.length, r.outputInit?.length ?? 0] : r.kind)),
    [['9c402408', 100, 60, 0], ['9c40240f', 100, 59, 0], ['9c402401', 100, 61, 74], ['9c402406', 100, 62, 0]],
  );
  const event = requestsFor('general/event/wdm')!.requests[0]!;
  assert.ok(event.kind === 'ioctl');
  assert.equal(event.code, 0x222000);
  assert.equal(new DataView(event.input.buffer).getBigInt64(8, true), -30_000_000n);
  assert.deepEqual(requestsFor('general/cancel/startio')!.requests, [{ kind: 'read', length: 4 }, { kind: 'read', length: 4 }]);
  assert.equal(requestsFor('general/ioctl/kmdfish'), undefined);
});

test('--only: a substring of the path, or a pattern with *', () => {
  assert.equal(projectFilter('ioctl/WDM')('general/ioctl/wdm/sys/sioctl.vcxproj'), true);
  assert.equal(projectFilter('general/*/sys/*.vcxproj')('general/ioctl/wdm/sys/sioctl.vcxproj'), true);
  assert.equal(projectFilter('general/*/kmdf/*')('general/ioctl/wdm/sys/sioctl.vcxproj'), false);
});
