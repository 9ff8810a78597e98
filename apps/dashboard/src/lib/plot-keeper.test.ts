import { expect, test } from "vitest";
import { type KeptPlot, PlotKeeper, type PlotView } from "./plot-keeper.ts";

type Cols = [number[], number[]];

/** A stand-in for uPlot that records what was asked of it. */
class FakePlot implements KeptPlot<Cols> {
  static built: FakePlot[] = [];
  calls: string[] = [];
  data: Cols;
  width: number;
  destroyed = false;
  constructor(view: PlotView<Cols>) {
    this.data = view.data;
    this.width = view.width;
    FakePlot.built.push(this);
  }
  setData(data: Cols) {
    this.calls.push("setData");
    this.data = data;
  }
  setSize(size: { width: number; height: number }) {
    this.calls.push(`setSize ${size.width}x${size.height}`);
    this.width = size.width;
  }
  destroy() {
    this.destroyed = true;
  }
}

function keeper() {
  FakePlot.built = [];
  return new PlotKeeper<Cols, FakePlot>((view) => new FakePlot(view));
}

/** two columns (x, y) as fresh arrays, so "equal" is by value, never by identity */
const cols = (xs: number[], ys: number[]): Cols => [[...xs], [...ys]];
const start = () => cols([1, 2], [5, 5]);

const view = (data: Cols, patch: Partial<PlotView<Cols>> = {}): PlotView<Cols> => ({
  shape: "light",
  width: 400,
  height: 130,
  data,
  ...patch,
});

test("live updates feed the one chart new data: it is built once and shows the latest columns", () => {
  const k = keeper();
  const first = k.show(view(start()));
  const updates = [
    cols([1, 2, 3], [5, 5, 6]),
    cols([1, 2, 3, 4], [5, 5, 6, 4]),
    cols([1, 2, 3, 4, 5], [5, 5, 6, 4, 9]),
  ];
  for (const c of updates) expect(k.show(view(c)), "the same chart after each update").toBe(first);
  expect(FakePlot.built, "one construction for four views of the same shape").toHaveLength(1);
  expect(first.calls).toEqual(["setData", "setData", "setData"]);
  expect(first.data, "the chart shows the last columns").toEqual(cols([1, 2, 3, 4, 5], [5, 5, 6, 4, 9]));
  expect(first.destroyed).toBe(false);
});

test("a resize is a setSize, not a rebuild; equal columns (a new array) draw nothing", () => {
  const k = keeper();
  const first = k.show(view(start()));
  k.show(view(start(), { width: 520 }));
  k.show(view(start(), { width: 520 }));
  expect(FakePlot.built).toHaveLength(1);
  expect(first.calls, "only the width changed").toEqual(["setSize 520x130"]);
  expect(first.width).toBe(520);
});

test("a new shape (the theme's colours) destroys the chart and builds another with the current data", () => {
  const k = keeper();
  const light = k.show(view(start()));
  const dark = k.show(view(cols([1, 2, 3], [5, 5, 7]), { shape: "dark", width: 300 }));
  expect(dark).not.toBe(light);
  expect(light.destroyed, "the old chart is destroyed before the new one is built").toBe(true);
  expect(FakePlot.built).toHaveLength(2);
  expect(dark.data).toEqual(cols([1, 2, 3], [5, 5, 7]));
  expect(dark.width).toBe(300);
  expect(dark.calls, "built with its data and width, nothing to update").toEqual([]);
});

test("clear destroys the chart, and the next view builds a fresh one", () => {
  const k = keeper();
  const first = k.show(view(start()));
  k.clear();
  expect(first.destroyed).toBe(true);
  k.clear();
  const second = k.show(view(start()));
  expect(second).not.toBe(first);
  expect(FakePlot.built).toHaveLength(2);
});
