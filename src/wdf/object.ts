/**
 * The framework's object model (FxObject): every WDFXXX object is a pool block (FX_OBJECT_HEADER,
 * then its first context) whose handle is the block's address XOR ~7. Objects form a tree: each
 * has a parent (the driver for most) and is deleted with it. Deleting runs every cleanup callback of
 * the subtree, children first; then releases the subtree, and each object whose references are
 * gone is destroyed (its destroy callbacks, children first) and its memory freed. A dereference
 * to zero of an object still in the tree is 0x10D/0x7.
 */
import { STATUS } from '../nt/status.ts';
import { FX_CONTEXT_HEADER, FX_HANDLE_XOR, FX_OBJECT_HEADER, FX_OBJECT_STATE, WDF_BUGCHECK, WDF_EXECUTION_LEVEL, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_CONTEXT_TYPE_INFO, WDF_SYNCHRONIZATION_SCOPE, FX_TYPE, FX_TYPE_HANDLE_NAME, type FxTypeCode } from '../nt/wdf.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { IFR_OWN_LINES, ifrHex } from './ifr.ts';

const H = FX_OBJECT_HEADER.off;
const CH = FX_CONTEXT_HEADER.off;
const A = WDF_OBJECT_ATTRIBUTES.off;
const TI = WDF_OBJECT_CONTEXT_TYPE_INFO.off;
/** The first context's offset in an object's block: after the header, 8-aligned. */
const FIRST_CONTEXT = (FX_OBJECT_HEADER.size + 7) & ~7;
const CONTEXT_BLOCK = (FX_CONTEXT_HEADER.size + 7) & ~7;

/** A WDF_OBJECT_ATTRIBUTES as read and validated (the driver's may be NULL: WDF_NO_OBJECT_ATTRIBUTES). */
export interface FxAttributes {
  readonly cleanup: number;
  readonly destroy: number;
  readonly executionLevel: number;
  readonly synchronizationScope: number;
  readonly parent: number;
  /** The context's type (its UniqueType), 0 for none. */
  readonly contextType: number;
  /** The driver's WDF_OBJECT_CONTEXT_TYPE_INFO. */
  readonly contextTypeInfo: number;
  readonly contextSize: number;
}

export const NO_ATTRIBUTES: FxAttributes = { cleanup: 0, destroy: 0, executionLevel: WDF_EXECUTION_LEVEL.InheritFromParent, synchronizationScope: WDF_SYNCHRONIZATION_SCOPE.InheritFromParent, parent: 0, contextType: 0, contextTypeInfo: 0, contextSize: 0 };

/** What an object's attributes may say, by the rules of the object type (fxvalidatefunctions.cpp). */
export interface AttributeRules {
  /** The caller may not name a parent (WDFDRIVER, WDFDEVICE, ...). */
  readonly parentNotAllowed?: boolean;
  /** The caller must name a parent (WDFTIMER, WDFWORKITEM, WDFDPC). */
  readonly parentRequired?: boolean;
  /** The type takes an ExecutionLevel (driver, device, file, general object, queue, timer); others: STATUS_WDF_EXECUTION_LEVEL_INVALID. */
  readonly executionLevel?: boolean;
  /** The type takes a SynchronizationScope other than None (driver, device, queue); others: STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID. */
  readonly synchronizationScope?: boolean;
}

/**
 * Read a driver's WDF_OBJECT_ATTRIBUTES: a status for an invalid one (the framework's validation
 * order: size, levels, context, parent), or the attributes.
 */
export function readAttributes(fx: Framework, address: number, rules: AttributeRules = {}): FxAttributes | number {
  if (address === 0) return rules.parentRequired ? STATUS.WDF_PARENT_NOT_SPECIFIED : NO_ATTRIBUTES;
  const as = fx.k.as;
  if (as.u32(address + A.Size) !== WDF_OBJECT_ATTRIBUTES.size) return STATUS.INFO_LENGTH_MISMATCH;
  const executionLevel = as.u32(address + A.ExecutionLevel);
  const synchronizationScope = as.u32(address + A.SynchronizationScope);
  if (executionLevel < WDF_EXECUTION_LEVEL.InheritFromParent || executionLevel > WDF_EXECUTION_LEVEL.Dispatch) return STATUS.WDF_OBJECT_ATTRIBUTES_INVALID;
  if (synchronizationScope < WDF_SYNCHRONIZATION_SCOPE.InheritFromParent || synchronizationScope > WDF_SYNCHRONIZATION_SCOPE.None) return STATUS.WDF_OBJECT_ATTRIBUTES_INVALID;
  const contextTypeInfo = as.u32(address + A.ContextTypeInfo);
  const override = as.u32(address + A.ContextSizeOverride);
  let contextType = 0;
  let contextSize = 0;
  if (contextTypeInfo !== 0) {
    contextType = as.u32(contextTypeInfo + TI.UniqueType) || contextTypeInfo;
    const declared = as.u32(contextTypeInfo + TI.ContextSize);
    if (declared === 0) return STATUS.WDF_OBJECT_ATTRIBUTES_INVALID;
    if (override !== 0 && override < declared) return STATUS.WDF_OBJECT_ATTRIBUTES_INVALID;
    contextSize = override || declared;
  } else if (override !== 0) {
    return STATUS.WDF_OBJECT_ATTRIBUTES_INVALID;
  }
  const parent = as.u32(address + A.ParentObject);
  if (parent !== 0 && rules.parentNotAllowed) return STATUS.WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
  if (parent === 0 && rules.parentRequired) return STATUS.WDF_PARENT_NOT_SPECIFIED;
  // FxValidateObjectAttributes: what the object type does not take must be left to inherit.
  if (!rules.synchronizationScope && synchronizationScope !== WDF_SYNCHRONIZATION_SCOPE.InheritFromParent && synchronizationScope !== WDF_SYNCHRONIZATION_SCOPE.None) return STATUS.WDF_SYNCHRONIZATION_SCOPE_INVALID;
  if (!rules.executionLevel && executionLevel !== WDF_EXECUTION_LEVEL.InheritFromParent) return STATUS.WDF_EXECUTION_LEVEL_INVALID;
  return { cleanup: as.u32(address + A.EvtCleanupCallback), destroy: as.u32(address + A.EvtDestroyCallback), executionLevel, synchronizationScope, parent, contextType, contextTypeInfo, contextSize };
}

/** One context of an object: where it is, its type, and the callbacks its attributes named. */
interface FxContext {
  readonly type: number;
  readonly typeInfo: number;
  readonly address: number;
  /** The pool block holding it when it is not the object's own (WdfObjectAllocateContext). */
  readonly block: number;
  readonly cleanup: number;
  readonly destroy: number;
}

export abstract class FxObject {
  readonly type: FxTypeCode;
  /** The object's pool block (FX_OBJECT_HEADER + first context). */
  readonly address: number;
  readonly handle: number;
  parent: FxObject | undefined;
  readonly children: FxObject[] = [];
  private refs = 1;
  state: number = FX_OBJECT_STATE.Created;
  private readonly contexts: FxContext[] = [];
  readonly executionLevel: number;
  readonly synchronizationScope: number;
  /** Told when the object's memory goes: what other parts keep for it is freed (callback-lock.ts). */
  readonly onDestroyed: (() => void)[] = [];

  constructor(
    readonly fx: Framework,
    readonly globals: FxDriverGlobals,
    attributes: FxAttributes,
    parent: FxObject | undefined,
    typeCode: FxTypeCode,
  ) {
    this.type = typeCode;
    const size = FIRST_CONTEXT + attributes.contextSize;
    this.address = fx.allocate(size, globals.tag);
    this.handle = (this.address ^ FX_HANDLE_XOR) >>> 0;
    this.executionLevel = attributes.executionLevel;
    this.synchronizationScope = attributes.synchronizationScope;
    const as = fx.k.as;
    as.zero(this.address, size);
    as.setU16(this.address + H.Type, typeCode);
    as.setU16(this.address + H.HeaderSize, FIRST_CONTEXT);
    as.setU32(this.address + H.DriverGlobals, globals.address);
    this.contexts.push({ type: attributes.contextType, typeInfo: attributes.contextTypeInfo, address: attributes.contextType ? this.address + FIRST_CONTEXT : 0, block: 0, cleanup: attributes.cleanup, destroy: attributes.destroy });
    as.setU32(this.address + H.ContextTypeInfo, attributes.contextTypeInfo);
    if (attributes.contextType) fx.contextOwners.set(this.address + FIRST_CONTEXT, this);
    this.writeHeader();
    fx.handles.set(this.handle, this);
    fx.completedRequests.delete(this.handle);
    if (parent) this.attach(parent);
    if (!IFR_OWN_LINES.includes(typeCode)) globals.record('FxObject::Initialize', `${FX_TYPE_HANDLE_NAME[typeCode]} ${ifrHex(this.handle)} created${parent ? `, parent ${ifrHex(parent.handle)}` : ''}`);
  }

  /** The framework owns it: WdfObjectDelete is refused (queues given to a device, requests it made, ...). */
  get driverMayDelete(): boolean {
    return true;
  }

  private attach(parent: FxObject): void {
    this.parent = parent;
    parent.children.push(this);
    this.fx.k.as.setU32(this.address + H.ParentObject, parent.address);
  }

  private writeHeader(): void {
    const as = this.fx.k.as;
    as.setU32(this.address + H.RefCount, this.refs);
    as.setU32(this.address + H.State, this.state);
  }

  // ---- contexts ---------------------------------------------------------------------------

  /** The context of type `uniqueType`, or 0 (a type the object does not have). */
  context(uniqueType: number): number {
    return this.contexts.find((c) => c.type !== 0 && c.type === uniqueType)?.address ?? 0;
  }

  hasContext(uniqueType: number): boolean {
    return this.context(uniqueType) !== 0;
  }

  /** WdfObjectAllocateContext: a context block of its own, chained to the object's. */
  addContext(attributes: FxAttributes): number {
    const as = this.fx.k.as;
    const block = this.fx.allocate(CONTEXT_BLOCK + attributes.contextSize, this.globals.tag);
    as.zero(block, CONTEXT_BLOCK + attributes.contextSize);
    as.setU32(block + CH.Object, this.address);
    as.setU32(block + CH.ContextTypeInfo, attributes.contextTypeInfo);
    // Chained last: the header's NextContext, or the last block's.
    const last = [...this.contexts].reverse().find((c) => c.block !== 0);
    as.setU32((last ? last.block + CH.NextContext : this.address + H.NextContext), block);
    const address = block + CONTEXT_BLOCK;
    this.contexts.push({ type: attributes.contextType, typeInfo: attributes.contextTypeInfo, address, block, cleanup: attributes.cleanup, destroy: attributes.destroy });
    this.fx.contextOwners.set(address, this);
    return address;
  }

  // ---- references -------------------------------------------------------------------------

  reference(): void {
    this.refs++;
    this.writeHeader();
  }

  /** Drop a reference; at zero an object still in the tree is the driver's bug (0x10D/0x7), a deleted one is destroyed. */
  dereference(): void {
    this.refs--;
    this.writeHeader();
    if (this.refs > 0) return;
    if (this.state === FX_OBJECT_STATE.Created) this.fx.violation(this.globals, WDF_BUGCHECK.OBJECT_ERROR, this.handle, this.address, 0);
    else if (this.state === FX_OBJECT_STATE.Deleted) this.destroy();
  }

  get referenceCount(): number {
    return this.refs;
  }

  // ---- deletion ---------------------------------------------------------------------------

  /** Delete the object and its subtree: cleanups (children first), then release (destroying what nothing references). */
  delete(): void {
    if (this.state !== FX_OBJECT_STATE.Created) return;
    if (this.type !== FX_TYPE.Request) this.globals.record('FxObject::DeleteObject', `${FX_TYPE_HANDLE_NAME[this.type]} ${ifrHex(this.handle)} deleted`);
    this.fx.frame('FxObject::CallCleanupCallbacks', () => this.cleanupTree());
    this.releaseTree();
  }

  private cleanupTree(): void {
    if (this.state !== FX_OBJECT_STATE.Created) return;
    this.state = FX_OBJECT_STATE.Disposing;
    this.writeHeader();
    for (const child of [...this.children]) child.cleanupTree();
    for (const c of this.contexts) if (c.cleanup) this.fx.invoke(c.cleanup, [this.handle], []);
    this.dispose();
  }

  private releaseTree(): void {
    for (const child of [...this.children]) child.releaseTree();
    if (this.parent) {
      const siblings = this.parent.children;
      siblings.splice(siblings.indexOf(this), 1);
      this.parent = undefined;
    }
    if (this.state === FX_OBJECT_STATE.Destroyed) return;
    this.state = FX_OBJECT_STATE.Deleted;
    // The reference the object was created with.
    this.dereference();
  }

  private destroy(): void {
    this.state = FX_OBJECT_STATE.Destroyed;
    this.writeHeader();
    this.fx.frame('FxObject::ProcessDestroy', () => {
      for (const c of this.contexts) if (c.destroy) this.fx.invoke(c.destroy, [this.handle], []);
    });
    this.destroyed();
    for (const done of this.onDestroyed.splice(0)) done();
    for (const c of this.contexts) {
      if (c.address) this.fx.contextOwners.delete(c.address);
      if (c.block) this.fx.free(c.block, this.globals.tag);
    }
    this.fx.handles.delete(this.handle);
    this.fx.free(this.address, this.globals.tag);
  }

  /** The type's own release of what it holds (a device object, a symbolic link, ...): after its cleanup callbacks. */
  protected dispose(): void {}

  /** The type's own last step before the memory goes. */
  protected destroyed(): void {}
}

/** WDFOBJECT made by WdfObjectCreate: a general object, a context holder. */
export class FxGeneralObject extends FxObject {
  constructor(fx: Framework, globals: FxDriverGlobals, attributes: FxAttributes, parent: FxObject | undefined) {
    super(fx, globals, attributes, parent, FX_TYPE.Object);
  }
}
