/**
 * Just enough XML for MSBuild project files: elements, attributes, text, comments, CDATA, the
 * declaration and a BOM. No namespaces beyond keeping the tag name as written, no DTD. A file that is
 * not well formed is an XmlError with the offset, so the corpus says which project it could not read.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (its text children joined), entities decoded. */
  readonly text: string;
}

export class XmlError extends Error {}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|\w+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? whole;
  });
}

export function parseXml(source: string): XmlElement {
  const s = source.replace(/^\uFEFF/, '');
  let i = 0;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${i}`);
  };

  /** Skips comments, processing instructions, doctype and whitespace between elements. */
  function skipMisc(): void {
    for (;;) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      if (s.startsWith('<!--', i)) {
        const end = s.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (s.startsWith('<?', i)) {
        const end = s.indexOf('?>', i + 2);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (s.startsWith('<!DOCTYPE', i)) {
        const end = s.indexOf('>', i);
        if (end < 0) fail('unterminated doctype');
        i = end + 1;
      } else return;
    }
  }

  function element(): XmlElement {
    if (s[i] !== '<') fail('expected an element');
    const nameMatch = /^<([A-Za-z_][\w.:-]*)/.exec(s.slice(i, i + 256));
    if (!nameMatch) fail('bad element name');
    const name = nameMatch![1]!;
    i += nameMatch![0].length;
    const attributes: Record<string, string> = {};
    for (;;) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      if (s.startsWith('/>', i)) {
        i += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (s[i] === '>') {
        i++;
        break;
      }
      const attr = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(s.slice(i, i + 100_000));
      if (!attr) fail(`bad attribute in <${name}>`);
      attributes[attr![1]!] = decode(attr![3] ?? attr![4] ?? '');
      i += attr![0].length;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (i >= s.length) fail(`unterminated <${name}>`);
      if (s.startsWith('</', i)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(s.slice(i, i + 256));
        if (!close || close[1] !== name) fail(`mismatched closing tag for <${name}>`);
        i += close![0].length;
        return { name, attributes, children, text };
      }
      if (s.startsWith('<!--', i)) {
        const end = s.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (s.startsWith('<![CDATA[', i)) {
        const end = s.indexOf(']]>', i + 9);
        if (end < 0) fail('unterminated CDATA');
        text += s.slice(i + 9, end);
        i = end + 3;
      } else if (s.startsWith('<?', i)) {
        const end = s.indexOf('?>', i + 2);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (s[i] === '<') {
        children.push(element());
      } else {
        const next = s.indexOf('<', i);
        const end = next < 0 ? s.length : next;
        text += decode(s.slice(i, end));
        i = end;
      }
    }
  }

  skipMisc();
  const root = element();
  skipMisc();
  if (i < s.length) fail('text after the root element');
  return root;
}
