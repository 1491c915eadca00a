import { visibleText } from './visibleText';

/**
 * Model text in a Markdown table cell. A name is the file author's: raw HTML (`<img onerror>`) would be
 * live in Markdown viewers that render it, a line break (LF, a bare CR, U+2028) would end the row and
 * start a heading, and `[`, `*`, `` ` `` would turn into links and formatting. Control characters become
 * visible escapes, HTML's three specials become entities, and Markdown's inline punctuation is
 * backslash-escaped, so the cell reads exactly as the name.
 */
export function markdownText(s: string): string {
  return visibleText(s)
    .replace(/[\\`*_[\]|~!]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
