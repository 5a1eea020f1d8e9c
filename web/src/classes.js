// Class search for models with many classes: what the completion list offers for a typed query, and
// labels shortened to fit with the full name kept for hover.

/** Labels longer than this many characters are shortened in chips, tables and headings. */
export const LABEL_CHARS = 24;

/**
 * The classes matching `query`, best first, at most `limit`: an exact class id, then names or keys
 * starting with the query, then names containing it (case-insensitive), each group in class order.
 * `labels` is ModelDescription.labels ({ classId, key, name }); ids in `exclude` are left out.
 */
export function searchClasses(labels, query, limit = 12, exclude = new Set()) {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  const exact = [];
  const prefix = [];
  const inside = [];
  for (const l of labels) {
    if (exclude.has(l.classId)) continue;
    const name = l.name.toLowerCase();
    const key = (l.key ?? "").toLowerCase();
    if (String(l.classId) === q) exact.push(l);
    else if (name.startsWith(q) || key.startsWith(q) || name.split(/[\s,_-]+/).some((w) => w.startsWith(q))) prefix.push(l);
    else if (name.includes(q)) inside.push(l);
  }
  return [...exact, ...prefix, ...inside].slice(0, limit);
}

/** `text` cut to `max` characters with an ellipsis (the cut text and the ellipsis count `max`). */
export function shorten(text, max = LABEL_CHARS) {
  const s = String(text);
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** A span showing `text` shortened, with the full text as its title when it was cut. */
export function labelSpan(text, max = LABEL_CHARS) {
  const span = document.createElement("span");
  span.className = "label";
  span.textContent = shorten(text, max);
  span.dataset.fullLabel = String(text);
  if (span.textContent !== String(text)) span.title = String(text);
  return span;
}
