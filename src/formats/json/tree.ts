import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { SourceRange } from '../../ir/types';

export type { JsonNode };

/** A JSON syntax error at an exact range of the text. */
export interface JsonSyntaxError {
  message: string;
  range: SourceRange;
}

export interface ParsedJson {
  /** Undefined only when the text holds no value at all. */
  root: JsonNode | undefined;
  errors: JsonSyntaxError[];
}

const messages: Record<string, string> = {
  InvalidSymbol: 'invalid symbol',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'property name expected',
  ValueExpected: 'value expected',
  ColonExpected: "':' expected",
  CommaExpected: "',' expected",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: 'end of file expected',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unexpected end of comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unexpected end of number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character',
};

/** Parses JSON (comments and trailing commas tolerated, as in VS Code's JSON with comments)
 * into a tree whose every value knows its offset and length. Never throws: a nesting too deep
 * for the parser's recursion becomes a syntax error at offset 0. */
export function parseJson(text: string): ParsedJson {
  const raw: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = parseTree(text, raw, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  } catch (e) {
    const why = e instanceof RangeError ? 'the JSON nests too deeply to read' : `the JSON could not be read (${String(e)})`;
    return { root: undefined, errors: [{ message: why, range: { offset: 0, length: Math.min(text.length, 1) } }] };
  }
  const errors = raw.map((e) => ({
    message: messages[printParseErrorCode(e.error)] ?? printParseErrorCode(e.error),
    range: { offset: e.offset, length: Math.max(e.length, 1) },
  }));
  return { root, errors };
}

/** Line and column (1-based) of an offset, for messages. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: end - last };
}

export function rangeOf(node: JsonNode): SourceRange {
  return { offset: node.offset, length: node.length };
}

/** The value node of property `key` of an object node, if present. */
export function prop(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!node || node.type !== 'object' || !node.children) return undefined;
  for (const p of node.children) {
    const k = p.children?.[0];
    if (k && k.value === key) return p.children?.[1];
  }
  return undefined;
}

/** The property node (key and value) of `key`, for ranges that should cover the key. */
export function propNode(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!node || node.type !== 'object' || !node.children) return undefined;
  return node.children.find((p) => p.children?.[0]?.value === key);
}

export function keys(node: JsonNode | undefined): string[] {
  if (!node || node.type !== 'object' || !node.children) return [];
  return node.children.map((p) => String(p.children?.[0]?.value));
}

export function items(node: JsonNode | undefined): JsonNode[] {
  return node && node.type === 'array' ? node.children ?? [] : [];
}

export function str(node: JsonNode | undefined): string | undefined {
  return node && node.type === 'string' ? (node.value as string) : undefined;
}

export function num(node: JsonNode | undefined): number | undefined {
  return node && node.type === 'number' ? (node.value as number) : undefined;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** The plain value of a subtree (its depth is bounded by what parseJson already survived). */
export function value(node: JsonNode | undefined): JsonValue | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'string': case 'number': case 'boolean': return node.value as JsonValue;
    case 'null': return null;
    case 'array': return (node.children ?? []).map((c) => value(c) ?? null);
    case 'object': {
      const o: { [k: string]: JsonValue } = {};
      for (const p of node.children ?? []) {
        const k = p.children?.[0];
        if (k) o[String(k.value)] = value(p.children?.[1]) ?? null;
      }
      return o;
    }
    default: return undefined;
  }
}

/** A short name for a node's JSON type, for messages ('object', 'array', 'a string'...). */
export function typeName(node: JsonNode | undefined): string {
  if (!node) return 'nothing';
  return node.type === 'property' ? 'a property' : node.type;
}
