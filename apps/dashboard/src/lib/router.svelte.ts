/** The current route, kept in step with `location.hash`. */
import { parseHash, type Route } from "./routes.ts";

export class Router {
  route: Route = $state(parseHash(location.hash));

  constructor() {
    window.addEventListener("hashchange", () => {
      this.route = parseHash(location.hash);
    });
  }

  /** Navigates; `replace` keeps filter tweaks from flooding the back button. */
  go(href: string, options: { replace?: boolean } = {}): void {
    if (href === location.hash || (href === "#/" && location.hash === "")) return;
    if (options.replace) {
      history.replaceState(history.state, "", href);
      this.route = parseHash(location.hash);
    } else {
      location.hash = href;
    }
  }
}
