// DT-10's near-miss identifiers: the owner's image (and project) named in forms a router or a database may conflate
// with the real one. Each names the kind of system that conflates it. Whether a form addresses the image is recorded,
// not judged: a UUID read case-insensitively is legitimate. What is judged: no tag of an image the request did not
// name changes, and the answer is a documented status.

export interface NearMissIdentity {
  id: string;
  /** The address the request is sent to, from the real image and project ids (each still one path segment). */
  address(image: string, project: string): { image: string; project?: string };
  conflatedBy: string;
  /** Only where the path carries a project. */
  ims?: true;
}

export const NEAR_MISS_IDENTITIES: readonly NearMissIdentity[] = [
  { id: 'image id in upper case', address: (i) => ({ image: i.toUpperCase() }), conflatedBy: 'a UUID column or parser that ignores case (legitimate: RFC 9562 says UUIDs compare case-insensitively)' },
  { id: 'image id without dashes', address: (i) => ({ image: i.replace(/-/g, '') }), conflatedBy: "a UUID parser that accepts the 32-hex form (Python's uuid.UUID, PostgreSQL's uuid type)" },
  { id: 'image id with a trailing space', address: (i) => ({ image: `${i} ` }), conflatedBy: 'a PAD SPACE collation (MySQL/MariaDB CHAR and VARCHAR before 8.0) or a trimming router' },
  { id: 'image id with an encoded slash', address: (i) => ({ image: `${i}/` }), conflatedBy: 'a router that decodes %2F before matching and collapses the empty segment' },
  { id: 'project id in upper case', address: (i, p) => ({ image: i, project: p.toUpperCase() }), conflatedBy: 'a project lookup under a case-insensitive collation', ims: true },
];
