import { html } from 'hono/html';
import type { SensorSummary } from '../../../core/src/index';
import type { Freshness } from '../freshness';
import { CHART_RANGES, type ChartRange } from '../readings-query';
import { formatMeasurement, formatUtc, sensorPath } from './format';
import { type Html, renderPage } from './layout';

export interface SensorPageOptions {
  sensor: SensorSummary;
  freshness: Freshness;
  range: ChartRange;
}

/**
 * Renders a sensor's page: its latest reading and empty chart panels that `sensor-page.js`
 * fills from the readings API, so switching ranges needs no page load.
 */
export function renderSensorPage({ sensor, freshness, range }: SensorPageOptions): Html {
  const { latest } = sensor;
  const rangeMs = Object.fromEntries(
    Object.entries(CHART_RANGES).map(([key, value]) => [key, value.ms]),
  );
  const rangeLinks = Object.entries(CHART_RANGES).map(
    ([key, value]) =>
      html`<a
        href="${sensorPath(sensor)}?range=${key}"
        data-range="${key}"
        ${key === range ? html`aria-current="true"` : ''}
        >${value.label}</a
      >`,
  );

  return renderPage({
    title: sensor.room,
    scripts: ['uPlot.iife.min.js', 'sensor-page.js'],
    body: html`<header class="page-header">
        <p class="breadcrumb"><a href="/">← All sensors</a></p>
        <h1 class="room">${sensor.room}</h1>
        <p class="subtitle">
          <span class="temperature">${formatMeasurement(latest.temperature)} °C</span>
          <span class="humidity">${formatMeasurement(latest.humidity)} %RH</span>
          <span class="last-seen${freshness.stale ? ' stale' : ''}">
            ${freshness.stale ? html`<span class="badge">stale</span>` : ''}
            <time datetime="${latest.takenAt}" title="${formatUtc(latest.takenAt)}"
              >${freshness.label}</time
            >
          </span>
          <span class="source">${sensor.deviceId} / ${sensor.sensorId}</span>
        </p>
      </header>
      <section
        id="sensor-charts"
        data-device-id="${sensor.deviceId}"
        data-sensor-id="${sensor.sensorId}"
        data-range="${range}"
        data-ranges="${JSON.stringify(rangeMs)}"
      >
        <nav class="ranges" aria-label="Chart range">${rangeLinks}</nav>
        <p class="chart-status" role="status">Loading readings…</p>
        <figure class="chart" data-chart="temperature">
          <figcaption>Temperature (°C)</figcaption>
          <div class="plot"></div>
        </figure>
        <figure class="chart" data-chart="humidity">
          <figcaption>Relative humidity (%RH)</figcaption>
          <div class="plot"></div>
        </figure>
        <noscript><p class="message">The charts need JavaScript.</p></noscript>
      </section>`,
  });
}
