// Vite (and so vitest) turns `import text from "./file.txt?raw"` into the file's text. This lets
// the tests read fixtures without node:fs, which packages/core may not import (house-style §1).
declare module "*.txt?raw" {
  const text: string;
  export default text;
}
