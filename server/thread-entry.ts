/**
 * The entry of a thread or child process beside `moduleUrl`. Run from source, a `.mjs` shim loads
 * the TypeScript entry through tsx; compiled (dist/node, npm start), the entry is plain JavaScript.
 */
export function threadEntry(moduleUrl: string, name: string): URL {
  return new URL(/\.tsx?$/.test(moduleUrl) ? `./${name}.mjs` : `./${name}.js`, moduleUrl);
}
