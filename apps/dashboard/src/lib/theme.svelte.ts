/**
 * Light / dark / follow-the-system theme. "system" leaves `data-theme` unset so the CSS follows
 * `prefers-color-scheme`; a choice is remembered in localStorage.
 */
const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

const KEY = "kdw-theme";

function stored(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === "light" || t === "dark" ? t : "system";
  } catch {
    return "system";
  }
}

export class ThemeStore {
  choice: Theme = $state(stored());
  #media = window.matchMedia("(prefers-color-scheme: dark)");
  #systemDark = $state(this.#media.matches);

  /** the theme actually shown, for components (the chart) that cannot use CSS variables alone */
  effective: "light" | "dark" = $derived(
    this.choice === "system" ? (this.#systemDark ? "dark" : "light") : this.choice,
  );

  constructor() {
    this.#media.addEventListener("change", (e) => {
      this.#systemDark = e.matches;
    });
    this.#apply();
  }

  /** Cycles system → light → dark → system. */
  cycle(): void {
    const next = THEMES[(THEMES.indexOf(this.choice) + 1) % THEMES.length] ?? "system";
    this.set(next);
  }

  set(theme: Theme): void {
    this.choice = theme;
    try {
      if (theme === "system") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, theme);
    } catch {
      // private mode: the choice lasts for this page only
    }
    this.#apply();
  }

  #apply(): void {
    if (this.choice === "system") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.choice;
  }
}
