/**
 * Keeps one chart for as long as its shape (series, bands, scales, colours) stays the same, and
 * feeds it new data and new widths: a uPlot is cheap to redraw (`setData`, `setSize`) and dear to
 * build (a canvas, its DOM, its options), and a rebuild drops the cursor, so a tooltip under a
 * resting mouse vanished on every live summary when the readiness chart was built anew each time.
 *
 * The chart behind it is anything with uPlot's `setData`, `setSize` and `destroy`
 * (https://github.com/leeoniya/uPlot/blob/1.6.32/src/uPlot.js: `setData(data, resetScales = true)`
 * rescales and redraws, keeping the cursor where the mouse is).
 */
export interface KeptPlot<D> {
  setData(data: D): void;
  setSize(size: { width: number; height: number }): void;
  destroy(): void;
}

export interface PlotView<D> {
  /** what the chart is built from besides its data and width; a change rebuilds it */
  shape: string;
  width: number;
  height: number;
  data: D;
}

type Columns = readonly (readonly unknown[])[];

/** Same columns, value by value (a summary with unchanged counts at the same "now" draws nothing). */
function sameColumns(a: Columns, b: Columns): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((col, i) => {
    const other = b[i];
    return other !== undefined && col.length === other.length && col.every((v, j) => Object.is(v, other[j]));
  });
}

export class PlotKeeper<D extends Columns, P extends KeptPlot<D>> {
  readonly #build: (view: PlotView<D>) => P;
  #plot: P | null = null;
  #shown: PlotView<D> | null = null;

  constructor(build: (view: PlotView<D>) => P) {
    this.#build = build;
  }

  /** Draws `view`: builds the chart when there is none or its shape changed, else updates it. */
  show(view: PlotView<D>): P {
    const shown = this.#shown;
    if (this.#plot === null || shown === null || shown.shape !== view.shape) {
      this.clear();
      this.#plot = this.#build(view);
    } else {
      if (shown.width !== view.width || shown.height !== view.height) {
        this.#plot.setSize({ width: view.width, height: view.height });
      }
      if (!sameColumns(shown.data, view.data)) this.#plot.setData(view.data);
    }
    this.#shown = view;
    return this.#plot;
  }

  /** Destroys the chart (no data to draw, or the component is going away). */
  clear(): void {
    this.#plot?.destroy();
    this.#plot = null;
    this.#shown = null;
  }
}
