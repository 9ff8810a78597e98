/** Everything the pages share, built once in main.ts and handed down as one prop. */
import { Announcer } from "./announcer.svelte.ts";
import { Clock } from "./clock.svelte.ts";
import { FleetStore } from "./fleet.svelte.ts";
import { LiveConnection } from "./live.svelte.ts";
import { Router } from "./router.svelte.ts";
import { SessionStore } from "./session.svelte.ts";
import { ThemeStore } from "./theme.svelte.ts";

export class AppState {
  readonly theme = new ThemeStore();
  readonly clock = new Clock();
  readonly router = new Router();
  readonly session = new SessionStore();
  readonly live = new LiveConnection();
  /** the polite live region (App.svelte) */
  readonly announcer = new Announcer();
  readonly fleet = new FleetStore(this.session.api, this.announcer);
}
