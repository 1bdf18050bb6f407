/**
 * Text from the driver (tags, symbols, source lines, file names) made safe for the page: the five
 * characters HTML and XML treat specially become entities, and control characters neither allows become
 * U+FFFD, so the page stays well-formed whatever the driver named things.
 */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ud800-\udfff\ufffe\uffff]/gu, '\ufffd');
}
