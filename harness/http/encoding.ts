// URL building: every path parameter becomes exactly ONE path segment.
// `component` is encodeURIComponent (the default); `pchar` leaves RFC 3986 sub-delimiters and `:`/`@` raw,
// an equivalent spelling that a conformant server must read the same way (e.g. a raw `+` is a plus, not a space).

export type SegmentEncoding = 'component' | 'pchar';

const PCHAR_KEEP = /%(21|24|26|27|28|29|2A|2B|2C|3B|3D|3A|40)/g;

export function encodeSegment(value: string, encoding: SegmentEncoding = 'component'): string {
  const encoded = encodeURIComponent(value);
  return encoding === 'pchar' ? encoded.replace(PCHAR_KEEP, (m) => decodeURIComponent(m)) : encoded;
}

/** Fills a spec path template such as `/v2/{project_id}/images/{image_id}/tags/{key}`. */
export function fillTemplate(
  template: string,
  params: Record<string, string>,
  encoding: SegmentEncoding = 'component',
  raw: ReadonlySet<string> = new Set(),
): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`path parameter ${name} missing for ${template}`);
    return raw.has(name) ? value : encodeSegment(value, encoding);
  });
}

/** Joins the configured base URL (which may carry a path prefix) and an operation path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
