/** A dashboard as the fake stores it, in Datadog's v1 wire format (snake_case). */
export type StoredDashboard = Record<string, any> & { id: string; title: string };

type Answer = [number, unknown];

const WIDGET_TYPES = new Set([
  'group', 'timeseries', 'query_value', 'query_table', 'toplist', 'manage_status', 'note', 'heatmap', 'check_status', 'alert_graph',
]);

/**
 * The v1 dashboard endpoints: list (`count`/`start` pages of summaries with the description),
 * get, create, update and delete. Like Datadog, writes fill in `id`, `url`, `author_handle`,
 * `author_name`, `created_at`, `modified_at`, `is_read_only` and a numeric id on every widget,
 * nested ones included, and invalid dashboards get a 400 listing every problem.
 */
export class FakeDashboards {
  readonly dashboards = new Map<string, StoredDashboard>();
  private nextWidgetId = 1_000_000;
  private nextDashboard = 0;

  constructor(private readonly now: () => number) {}

  /** Stores a dashboard directly, as if someone had made it in the Datadog UI. */
  seed(dashboard: Record<string, any> & { title: string }): StoredDashboard {
    const stored = this.fill(this.newId(), { layout_type: 'ordered', widgets: [], ...dashboard });
    this.dashboards.set(stored.id, stored);
    return stored;
  }

  /** Handles a request under /api/v1/dashboard, or undefined for any other path. */
  route(method: string, url: URL, body: any): Answer | undefined {
    const path = url.pathname;
    const idMatch = /^\/api\/v1\/dashboard\/([a-z0-9-]+)$/.exec(path);
    if (path === '/api/v1/dashboard' && method === 'GET') return [200, { dashboards: this.list(url.searchParams) }];
    if (path === '/api/v1/dashboard' && method === 'POST') {
      const errors = validate(body);
      if (errors.length > 0) return [400, { errors }];
      const stored = this.fill(this.newId(), body);
      this.dashboards.set(stored.id, stored);
      return [200, stored];
    }
    if (!idMatch) return undefined;
    const id = idMatch[1]!;
    const existing = this.dashboards.get(id);
    if (!existing) return [404, { errors: ['Dashboard not found'] }];
    if (method === 'GET') return [200, existing];
    if (method === 'DELETE') {
      this.dashboards.delete(id);
      return [200, { deleted_dashboard_id: id }];
    }
    if (method === 'PUT') {
      const errors = validate(body);
      if (errors.length > 0) return [400, { errors }];
      const stored = this.fill(id, body, existing.created_at);
      this.dashboards.set(id, stored);
      return [200, stored];
    }
    return [405, { errors: ['Method Not Allowed'] }];
  }

  private newId(): string {
    this.nextDashboard += 1;
    const digits = String(this.nextDashboard).padStart(9, '0');
    return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
  }

  private list(params: URLSearchParams): unknown[] {
    const start = Number(params.get('start') ?? 0);
    const count = Number(params.get('count') ?? 100);
    const summaries = [...this.dashboards.values()].map((dashboard) => ({
      id: dashboard.id,
      title: dashboard.title,
      description: dashboard.description,
      layout_type: dashboard.layout_type,
      url: dashboard.url,
      is_read_only: false,
      created_at: dashboard.created_at,
      modified_at: dashboard.modified_at,
      author_handle: dashboard.author_handle,
    }));
    return summaries.slice(start, start + count);
  }

  private fill(id: string, body: Record<string, any>, createdAt?: string): StoredDashboard {
    const now = new Date(this.now()).toISOString();
    const slug = String(body.title).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

    return {
      id,
      title: body.title,
      description: body.description ?? null,
      layout_type: body.layout_type,
      ...(body.reflow_type === undefined ? {} : { reflow_type: body.reflow_type }),
      widgets: this.numberWidgets(body.widgets),
      notify_list: body.notify_list ?? null,
      template_variables: body.template_variables ?? null,
      tags: body.tags ?? null,
      url: `/dashboard/${id}/${slug}`,
      author_handle: 'owner@example.com',
      author_name: 'Owner',
      created_at: createdAt ?? now,
      modified_at: now,
      is_read_only: false,
      restricted_roles: [],
    };
  }

  private numberWidgets(widgets: any[]): any[] {
    return widgets.map((widget) => {
      const id = this.nextWidgetId++;
      const definition = widget.definition?.widgets
        ? { ...widget.definition, widgets: this.numberWidgets(widget.definition.widgets) }
        : widget.definition;
      return { ...widget, definition, id };
    });
  }
}

// NOTE: the texts are ours except where Datadog's are known; Datadog rejects the same inputs.
function validate(body: any): string[] {
  if (!body || typeof body !== 'object') return ['Invalid JSON'];
  const errors: string[] = [];
  if (typeof body.title !== 'string' || body.title.trim() === '') errors.push("The value provided for parameter 'title' is invalid");
  if (!['ordered', 'free'].includes(body.layout_type)) errors.push("The value provided for parameter 'layout_type' is invalid");
  if (body.reflow_type !== undefined && body.layout_type !== 'ordered') errors.push('reflow_type is only valid with layout_type ordered');
  if (!Array.isArray(body.widgets)) {
    errors.push("The value provided for parameter 'widgets' is invalid");
    return errors;
  }
  if (Array.isArray(body.tags) && body.tags.some((tag: unknown) => typeof tag !== 'string' || !tag.startsWith('team:'))) {
    errors.push('Dashboard tags must start with team:');
  }
  const check = (widgets: any[], path: string) => {
    widgets.forEach((widget, index) => {
      const at = `${path}[${index}]`;
      const type = widget?.definition?.type;
      if (!WIDGET_TYPES.has(type)) {
        errors.push(`${at}.definition.type is invalid: ${String(type)}`);
        return;
      }
      if (body.layout_type === 'free' && widget.layout === undefined) errors.push(`${at}.layout is required with layout_type free`);
      if (type === 'group') check(widget.definition.widgets ?? [], `${at}.definition.widgets`);
      if (['timeseries', 'query_value', 'query_table', 'toplist'].includes(type) && !(widget.definition.requests?.length > 0)) {
        errors.push(`${at}.definition.requests must not be empty`);
      }
      if (type === 'manage_status' && typeof widget.definition.query !== 'string') errors.push(`${at}.definition.query is required`);
    });
  };
  check(body.widgets, 'widgets');

  return errors;
}
