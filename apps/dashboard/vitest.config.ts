import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineProject } from "vitest/config";

// The svelte plugin compiles the runes in `*.svelte.ts` state classes, so the stores are unit-tested
// like any other module (in node: no DOM needed for the logic).
export default defineProject({
  plugins: [svelte({ compilerOptions: { hmr: false } })],
  // `isolate: false`: one import of the components and stores per worker, not per file (~6 s of CPU
  // over the project's 18 files); no file mocks a module or changes state another file could see
  test: { name: "dashboard", include: ["src/**/*.test.ts"], isolate: false },
});
