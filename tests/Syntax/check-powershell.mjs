// Syntax-checks PowerShell files without PowerShell: the tree-sitter grammar marks what it cannot parse
// as ERROR or MISSING nodes, and each one is reported with its file, line and column.
import Parser from "tree-sitter";
import PowerShell from "tree-sitter-powershell";
import { readFileSync } from "node:fs";

const files = process.argv.slice(2);
const parser = new Parser();
parser.setLanguage(PowerShell);
let failures = 0;

function* problems(node) {
  if (node.type === "ERROR" || node.isMissing) yield node;
  for (const child of node.children) yield* problems(child);
}

for (const file of files) {
  const source = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  const tree = parser.parse(source, null, { bufferSize: Math.max(32 * 1024, source.length * 2) });
  for (const node of problems(tree.rootNode)) {
    failures++;
    const { row, column } = node.startPosition;
    const what = node.isMissing ? `missing ${node.type}` : "syntax error";
    console.error(`${file}:${row + 1}:${column + 1}: ${what} near '${source.slice(node.startIndex, node.startIndex + 40).split("\n")[0]}'`);
  }
}
console.log(`PowerShell syntax: ${files.length} files checked, ${failures} problems`);
process.exit(failures === 0 ? 0 : 1);
