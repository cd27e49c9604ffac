// Reads Playwright's junit.xml back: one entry per testcase, keyed by the test-id property the JUnit reporter
// embeds from the test's annotations (embedAnnotationsAsProperties).
import { XMLParser } from 'fast-xml-parser';

export type JunitOutcome = 'passed' | 'failed' | 'skipped';

export interface JunitCase {
  name: string;
  testId?: string;
  requirement?: string;
  outcome: JunitOutcome;
}

interface XmlProperty {
  '@_name': string;
  '@_value': string;
}
interface XmlCase {
  '@_name': string;
  properties?: { property?: XmlProperty[] };
  failure?: unknown;
  error?: unknown;
  skipped?: unknown;
}

export function parseJunit(xml: string): JunitCase[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    // Lists stay lists even with one element, so the walk below has one shape.
    isArray: (name) => ['testsuite', 'testcase', 'property', 'failure', 'error'].includes(name),
  });
  const doc = parser.parse(xml) as { testsuites?: { testsuite?: { testcase?: XmlCase[] }[] } };
  if (!doc.testsuites) throw new Error('no <testsuites> element');
  return (doc.testsuites.testsuite ?? []).flatMap((s) =>
    (s.testcase ?? []).map((c) => {
      const prop = (n: string) => c.properties?.property?.find((p) => p['@_name'] === n)?.['@_value'];
      const outcome: JunitOutcome = c.failure !== undefined || c.error !== undefined ? 'failed' : c.skipped !== undefined ? 'skipped' : 'passed';
      return { name: String(c['@_name']), testId: prop('test-id'), requirement: prop('requirement'), outcome };
    }),
  );
}
