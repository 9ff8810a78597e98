/**
 * A `<select>` that applies its value when the choice is made, not while it is being made. Chromium
 * fires `change` on every arrow key of a closed, focused select, so a filter bound to `onchange`
 * refetched the list for every option passed on the way. Here a change made with the keyboard is
 * held until Enter or until the select loses focus; a change made with the pointer (the list was
 * opened and an option clicked) applies at once. Only a change the user made is ever applied: a
 * value set by the page (the URL changed) is not sent back when the select loses focus.
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
    /** a choice made with the keyboard and not applied yet */
    let pending = false;
    const apply = () => {
      byKeyboard = false;
      if (!pending) return;
      pending = false;
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
      pending = true;
      if (!byKeyboard) apply();
    };
    select.addEventListener("keydown", onKey);
    select.addEventListener("pointerdown", onPointer);
    select.addEventListener("change", onChange);
    select.addEventListener("blur", apply);
    return () => {
      select.removeEventListener("keydown", onKey);
      select.removeEventListener("pointerdown", onPointer);
      select.removeEventListener("change", onChange);
      select.removeEventListener("blur", apply);
    };
  };
}
