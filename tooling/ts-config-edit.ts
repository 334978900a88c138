/**
 * Edit literal values inside `export const NAME = { ... }` object literals of a TypeScript source
 * with the compiler API: only the text span of each target literal is replaced, so comments,
 * formatting and everything else in the file stay byte-identical.
 */
import ts from "typescript";

/** A literal value that may be written into the source. */
export type LiteralValue = string | number;

/** One replacement: the property path inside the exported constant's object literal. */
export interface LiteralEdit {
  /** e.g. `["dev"]` for `PRODUCER_RATE_PER_SECOND.dev`, `["producer", "tag"]` for `IMAGES.producer.tag`. */
  readonly path: readonly string[];
  readonly value: LiteralValue;
}

/** The source with the edits applied, and the previous values at each path (same order as the edits). */
export interface EditResult {
  readonly text: string;
  readonly previous: readonly LiteralValue[];
}

function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isParenthesizedExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** Find the object literal initializer of `export const <constName>`. */
export function findExportedObject(source: ts.SourceFile, constName: string): ts.ObjectLiteralExpression {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    if (!exported || (statement.declarationList.flags & ts.NodeFlags.Const) === 0) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== constName) continue;
      const initializer = declaration.initializer === undefined ? undefined : unwrap(declaration.initializer);
      if (initializer === undefined || !ts.isObjectLiteralExpression(initializer))
        throw new Error(
          `${source.fileName}: export const ${constName} is not initialized with an object literal`,
        );
      return initializer;
    }
  }
  throw new Error(`${source.fileName}: no \`export const ${constName}\` found`);
}

function findProperty(object: ts.ObjectLiteralExpression, key: string, where: string): ts.Expression {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyName(property.name) === key)
      return unwrap(property.initializer);
  }
  const known = object.properties
    .map((p) => (p.name === undefined ? undefined : propertyName(p.name)))
    .filter((k): k is string => k !== undefined);
  throw new Error(`${where} has no property "${key}" (it has: ${known.join(", ")})`);
}

function literalValue(node: ts.Expression, where: string): LiteralValue {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (
    ts.isPrefixUnaryExpression(node) &&
    node.operator === ts.SyntaxKind.MinusToken &&
    ts.isNumericLiteral(node.operand)
  )
    return -Number(node.operand.text);
  throw new Error(`${where} is not a string or number literal (${ts.SyntaxKind[node.kind]})`);
}

/** The source text of a literal value: numbers in JavaScript's shortest form, strings double-quoted. */
export function literalText(value: LiteralValue): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write non-finite number ${value}`);
    return String(value);
  }
  return JSON.stringify(value);
}

/** Read the literal values at the given paths. */
export function readLiterals(
  text: string,
  fileName: string,
  constName: string,
  paths: readonly (readonly string[])[],
): LiteralValue[] {
  return editExportedObject(
    text,
    fileName,
    constName,
    paths.map((path) => ({ path, value: "" })),
  ).previous.slice();
}

function locate(object: ts.ObjectLiteralExpression, path: readonly string[], where: string): ts.Expression {
  let node: ts.Expression = object;
  let here = where;
  for (const key of path) {
    if (!ts.isObjectLiteralExpression(node)) throw new Error(`${here} is not an object literal`);
    node = findProperty(node, key, here);
    here = `${here}.${key}`;
  }
  return node;
}

/** Apply the edits to `export const <constName>` and return the new text and previous values. */
export function editExportedObject(
  text: string,
  fileName: string,
  constName: string,
  edits: readonly LiteralEdit[],
): EditResult {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const object = findExportedObject(source, constName);
  const keys = edits.map((edit) => edit.path.join("."));
  const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
  if (duplicate !== undefined) throw new Error(`${constName}.${duplicate} is edited twice`);
  const spans = edits.map((edit) => {
    const where = `${fileName}: ${constName}`;
    const node = locate(object, edit.path, where);
    const previous = literalValue(node, `${where}.${edit.path.join(".")}`);
    return {
      start: node.getStart(source),
      end: node.getEnd(),
      previous,
      replacement: literalText(edit.value),
    };
  });
  let result = text;
  for (const span of [...spans].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, span.start) + span.replacement + result.slice(span.end);
  }
  return { text: result, previous: spans.map((s) => s.previous) };
}
