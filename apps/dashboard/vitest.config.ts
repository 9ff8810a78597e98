import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineProject } from "vitest/config";

// The svelte plugin compiles the runes in `*.svelte.ts` state classes, so the stores are unit-tested
// like any other module (in node: no DOM needed for the logic).
export default defineProject({
  plugins: [svelte({ compilerOptions: { hmr: false } })],
  test: { name: "dashboard", include: ["src/**/*.test.ts"] },
});
