import type { FieldChange } from '../plan';
import { diffFlat, flatten } from '../resource-plan';

type WireWidget = Record<string, unknown> & { definition?: Record<string, unknown> };

/**
 * Names a widget by its type and title (`group "Kitchen"`), with `#2`, `#3` for a repeated name.
 * Diffing by this name instead of by position makes removing one room show as one removed group
 * instead of every later widget changing.
 */
function widgetKeys(widgets: WireWidget[]): string[] {
  const seen = new Map<string, number>();

  return widgets.map((widget) => {
    const type = String(widget.definition?.type ?? 'widget');
    const title = widget.definition?.title;
    const base = title === undefined ? type : `${type} ${JSON.stringify(title)}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} #${count}`;
  });
}

// Datadog numbers every widget, nested ones included, and those ids are not declared.
function withoutIdAndChildren(widget: WireWidget): Record<string, unknown> {
  const { id: _id, definition, ...rest } = widget;
  const { widgets: _children, ...ownDefinition } = definition ?? {};

  return { ...rest, definition: ownDefinition };
}

const asWidgets = (value: unknown): WireWidget[] => (Array.isArray(value) ? (value as WireWidget[]) : []);

/**
 * Lists the differences between two widget lists in Datadog's wire format. A widget only on one
 * side is one `added` or `removed` change, a widget on both sides is compared field by field
 * (`widgets[group "Kitchen"].definition.title`), and a changed order of the shared widgets is
 * one `order` change.
 */
export function diffWidgets(path: string, before: unknown, after: unknown): FieldChange[] {
  const beforeWidgets = asWidgets(before);
  const afterWidgets = asWidgets(after);
  const beforeKeys = widgetKeys(beforeWidgets);
  const afterKeys = widgetKeys(afterWidgets);
  const afterKeySet = new Set(afterKeys);
  const beforeKeySet = new Set(beforeKeys);
  const beforeByKey = new Map(beforeKeys.map((key, index) => [key, beforeWidgets[index]!]));
  const afterByKey = new Map(afterKeys.map((key, index) => [key, afterWidgets[index]!]));
  // A widget whose title was edited (in the UI, or a renamed room) matches no key, but it keeps
  // its type and position, so it is compared with the declared widget at that position.
  const renamed = new Map<string, WireWidget>();
  afterKeys.forEach((key, index) => {
    const remote = beforeWidgets[index];
    const remoteKey = beforeKeys[index];
    if (beforeKeySet.has(key) || remote === undefined || remoteKey === undefined || afterKeySet.has(remoteKey)) return;
    if (remote.definition?.type !== afterWidgets[index]!.definition?.type) return;
    renamed.set(key, remote);
    beforeByKey.delete(remoteKey);
  });
  const changes: FieldChange[] = [];

  for (const key of beforeKeys) {
    if (!afterByKey.has(key) && beforeByKey.has(key)) {
      changes.push({ field: `${path}[${key}]`, before: undefined, after: undefined, note: 'removed' });
    }
  }
  for (const key of afterKeys) {
    const declared = afterByKey.get(key)!;
    const remote = beforeByKey.get(key) ?? renamed.get(key);
    const field = `${path}[${key}]`;
    if (remote === undefined) {
      changes.push({ field, before: undefined, after: undefined, note: 'added' });
      continue;
    }
    const own = diffFlat(flatten(withoutIdAndChildren(remote)), flatten(withoutIdAndChildren(declared)));
    changes.push(...own.map((change) => ({ ...change, field: `${field}.${change.field}` })));
    changes.push(...diffWidgets(`${field}.definition.widgets`, remote.definition?.widgets, declared.definition?.widgets));
  }

  const sharedBefore = beforeKeys.filter((key) => afterByKey.has(key) && beforeByKey.has(key));
  const sharedAfter = afterKeys.filter((key) => beforeByKey.has(key));
  if (JSON.stringify(sharedBefore) !== JSON.stringify(sharedAfter)) {
    changes.push({ field: `${path} order`, before: sharedBefore, after: sharedAfter });
  }

  return changes;
}
