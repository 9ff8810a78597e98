/** The app state travels by Svelte context: built once in App, read by every page. */
import { getContext, setContext } from "svelte";
import type { AppState } from "./app-state.svelte.ts";

const KEY = Symbol("kdumpwatch-app");

export function provideAppState(app: AppState): void {
  setContext(KEY, app);
}

export function useAppState(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error("useAppState() outside <App>");
  return app;
}
