import { visibleText } from '../../../src/common/visibleText';

/**
 * Model text inside a quoted Mermaid label. Mermaid decodes `#name;` / `#123;` entity codes and renders
 * labels as HTML, and a backtick turns the label into Markdown: every character with a meaning there
 * (`"`, `#`, `<`, `>`, `&`, `` ` ``) is written as Mermaid's numeric entity code, and control characters
 * and line breaks (which end the statement) as visible escapes.
 */
export function mermaidText(s: string): string {
  return visibleText(s).replace(/["#<>&`]/g, (c) => `#${c.charCodeAt(0)};`);
}
