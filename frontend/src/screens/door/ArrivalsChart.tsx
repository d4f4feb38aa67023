// Arrivals per 5 minutes as a small SVG bar chart, drawn here (no chart library): the latest
// slots that fit, a value axis at the busiest slot, and times under the first, middle and last.
import type { ArrivalBucket } from "../../door-api";

const WIDTH = 400;
const HEIGHT = 180;
const LEFT = 36;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 28;
const MAX_SLOTS = 24; // two hours

/** The chart in words, for its caption and for screen readers. */
function describe(slots: ArrivalBucket[], total: number): string {
  if (slots.length === 0) return "No arrivals yet.";
  const people = `${total} ${total === 1 ? "arrival" : "arrivals"}`;
  const first = slots[0];
  const last = slots[slots.length - 1];
  if (slots.length === 1) return `${people} in the five minutes from ${first.local_time}.`;
  const busiest = slots.reduce((best, slot) => (slot.arrivals > best.arrivals ? slot : best));
  const peak = `busiest at ${busiest.local_time} with ${busiest.arrivals}`;
  return `${people} from ${first.local_time} to ${last.local_time}; ${peak}.`;
}

export function ArrivalsChart({ arrivals }: { arrivals: ArrivalBucket[] }) {
  const slots = arrivals.slice(-MAX_SLOTS);
  const total = slots.reduce((sum, slot) => sum + slot.arrivals, 0);
  const peak = Math.max(1, ...slots.map((slot) => slot.arrivals));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = plotWidth / Math.max(slots.length, 1);
  const barWidth = Math.min(40, Math.max(2, step * 0.75));
  const labelled = new Set([0, Math.floor((slots.length - 1) / 2), slots.length - 1]);
  const summary = describe(slots, total);

  return (
    <figure class="chart">
      <svg
        class="chart-svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="arrivals-chart-title"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="arrivals-chart-title">{`Arrivals per 5 minutes. ${summary}`}</title>
        <line
          class="chart-axis"
          x1={LEFT}
          y1={TOP + plotHeight}
          x2={WIDTH - RIGHT}
          y2={TOP + plotHeight}
        />
        <line class="chart-grid" x1={LEFT} y1={TOP} x2={WIDTH - RIGHT} y2={TOP} />
        <text class="chart-label" x={LEFT - 6} y={TOP + 4} text-anchor="end">
          {peak}
        </text>
        <text class="chart-label" x={LEFT - 6} y={TOP + plotHeight} text-anchor="end">
          0
        </text>
        {slots.map((slot, i) => {
          const height = (slot.arrivals / peak) * plotHeight;
          const x = LEFT + i * step + (step - barWidth) / 2;
          return (
            <g key={slot.starts_at}>
              <rect
                class="chart-bar"
                x={x}
                y={TOP + plotHeight - height}
                width={barWidth}
                height={height}
              >
                <title>{`${slot.local_time}: ${slot.arrivals}`}</title>
              </rect>
              {labelled.has(i) && (
                <text
                  class="chart-label"
                  x={x + barWidth / 2}
                  y={HEIGHT - 8}
                  text-anchor="middle"
                >
                  {slot.local_time}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">{summary}</figcaption>
    </figure>
  );
}
