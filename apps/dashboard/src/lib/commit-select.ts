/**
 * A `<select>` that applies its value when the choice is made, not while it is being made. Chromium
 * fires `change` on every arrow key of a closed, focused select, so a filter bound to `onchange`
 * refetched the list for every option passed on the way. Here a change made with the keyboard is
 * held until Enter or until the select loses focus; a change made with the pointer (the list was
 * opened and an option clicked) applies at once.
 *
 *   <select {@attach commitOnSettle((value) => apply(value))}>
 */
const NAV_KEYS = new Set([
  "ArrowUp",
  "ArrowDown",
  "ArrowLeft",
  "ArrowRight",
  "Home",
  "End",
  "PageUp",
  "PageDown",
]);

export function commitOnSettle(commit: (value: string) => void) {
  return (select: HTMLSelectElement) => {
    let byKeyboard = false;
    let committed = select.value;
    const apply = () => {
      byKeyboard = false;
      if (select.value === committed) return;
      committed = select.value;
      commit(select.value);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Enter") {
        apply();
        return;
      }
      // a printable key jumps to an option by its first letter: keyboard choosing, too
      if (NAV_KEYS.has(e.key) || e.key.length === 1) byKeyboard = true;
    };
    const onPointer = () => {
      byKeyboard = false;
    };
    const onChange = () => {
      if (!byKeyboard) apply();
    };
    const onFocus = () => {
      committed = select.value;
    };
    select.addEventListener("keydown", onKey);
    select.addEventListener("pointerdown", onPointer);
    select.addEventListener("change", onChange);
    select.addEventListener("blur", apply);
    select.addEventListener("focus", onFocus);
    return () => {
      select.removeEventListener("keydown", onKey);
      select.removeEventListener("pointerdown", onPointer);
      select.removeEventListener("change", onChange);
      select.removeEventListener("blur", apply);
      select.removeEventListener("focus", onFocus);
    };
  };
}
