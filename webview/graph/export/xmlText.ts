import { visibleText } from '../../../src/common/visibleText';

/** Code points XML 1.0 does not allow at all (beyond the C0 controls visibleText already escapes):
 * unpaired surrogates and U+FFFE/U+FFFF. */
const NOT_XML = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

/**
 * Model text in SVG (XML) character data or an attribute value: control characters (BEL, ESC, which make
 * the file ill-formed) as visible escapes, code points XML forbids as \uXXXX, and the five markup
 * characters as entities (which also covers `]]>`), so the file stays well-formed whatever the names.
 */
export function xmlText(s: string): string {
  return visibleText(s)
    .replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
