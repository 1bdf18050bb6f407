/**
 * The --html page read back without a browser: the page is well-formed XML as well as HTML, so an XML
 * parser (fast-xml-parser) gives its elements; a small tree with lookups by id, tag and class.
 */
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface PageNode {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly PageNode[];
  /** For '#text' nodes. */
  readonly text?: string;
}

type Raw = Record<string, unknown>;

function build(raw: Raw[]): PageNode[] {
  return raw.map((r) => {
    const attrs = (r[':@'] ?? {}) as Record<string, string>;
    const tag = Object.keys(r).find((k) => k !== ':@')!;
    if (tag === '#text') return { tag, attrs: {}, children: [], text: String(r[tag]) };
    return { tag, attrs: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k.replace(/^@_/, ''), String(v)])), children: build(r[tag] as Raw[]) };
  });
}

export function parsePage(html: string): PageNode {
  const valid = XMLValidator.validate(html);
  assert.equal(valid, true, `the page is not well-formed: ${JSON.stringify(valid)}`);
  const parser = new XMLParser({ ignoreAttributes: false, preserveOrder: true, trimValues: false, parseTagValue: false, parseAttributeValue: false, processEntities: true });
  const roots = build(parser.parse(html) as Raw[]);
  const htmlNode = roots.find((n) => n.tag === 'html');
  assert.ok(htmlNode, 'no <html> element');
  return htmlNode;
}

export function* descendants(n: PageNode): Generator<PageNode> {
  for (const c of n.children) {
    yield c;
    yield* descendants(c);
  }
}

export const byId = (root: PageNode, id: string): PageNode | undefined => [...descendants(root)].find((n) => n.attrs.id === id);
export const all = (root: PageNode, tag: string): PageNode[] => [...descendants(root)].filter((n) => n.tag === tag);
export const textOf = (n: PageNode): string => (n.text ?? '') + n.children.map(textOf).join('');

/** The body rows of the table with this id, each as its cells' text. */
export function rows(root: PageNode, tableId: string): string[][] {
  const table = byId(root, tableId);
  assert.ok(table, `no table #${tableId}`);
  const body = all(table, 'tbody')[0]!;
  return all(body, 'tr').map((tr) => tr.children.filter((c) => c.tag === 'td').map(textOf));
}
