/** Imported first by main.ts: fills in the newer library features before any other module runs. */
import { installLegacyBuiltins } from "./legacy-builtins.ts";

installLegacyBuiltins();
