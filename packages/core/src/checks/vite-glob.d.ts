// Vite (and so vitest) expands `import.meta.glob(…, { query: "?raw", import: "default", eager: true })`
// into the matched files' texts; checks-doc.test.ts reads the rule files that way, without node:fs
// (house-style §1).
interface ImportMeta {
  glob<T>(pattern: string, options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
}
