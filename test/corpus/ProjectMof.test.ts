/**
 * A project's WMI and precompiled-header settings, as the corpus runner reads them: the headers
 * wmimofck writes (named by <HeaderOutputFile>, from the .mof its <MofComp> compiles), and the folder
 * of a header sources use precompiled (general/pcidrv/kmdf's layout). A driver project using both builds.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { readVcxproj } from '../../src/corpus/vcxproj.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';

function withProject(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dv-corpus-mof-'));
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

const RELEASE = `<ItemGroup><ProjectConfiguration Include="Release|x64"/></ItemGroup>
  <PropertyGroup><ConfigurationType>Driver</ConfigurationType><DriverType>KMDF</DriverType></PropertyGroup>`;

const MOF = `#PRAGMA AUTORECOVER
[Dynamic, Provider("WMIProv"), WMI, guid("{0006A660-8F12-11d2-B854-00C04FAD5171}"), locale("MS\\\\0x409")]
class BusInformation
{
    [key, read] string InstanceName;
    [read] boolean Active;
    [WmiDataId(1), read] uint32 ErrorCount;
    [WmiDataId(2), read, write] uint32 DebugPrintLevel;
};
`;

const DRIVER = `#include <ntddk.h>
#include <initguid.h>
#include <busMof.h>
_Static_assert(BusInformation_SIZE == 8 && BusInformation_DebugPrintLevel_ID == 2, "the generated block");
NTSTATUS DriverEntry(PDRIVER_OBJECT d, PUNICODE_STRING r) { UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(r); return BusInformation_GUID.Data1 == 0x0006A660 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL; }
`;

const BUS_PROJECT = `<Project>${RELEASE}
  <ItemGroup><ClCompile Include="bus.c"/></ItemGroup>
  <ItemGroup Label="WrappedTaskItems">
    <MofComp Include="bus.mof"><CreateBinaryMofFile>".\\$(IntDir)\\bus.bmf"</CreateBinaryMofFile></MofComp>
    <Wmimofck Include=".\\$(IntDir)\\bus.bmf" />
    <Wmimofck Include=".\\$(IntDir)\\bus.bmf"><HeaderOutputFile>.\\$(IntDir)\\busMof.h</HeaderOutputFile></Wmimofck>
  </ItemGroup>
</Project>`;

test('Wmimofck with HeaderOutputFile: the header name ($(IntDir) dropped) and the .mof its MofComp compiles', () => {
  withProject({ 'p.vcxproj': BUS_PROJECT, 'bus.c': DRIVER, 'Bus.mof': MOF }, (dir) => {
    const p = readVcxproj(join(dir, 'p.vcxproj'));
    assert.deepEqual(p.mofHeaders, [{ mof: join(dir, 'Bus.mof'), written: 'bus.mof', header: 'busMof.h' }]);
    assert.deepEqual(p.missingSources, []);
  });
});

test('a Wmimofck without HeaderOutputFile writes no header; a .mof not on disk is a missing source', () => {
  const project = `<Project>${RELEASE}
  <ItemGroup><ClCompile Include="a.c"/>
    <MofComp Include="..\\gone.mof"><CreateBinaryMofFile>".\\$(IntDir)\\gone.bmf"</CreateBinaryMofFile></MofComp>
    <Wmimofck Include=".\\$(IntDir)\\gone.bmf"><HeaderOutputFile>$(IntDir)\\%(Filename)Mof.h</HeaderOutputFile></Wmimofck>
    <MofComp Include="quiet.mof"/><Wmimofck Include="quiet.bmf"/>
  </ItemGroup></Project>`;
  withProject({ 'p/p.vcxproj': project, 'p/a.c': '', 'p/quiet.mof': MOF }, (dir) => {
    const p = readVcxproj(join(dir, 'p', 'p.vcxproj'));
    assert.deepEqual(p.mofHeaders, [{ mof: undefined, written: '../gone.mof', header: 'goneMof.h' }]);
    assert.deepEqual(p.missingSources, ['../gone.mof']);
  });
});

test("a precompiled header's folder joins the include path: sources elsewhere include it through the .pch", () => {
  const item = (file: string, mode: string) =>
    `<ClCompile Include="${file}"><PreCompiledHeaderFile>precomp.h</PreCompiledHeaderFile><PreCompiledHeader>${mode}</PreCompiledHeader></ClCompile>`;
  const project = `<Project>${RELEASE}
  <ItemDefinitionGroup><ClCompile><AdditionalIncludeDirectories>%(AdditionalIncludeDirectories);..</AdditionalIncludeDirectories></ClCompile></ItemDefinitionGroup>
  <ItemGroup>${item('..\\main.c', 'Use')}${item('hw.c', 'Use')}${item('precompsrc.c', 'Create')}</ItemGroup></Project>`;
  withProject({ 'k/HW/p.vcxproj': project, 'k/main.c': '', 'k/HW/hw.c': '', 'k/HW/precompsrc.c': '', 'k/HW/precomp.h': '' }, (dir) => {
    const p = readVcxproj(join(dir, 'k', 'HW', 'p.vcxproj'));
    assert.deepEqual(p.includeDirs, [join(dir, 'k'), join(dir, 'k', 'HW')]);
  });
  // Without a header on disk (or a source using it) nothing is added.
  withProject({ 'k/HW/p.vcxproj': project.replace(/Use/g, 'NotUsing'), 'k/main.c': '', 'k/HW/hw.c': '', 'k/HW/precompsrc.c': '', 'k/HW/precomp.h': '' }, (dir) => {
    assert.deepEqual(readVcxproj(join(dir, 'k', 'HW', 'p.vcxproj')).includeDirs, [join(dir, 'k')]);
  });
});

test("a project's driver including its wmimofck header builds from the project's settings", { skip: NEEDS_CLANG }, () => {
  withProject({ 'p.vcxproj': BUS_PROJECT, 'bus.c': DRIVER, 'bus.mof': MOF }, (dir) => {
    const p = readVcxproj(join(dir, 'p.vcxproj'));
    const r = buildDriver({ sources: p.sources, output: join(dir, 'bus.wasm'), includeDirs: p.includeDirs, mofHeaders: p.mofHeaders.map((m) => ({ mof: m.mof!, header: m.header })) });
    assert.ok(r.ok, r.diagnostics);
  });
});
