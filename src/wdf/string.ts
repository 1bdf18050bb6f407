/** WDFSTRING: a UNICODE_STRING the framework owns, freed with the object. */
import { UNICODE_STRING } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';

export class FxString extends FxObject {
  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    parent: FxObject | undefined,
    /** Its UNICODE_STRING (header and buffer, one block). */
    public string: number,
  ) {
    super(fx, g, attributes, parent, FX_TYPE.String);
  }

  /** Give the string new text (WdfDriverRetrieveVersionString): a new block, the old one freed. */
  replace(text: string): void {
    const old = this.string;
    this.string = this.fx.unicodeString(text, this.globals.tag);
    this.fx.free(old, this.globals.tag);
  }

  protected override destroyed(): void {
    this.fx.free(this.string, this.globals.tag);
  }
}

export function stringExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  return {
    WdfStringCreate(g, UnicodeString: number, StringAttributes: number, String: number) {
      fx.require(g, String);
      as.setU32(String, 0);
      const attributes = readAttributes(fx, StringAttributes);
      if (typeof attributes === 'number') return attributes;
      const text = UnicodeString === 0 ? '' : fx.readUnicodeString(UnicodeString);
      const parent = attributes.parent ? fx.object(g, attributes.parent) : g.driver;
      const s = new FxString(fx, g, attributes, parent, fx.unicodeString(text, g.tag));
      as.setU32(String, s.handle);
      return STATUS.SUCCESS;
    },

    WdfStringGetUnicodeString(g, String: number, UnicodeString: number) {
      const s = fx.object<FxString>(g, String, FX_TYPE.String);
      fx.require(g, UnicodeString);
      as.copy(UnicodeString, s.string, UNICODE_STRING.size);
    },
  };
}
