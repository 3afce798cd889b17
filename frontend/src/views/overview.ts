import { html } from 'hono/html';
import type { SensorSummary } from '../../../core/src/index';
import type { Freshness } from '../freshness';
import { formatMeasurement, formatUtc, sensorPath } from './format';
import { type Html, renderPage } from './layout';

export interface SensorCard {
  sensor: SensorSummary;
  freshness: Freshness;
}

const REFRESH_SECONDS = 60;

/** Renders the overview: one card per sensor, in the order given. */
export function renderOverview(cards: SensorCard[]): Html {
  const staleCount = cards.filter((card) => card.freshness.stale).length;
  const summary =
    staleCount === 0
      ? `${cards.length} ${cards.length === 1 ? 'sensor' : 'sensors'}, all reporting`
      : `${cards.length} ${cards.length === 1 ? 'sensor' : 'sensors'}, ${staleCount} stale`;
  const body =
    cards.length === 0
      ? html`<p class="message">
          No sensor has reported yet. Readings appear here once a collector has sent its first
          batch.
        </p>`
      : html`<ul class="cards">
          ${cards.map(renderCard)}
        </ul>`;

  return renderPage({
    title: 'Rooms',
    refreshSeconds: REFRESH_SECONDS,
    body: html`<header class="page-header">
        <h1>Rooms</h1>
        <p class="subtitle">${cards.length === 0 ? '' : summary}</p>
      </header>
      ${body}`,
  });
}

function renderCard({ sensor, freshness }: SensorCard): Html {
  const { latest } = sensor;
  const staleBadge = freshness.stale ? html`<span class="badge">stale</span>` : '';

  return html`<li>
    <a
      class="card${freshness.stale ? ' stale' : ''}"
      href="${sensorPath(sensor)}"
      data-device-id="${sensor.deviceId}"
      data-sensor-id="${sensor.sensorId}"
    >
      <h2 class="room">${sensor.room}</h2>
      <p class="values">
        <span class="temperature"
          >${formatMeasurement(latest.temperature)}<span class="unit">°C</span></span
        >
        <span class="humidity"
          >${formatMeasurement(latest.humidity)}<span class="unit">%RH</span></span
        >
      </p>
      <p class="last-seen">
        ${staleBadge}
        <time datetime="${latest.takenAt}" title="${formatUtc(latest.takenAt)}"
          >${freshness.label}</time
        >
      </p>
      <p class="source">${sensor.deviceId} / ${sensor.sensorId}</p>
    </a>
  </li>`;
}
