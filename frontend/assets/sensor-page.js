// Draws a sensor's temperature and humidity charts with uPlot from the readings API, and
// switches between ranges without a page load. Runs in the browser as a plain script.
(() => {
  'use strict';

  const section = document.getElementById('sensor-charts');
  if (!section || typeof uPlot === 'undefined') return;

  const { deviceId, sensorId } = section.dataset;
  const rangeMs = JSON.parse(section.dataset.ranges);
  const statusLine = section.querySelector('.chart-status');
  // Fewer points than the widest plot has pixels (about 900), so each point gets a pixel or more.
  const MAX_POINTS = 600;
  const REFRESH_MS = 60_000;
  const CHART_HEIGHT = 260;
  const MEASUREMENTS = [
    { key: 'temperature', unit: '°C', colour: '--temperature' },
    { key: 'humidity', unit: '%RH', colour: '--humidity' },
  ];

  const charts = new Map();
  let currentRange = section.dataset.range;
  let latestRequest = 0;
  // The requested range in seconds, so the x axis spans it even where readings are missing.
  let xRange = [0, 1];

  const cssVariable = (name) =>
    getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function setStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle('error', Boolean(isError));
  }

  async function load(range, { quiet } = { quiet: false }) {
    const request = ++latestRequest;
    const to = new Date();
    const from = new Date(to.getTime() - rangeMs[range]);
    const query = new URLSearchParams({
      from: from.toISOString(),
      to: to.toISOString(),
      maxPoints: String(MAX_POINTS),
    });
    const url = `/api/sensors/${encodeURIComponent(deviceId)}/${encodeURIComponent(sensorId)}/readings?${query}`;
    if (!quiet) setStatus('Loading readings…');

    let body;
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      body = await response.json();
      if (!response.ok)
        throw new Error(body.error || `the server responded with status ${response.status}`);
    } catch (error) {
      if (request === latestRequest) setStatus(`Could not load readings: ${error.message}`, true);
      return;
    }
    // A slower response for a range the user has since left must not overwrite the newer one.
    if (request !== latestRequest) return;

    render(range, body);
  }

  function render(range, body) {
    const step = body.bucketSeconds ?? medianSpacingSeconds(body.points);
    const offset = body.bucketSeconds ? body.bucketSeconds / 2 : 0;
    const downsampled = body.bucketSeconds !== null;
    xRange = [Date.parse(body.from) / 1000, Date.parse(body.to) / 1000];

    for (const measurement of MEASUREMENTS) {
      const figure = section.querySelector(`[data-chart="${measurement.key}"]`);
      const columns = toColumns(body.points, measurement.key, offset, step);
      const data = downsampled ? columns : columns.slice(0, 2);
      const existing = charts.get(measurement.key);
      // Updating in place keeps the cursor and legend steady on the minutely refresh. A chart
      // whose series change (raw readings or min, mean and max) is built anew.
      if (existing && existing.series.length === data.length) {
        existing.setData(data);
      } else {
        existing?.destroy();
        const plot = figure.querySelector('.plot');
        const options = chartOptions(measurement, plot.clientWidth, downsampled);
        charts.set(measurement.key, new uPlot(options, data, plot));
      }
      figure.dataset.range = range;
      figure.dataset.to = body.to;
      figure.dataset.pointCount = String(body.points.length);
      figure.dataset.bucketSeconds = body.bucketSeconds === null ? '' : String(body.bucketSeconds);
    }

    setStatus(describe(range, body));
  }

  function describe(range, body) {
    const label = section.querySelector(`[data-range="${range}"]`).textContent;
    const readings = `${body.readingCount.toLocaleString('en')} ${body.readingCount === 1 ? 'reading' : 'readings'}`;
    if (body.readingCount === 0) return `No readings in the last ${label}.`;
    if (body.bucketSeconds === null) return `${readings} in the last ${label}.`;
    const minutes = body.bucketSeconds / 60;
    const bucket = minutes < 60 ? `${minutes} min` : `${minutes / 60} h`;

    return `${readings} in the last ${label}, shown as the min, mean and max of every ${bucket}.`;
  }

  // uPlot takes columns: times in seconds, then one array per series. A null after a long
  // silence breaks the line, so an outage shows as a gap instead of a straight line.
  function toColumns(points, key, offset, step) {
    const columns = [[], [], [], []];
    let previous;
    for (const point of points) {
      const time = Date.parse(point.time) / 1000 + offset;
      if (previous !== undefined && time - previous > 3 * step) {
        columns[0].push(previous + step);
        columns[1].push(null);
        columns[2].push(null);
        columns[3].push(null);
      }
      columns[0].push(time);
      columns[1].push(point[key].mean);
      columns[2].push(point[key].min);
      columns[3].push(point[key].max);
      previous = time;
    }

    return columns;
  }

  function medianSpacingSeconds(points) {
    const gaps = [];
    for (let index = 1; index < points.length; index++) {
      gaps.push((Date.parse(points[index].time) - Date.parse(points[index - 1].time)) / 1000);
    }
    gaps.sort((left, right) => left - right);

    return gaps.length === 0 ? Infinity : gaps[Math.floor(gaps.length / 2)];
  }

  function chartOptions(measurement, width, downsampled) {
    const colour = cssVariable(measurement.colour);
    const muted = cssVariable('--muted');
    const grid = { stroke: cssVariable('--grid'), width: 1 };
    const format = (_chart, value) =>
      value == null ? '–' : `${value.toFixed(1)} ${measurement.unit}`;
    const series = [
      {},
      { label: downsampled ? 'mean' : measurement.key, stroke: colour, width: 2, value: format },
    ];
    if (downsampled) {
      series.push(
        { label: 'min', stroke: `${colour}66`, width: 1, value: format },
        { label: 'max', stroke: `${colour}66`, width: 1, value: format },
      );
    }

    return {
      width: Math.max(width, 200),
      height: CHART_HEIGHT,
      scales: { x: { time: true, range: () => xRange } },
      series,
      bands: downsampled ? [{ series: [3, 2], fill: `${colour}22` }] : [],
      axes: [
        { stroke: muted, grid, ticks: grid },
        { stroke: muted, grid, ticks: grid, size: 56 },
      ],
    };
  }

  function selectRange(range) {
    if (!(range in rangeMs)) return;
    currentRange = range;
    section.dataset.range = range;
    for (const link of section.querySelectorAll('.ranges a')) {
      if (link.dataset.range === range) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    }
    load(range);
  }

  section.querySelector('.ranges').addEventListener('click', (event) => {
    const link = event.target.closest('a[data-range]');
    if (!link) return;
    event.preventDefault();
    history.pushState(null, '', link.href);
    selectRange(link.dataset.range);
  });

  window.addEventListener('popstate', () => {
    selectRange(new URLSearchParams(location.search).get('range') || '24h');
  });

  window.addEventListener('resize', () => {
    for (const [key, chart] of charts) {
      const plot = section.querySelector(`[data-chart="${key}"] .plot`);
      chart.setSize({ width: Math.max(plot.clientWidth, 200), height: CHART_HEIGHT });
    }
  });

  setInterval(() => load(currentRange, { quiet: true }), REFRESH_MS);
  load(currentRange);
})();
