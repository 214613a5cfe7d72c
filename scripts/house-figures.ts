/**
 * The figures a newcomer meets in the code (issue #17's before and after): where SQL is
 * written, the largest files, the longest functions and the files per folder, for `src/`
 * (and `web/src/` for sizes). Import cycles are dependency-cruiser's to count
 * (`npm run check`).
 *
 *   npx tsx scripts/house-figures.ts [--json]
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOTS = ['src', 'web/src'];
/** Query building: Kysely's builders and its `sql` template tag. */
const SQL = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql(\.raw|\.ref|\.id|\.lit|\.table)?\s*(<[^>]*>)?\s*`/;
/** Where SQL belongs: the repositories, the database module and the migrations. */
const SQL_HOMES = [/^src\/db\//, /-repository\.ts$/, /\/repositories\//];

interface FileFigures {
  file: string;
  lines: number;
  sql: boolean;
  longest: { name: string; lines: number } | undefined;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function functionName(node: ts.Node, file: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(file);
  if (ts.isVariableDeclaration(node.parent)) return node.parent.name.getText(file);
  if (ts.isPropertyAssignment(node.parent)) return node.parent.name.getText(file);
  return '(anonymous)';
}

function figuresOf(file: string): FileFigures {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  let longest: FileFigures['longest'];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const lines = source.getLineAndCharacterOfPosition(node.end).line - source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      if (!longest || lines > longest.lines) longest = { name: functionName(node, source), lines };
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file, lines: text.split('\n').length, sql: SQL.test(text), longest };
}

const files = ROOTS.flatMap(sourceFiles).map(figuresOf);
const server = files.filter((f) => f.file.startsWith('src/'));
const withSql = server.filter((f) => f.sql);
const strays = withSql.filter((f) => !SQL_HOMES.some((home) => home.test(f.file)) && !f.file.includes('/migrations/'));
const folders = new Map<string, number>();
for (const f of server) folders.set(path.dirname(f.file), (folders.get(path.dirname(f.file)) ?? 0) + 1);

const top = <T>(list: T[], by: (item: T) => number, n = 5) => [...list].sort((a, b) => by(b) - by(a)).slice(0, n);
const report = {
  files: { src: server.length, web: files.length - server.length },
  sql: { files: withSql.length, outsideRepositories: strays.length, strays: strays.map((f) => f.file) },
  largestFiles: top(files, (f) => f.lines).map((f) => ({ file: f.file, lines: f.lines })),
  // A migration's `up` is a schema declaration, long by nature.
  longestFunctions: top(
    files.filter((f) => f.longest && !f.file.includes('/migrations/')),
    (f) => f.longest?.lines ?? 0,
  ).map((f) => ({ file: f.file, function: f.longest?.name, lines: f.longest?.lines })),
  filesPerFolder: Object.fromEntries(top([...folders], ([, n]) => n, 8)),
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`files: ${report.files.src} in src/, ${report.files.web} in web/src/`);
  console.log(`SQL written in ${report.sql.files} files of src/, ${report.sql.outsideRepositories} outside repositories, src/db/ and migrations`);
  console.log('largest files:');
  for (const f of report.largestFiles) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}`);
  console.log('longest functions:');
  for (const f of report.longestFunctions) console.log(`  ${String(f.lines).padStart(5)}  ${f.file} ${f.function}`);
  console.log('files per folder (most):');
  for (const [folder, n] of Object.entries(report.filesPerFolder)) console.log(`  ${String(n).padStart(5)}  ${folder}`);
}
