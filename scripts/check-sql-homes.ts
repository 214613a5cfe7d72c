/**
 * Fails when query-building code is written outside its homes: the repositories
 * (`*-repository.ts`), the database module (`src/db/`) and the migrations. Query building
 * is a call of Kysely's builders (`selectFrom`, `insertInto`, `updateTable`, `deleteFrom`,
 * `replaceInto`, `mergeInto`), of its `sql` helpers (`sql.raw`, `sql.ref`, …) or the
 * `sql` template tag. Services call repositories; they never write a query themselves.
 *
 *   npx tsx scripts/check-sql-homes.ts        (part of `npm run check`)
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = 'src';
const BUILDERS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);
const HOMES = [/^src\/db\//, /-repository\.ts$/];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `sql` itself, or `sql.raw`, `sql.ref`, …: the root identifier is `sql`. */
function isSqlTag(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'sql';
  return ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'sql';
}

/** Each place in the file where a query is built, as `file:line: what`. */
export function queriesIn(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${what}`);
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && BUILDERS.has(callee.name.text)) at(node, `.${callee.name.text}(…)`);
      else if (ts.isPropertyAccessExpression(callee) && isSqlTag(callee)) at(node, `${callee.getText(source)}(…)`);
    } else if (ts.isTaggedTemplateExpression(node) && isSqlTag(node.tag)) {
      at(node, `${node.tag.getText(source)}\`…\``);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const strays = sourceFiles(ROOT)
  .map((file) => file.split(path.sep).join('/'))
  .filter((file) => !HOMES.some((home) => home.test(file)))
  .flatMap((file) => queriesIn(file));

if (strays.length > 0) {
  console.error(`Queries written outside the repositories and src/db/ (${strays.length}); move each into its aggregate's *-repository.ts:`);
  for (const stray of strays) console.error(`  ${stray}`);
  process.exit(1);
}
console.log('every query is built in a repository, src/db/ or a migration');
